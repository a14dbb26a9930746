"""The audit log: who did what to which record, written one way everywhere.

``record`` adds a row inside the caller's transaction, so an action and its
audit row are stored together or not at all. Attempts by people we do not
trust yet (a refused certificate link, a refused officer command) are
recorded under ``actor_hash``: a keyed hash of the chat, so that officers can
tell attempts from one chat apart without the raw id being stored. Personal data is masked first
(``ocop.privacy``): the actor, free-text details, and the personal fields of
details given as a dict (reference codes and counts stay readable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from typing import Any, Mapping, Optional, Text, Union

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocop.privacy import mask, mask_fields
from ocop.storage.db import Database
from ocop.storage.models import AppSecret, AuditLog

KEY_NAME = "audit_actor_key"
_LETTERS = str.maketrans("0123456789", "ghijklmnop")  # no digit runs for the masker to eat

Details = Union[None, Text, Mapping[Text, Any]]


def record(session: Session, actor: Text, action: Text, entity: Text, entity_id: Optional[int] = None,
           details: Details = None) -> None:
    """One audit row; ``details`` may be text or a dict (stored as JSON)."""
    if isinstance(details, str):
        details = mask(details)
    elif details is not None:
        details = json.dumps(mask_fields(details), ensure_ascii=False, sort_keys=True, default=str)
    session.add(AuditLog(actor=mask(actor), action=action, entity=entity, entity_id=entity_id, details=details))


def _key(db: Database) -> bytes:
    """The installation's audit key: generated once, shared by every process through the database."""
    with db.session() as session:
        row = session.get(AppSecret, KEY_NAME)
        if row is not None:
            return row.value.encode()
    try:
        with db.session() as session:
            session.add(AppSecret(name=KEY_NAME, value=secrets.token_hex(32)))
    except IntegrityError:  # another process generated it at the same moment
        pass
    return _key(db)


def actor_hash(db: Database, actor: Text) -> Text:
    """``h:`` and a keyed hash of ``actor`` ("telegram:123"): stable, but not reversible without the key."""
    digest = hmac.new(_key(db), actor.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
    return "h:" + digest.translate(_LETTERS)


def count_since(db: Database, actor: Text, action: Text, since: dt.datetime) -> int:
    """How many times ``actor`` (as stored) did ``action`` since ``since``."""
    with db.session() as session:
        return session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor == actor, AuditLog.action == action, AuditLog.at >= since)).scalar_one()
