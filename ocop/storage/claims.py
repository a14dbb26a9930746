"""Ownership claims: who may act for a producer is decided by an officer, not by a tax code.

A tax code is public. When a chat not linked to a producer gives that
producer's tax code, ``registrations.submit`` opens a claim here (with what
the chat said about the producer, for the officer to compare) and keeps the
new pre-registration ``waiting_claim``. An officer confirms (the chat is
linked to the producer and its waiting pre-registrations go to the queue) or
refuses (they are marked not eligible). The producer's stored details are
never changed by a claim.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ocop.privacy import mask_fields
from ocop.storage import audit
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, PreRegistration, Producer, ProducerClaim

WAITING = "waiting_claim"  # a pre-registration's status while its chat's claim is open


@dataclass(frozen=True)
class ClaimView:
    id: int
    producer_name: Text
    tax_code: Text
    claimed_by: Text  # "telegram:123"
    details: Text  # masked JSON of what the chat said
    created_at: dt.datetime
    producer_id: Optional[int] = None
    chat_user_id: Optional[int] = None


def open_claim(session: Session, producer: Producer, user: ChatUser, details: Dict[Text, Any]) -> None:
    """A pending claim of ``user`` on ``producer`` (once per pair); ``details``: what the chat said of it."""
    found = session.execute(select(ProducerClaim).where(
        ProducerClaim.producer_id == producer.id, ProducerClaim.chat_user_id == user.id)).scalar_one_or_none()
    if found is not None:
        return
    session.add(ProducerClaim(producer_id=producer.id, chat_user_id=user.id, status="pending",
                              details=json.dumps(details, ensure_ascii=False)))
    session.flush()
    audit.record(session, f"{user.channel}:{user.user_id}", "claim_opened", "producer", producer.id)


def pending(db: Database) -> List[ClaimView]:
    """Open claims, oldest first, with personal details masked."""
    with db.session() as session:
        rows = session.execute(
            select(ProducerClaim, Producer, ChatUser)
            .join(Producer, ProducerClaim.producer_id == Producer.id)
            .join(ChatUser, ProducerClaim.chat_user_id == ChatUser.id)
            .where(ProducerClaim.status == "pending").order_by(ProducerClaim.id)
        ).all()
        return [ClaimView(claim.id, producer.name, producer.tax_code, f"{user.channel}:{user.user_id}",
                          json.dumps(mask_fields(json.loads(claim.details)), ensure_ascii=False), claim.created_at,
                          producer.id, user.id)
                for claim, producer, user in rows]


def decide(db: Database, claim_id: int, confirm: bool, officer: Text) -> Optional[Text]:
    """Confirm or refuse a pending claim; the new status, or None when there is no such pending claim."""
    with db.session() as session:
        claim = session.get(ProducerClaim, claim_id)
        if claim is None or claim.status != "pending" or claim.chat_user_id is None:
            return None
        claim.status = "confirmed" if confirm else "refused"
        claim.decided_by, claim.decided_at = officer, dt.datetime.now(dt.timezone.utc)
        waiting = (PreRegistration.chat_user_id == claim.chat_user_id,
                   PreRegistration.producer_id == claim.producer_id, PreRegistration.status == WAITING)
        session.execute(update(PreRegistration).where(*waiting)
                        .values(status="submitted" if confirm else "rejected")
                        .execution_options(synchronize_session=False))
        if confirm:
            session.get(ChatUser, claim.chat_user_id).producer_id = claim.producer_id
        audit.record(session, officer, f"claim_{claim.status}", "producer", claim.producer_id)
        return claim.status
