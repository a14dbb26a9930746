"""Button payloads longer than a platform's callback data, kept under a short key.

Telegram allows 64 bytes of ``callback_data``; a longer payload is stored here
under its hash and the button carries the key. Rows are shared by every bot
process and survive restarts; the same payload always gets the same key.
"""

from __future__ import annotations

import hashlib
from typing import Optional, Text

from sqlalchemy.exc import IntegrityError

from ocop.storage.db import Database
from ocop.storage.models import ButtonPayload

PREFIX = "p:"


def key_for(db: Database, payload: Text) -> Text:
    """A short key (``p:<hash>``) for ``payload``, stored once."""
    key = PREFIX + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:24]
    try:
        with db.session() as session:
            if session.get(ButtonPayload, key) is None:
                session.add(ButtonPayload(key=key, payload=payload))
    except IntegrityError:  # stored by another process at the same moment
        pass
    return key


def payload_for(db: Database, key: Text) -> Optional[Text]:
    """The payload behind ``key``, or None when ``key`` is not one of ours."""
    if not key.startswith(PREFIX):
        return None
    with db.session() as session:
        row = session.get(ButtonPayload, key)
        return row.payload if row is not None else None
