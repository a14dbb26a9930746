"""Renewal requests: what producers answered to an expiry reminder, for officers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional, Text, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.storage import audit, chat_users
from ocop.storage.certificates import find
from ocop.storage.db import Database
from ocop.storage.models import Certificate, CertificateSubscription, ChatUser, RenewalRequest


@dataclass(frozen=True)
class ReminderView:
    number: Text
    product_name: Text
    star_rating: int
    expiry_date: dt.date


def _linked(session: Session, channel: Text, user_id: Text, number: Optional[Text]) -> Optional[Certificate]:
    """The certificate ``number`` when this chat account is linked to it (reminders go only there)."""
    certificate = find(session, number) if number else None
    if certificate is None:
        return None
    linked = session.execute(
        select(CertificateSubscription.id)
        .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
        .where(CertificateSubscription.certificate_id == certificate.id, CertificateSubscription.active.is_(True),
               ChatUser.channel == channel, ChatUser.user_id == user_id)
    ).first()
    return certificate if linked else None


def reminder_view(db: Database, channel: Text, user_id: Text, number: Optional[Text]) -> Optional[ReminderView]:
    """What a reminder of certificate ``number`` shows this chat; None unless the chat is linked to it."""
    with db.session() as session:
        certificate = _linked(session, channel, user_id, number)
        if certificate is None:
            return None
        return ReminderView(certificate.number, certificate.product_name, certificate.star_rating,
                            certificate.expiry_date)


def record(db: Database, channel: Text, user_id: Text, number: Optional[Text], choice: Text) -> Optional[Text]:
    """Store the answer; the product name, or None when this chat is not linked to that certificate
    (a hand-made button naming somebody else's certificate records nothing)."""
    with db.session() as session:
        certificate = _linked(session, channel, user_id, number)
        if certificate is None:
            return None
        user = chat_users.get_or_create(session, channel, user_id)
        session.add(RenewalRequest(certificate_id=certificate.id, chat_user_id=user.id, choice=choice, status="open"))
        audit.record(session, f"{channel}:{user_id}", f"renewal_{choice}", "certificate", certificate.id)
        return certificate.product_name


def all_answers(db: Database) -> List[Tuple[RenewalRequest, Certificate, ChatUser]]:
    """Every answer to a reminder with its certificate and chat user, oldest first."""
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(RenewalRequest, Certificate, ChatUser)
            .join(Certificate, RenewalRequest.certificate_id == Certificate.id)
            .join(ChatUser, RenewalRequest.chat_user_id == ChatUser.id)
            .order_by(RenewalRequest.id)
        ).all()]
