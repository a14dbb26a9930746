"""Erase what a chat account left with us, on the producer's request.

In one transaction: the chat account itself (with its consent and
certificate links), the deliveries and hand-off requests made for it, its
pre-registrations that no officer has handled yet, and the producer record
when nothing else needs it any more. What officers already handle (a
pre-registration under review or decided, an answer to a reminder that is
being processed) is kept for them, unlinked from the chat. The conversation
history in Rasa's tracker store is erased later, once Rasa has stored the
turn that asked for it: ``erase_chat_user`` records the request here and the
bot process's scheduler carries it out (``ocop/retention.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Text

from sqlalchemy import delete, exists, select, update

from ocop.storage import audit
from ocop.storage.db import Database
from ocop.storage.models import (
    BroadcastDelivery,
    Certificate,
    CertificateSubscription,
    ChatUser,
    ErasureRequest,
    HandoffRequest,
    PreRegistration,
    Producer,
    ProducerClaim,
    ReminderDelivery,
    RenewalRequest,
)

ERASED = "(erased)"
UNHANDLED = ("submitted", "waiting_claim")  # pre-registrations no officer has looked at yet


@dataclass(frozen=True)
class Erased:
    """What was erased and what was kept for officers."""

    account: bool
    registrations_erased: int
    registrations_kept: int
    certificate_links: int
    producer_erased: bool


def erase_chat_user(db: Database, channel: Text, user_id: Text, sender_id: Text) -> Erased:
    """Erase this chat account's data; ``sender_id`` names its conversation and hand-off requests,
    whose erasure is requested in the same transaction."""
    with db.session() as session:
        session.execute(delete(HandoffRequest).where(HandoffRequest.sender_id == sender_id))
        session.add(ErasureRequest(sender_id=sender_id))
        user = session.execute(
            select(ChatUser).where(ChatUser.channel == channel, ChatUser.user_id == user_id)
        ).scalar_one_or_none()
        if user is None:
            return Erased(False, 0, 0, 0, False)
        mine = PreRegistration.chat_user_id == user.id
        erased = session.execute(delete(PreRegistration).where(mine, PreRegistration.status.in_(UNHANDLED))).rowcount
        kept = session.execute(update(PreRegistration).where(mine).values(chat_user_id=None)).rowcount
        links = session.execute(
            delete(CertificateSubscription).where(CertificateSubscription.chat_user_id == user.id)).rowcount
        for table in (ReminderDelivery, BroadcastDelivery):
            session.execute(delete(table).where(table.chat_user_id == user.id))
        session.execute(update(RenewalRequest).where(RenewalRequest.chat_user_id == user.id).values(chat_user_id=None))
        session.execute(delete(ProducerClaim).where(ProducerClaim.chat_user_id == user.id))
        producer_id = user.producer_id
        session.delete(user)
        session.flush()
        producer_erased = producer_id is not None and _erase_producer_if_unused(session, producer_id)
        audit.record(session, f"{channel}:(erased)", "erased_on_request", "chat_user", None,
                     {"registrations_erased": erased, "registrations_kept": kept, "certificate_links": links,
                      "producer_erased": producer_erased})
        return Erased(True, erased, kept, links, producer_erased)


def _erase_producer_if_unused(session, producer_id: int) -> bool:
    """The producer's personal details go too when no registration, chat or certificate needs them."""
    needed = session.execute(select(
        exists().where(PreRegistration.producer_id == producer_id)
        | exists().where(ChatUser.producer_id == producer_id)
        | exists().where(Certificate.producer_id == producer_id)
        | exists().where(ProducerClaim.producer_id == producer_id)
    )).scalar()
    if needed:
        return False
    session.execute(delete(Producer).where(Producer.id == producer_id))
    return True


def conversation_erasures_due(db: Database, requested_before: dt.datetime) -> List[ErasureRequest]:
    """Requests not carried out yet, made before ``requested_before``."""
    with db.session() as session:
        rows = session.execute(select(ErasureRequest).where(
            ErasureRequest.done_at.is_(None), ErasureRequest.requested_at < requested_before,
        ).order_by(ErasureRequest.id)).scalars().all()
        session.expunge_all()
        return list(rows)


def conversation_erased(db: Database, request_id: int, events: int, now: dt.datetime) -> None:
    """Record that the request was carried out; the chat's id is not kept."""
    with db.session() as session:
        session.execute(update(ErasureRequest).where(ErasureRequest.id == request_id)
                        .values(sender_id=ERASED, done_at=now, events_erased=events))
