"""The audit log: who did what to which record, written one way everywhere.

``record`` adds a row inside the caller's transaction, so an action and its
audit row are stored together or not at all. Personal data is masked first
(``ocop.privacy``): the actor, free-text details, and the personal fields of
details given as a dict (reference codes and counts stay readable).
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Text, Union

from sqlalchemy.orm import Session

from ocop.privacy import mask, mask_fields
from ocop.storage.models import AuditLog

Details = Union[None, Text, Mapping[Text, Any]]


def record(session: Session, actor: Text, action: Text, entity: Text, entity_id: Optional[int] = None,
           details: Details = None) -> None:
    """One audit row; ``details`` may be text or a dict (stored as JSON)."""
    if isinstance(details, str):
        details = mask(details)
    elif details is not None:
        details = json.dumps(mask_fields(details), ensure_ascii=False, sort_keys=True, default=str)
    session.add(AuditLog(actor=mask(actor), action=action, entity=entity, entity_id=entity_id, details=details))
