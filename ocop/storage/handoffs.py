"""Hand-off requests: a producer asked for a person, or the assistant failed twice in a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional, Text

from sqlalchemy import select

from ocop.privacy import mask
from ocop.storage import audit
from ocop.storage.db import Database
from ocop.storage.models import HandoffRequest, utcnow


@dataclass(frozen=True)
class Handoff:
    id: int
    sender_id: Text
    reason: Text  # "asked" or "repeated_fallback"
    last_message: Optional[Text]
    created_at: dt.datetime


def record(db: Database, sender_id: Text, reason: Text, last_message: Optional[Text]) -> None:
    """Store the request; the message is masked first."""
    with db.session() as session:
        session.add(HandoffRequest(sender_id=sender_id, reason=reason, last_message=mask(last_message)))


def open_requests(db: Database) -> List[Handoff]:
    """Open requests, newest first."""
    with db.session() as session:
        return [
            Handoff(r.id, r.sender_id, r.reason, r.last_message, r.created_at)
            for r in session.execute(
                select(HandoffRequest).where(HandoffRequest.status == "open").order_by(HandoffRequest.id.desc())
            ).scalars()
        ]


def get(db: Database, handoff_id: int) -> Optional[Handoff]:
    with db.session() as session:
        r = session.get(HandoffRequest, handoff_id)
        return None if r is None else Handoff(r.id, r.sender_id, r.reason, r.last_message, r.created_at)


def close(db: Database, handoff_id: int, officer: Text, note: Text = "") -> bool:
    """Close an open request with the officer's note; False when there is none open."""
    with db.session() as session:
        request = session.get(HandoffRequest, handoff_id, with_for_update=True)
        if request is None or request.status != "open":
            return False
        request.status = "closed"
        request.closed_note, request.closed_by, request.closed_at = note or None, officer, utcnow()
        audit.record(session, officer, "handoff_closed", "handoff_request", handoff_id, note or None)
        return True
