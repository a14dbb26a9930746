"""Hand-off requests: a producer asked for a person, or the assistant failed twice in a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional, Text

from sqlalchemy import select

from ocop.privacy import mask
from ocop.storage.db import Database
from ocop.storage.models import HandoffRequest


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
