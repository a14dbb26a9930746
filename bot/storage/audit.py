"""The audit log and officers' views of it (hand-off requests)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from sqlalchemy import select

from bot.privacy import mask
from bot.storage.db import session_scope
from bot.storage.models import AuditLog, HandoffRequest


def record(actor: Text, action: Text, entity: Text, entity_id: Optional[int] = None,
           details: Optional[Text] = None, url: Optional[Text] = None) -> None:
    with session_scope(url) as session:
        session.add(AuditLog(actor=mask(actor), action=action, entity=entity, entity_id=entity_id,
                             details=mask(details)))


def open_handoffs(url: Optional[Text] = None) -> List[Dict[str, Any]]:
    with session_scope(url) as session:
        return [
            {"id": r.id, "created_at": r.created_at, "reason": r.reason, "last_message": r.last_message}
            for r in session.execute(
                select(HandoffRequest).where(HandoffRequest.status == "open").order_by(HandoffRequest.id.desc())
            ).scalars()
        ]
