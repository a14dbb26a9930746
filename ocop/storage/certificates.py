"""The certificate registry: load officers' lists, link chat users to their certificates.

A chat user is linked to a certificate only when both its number and the
holder's tax code match (no one reads another producer's data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ocop.storage import audit, chat_users
from ocop.storage.db import Database
from ocop.storage.models import (
    Certificate,
    CertificateSubscription,
    ChatUser,
    Producer,
    ReminderDelivery,
    RenewalRequest,
)
from ocop.text import fold
from ocop.vietnam_time import VIETNAM, local_now

INACTIVE = ("withdrawn", "renewed")  # statuses that end reminders


def number_key(number: Text) -> Text:
    """Certificate numbers compared without case, accents or spaces: "318/gcn-ubnd"."""
    return "".join(fold(number).lower().split())


def upsert(db: Database, records: Iterable[Dict[str, Any]], actor: Text = "cli") -> Tuple[int, int, int]:
    """Insert or update every record (keyed on the number) in one transaction: (created, updated, unchanged)."""
    created = updated = unchanged = unlinked = 0
    with db.session() as session:
        producers = dict(session.execute(select(Producer.tax_code, Producer.id)).all())
        existing = {number_key(c.number): c for c in session.execute(select(Certificate)).scalars()}
        for record in records:
            certificate = existing.get(number_key(record["number"]))
            if certificate is not None and certificate.holder_tax_code != record["holder_tax_code"]:
                unlinked += _unlink_certificate(session, certificate.id)
            if certificate is None:
                certificate = Certificate()
                session.add(certificate)
                existing[number_key(record["number"])] = certificate
                created += 1
            for name, value in {**record, "producer_id": producers.get(record["holder_tax_code"])}.items():
                if getattr(certificate, name) != value:
                    setattr(certificate, name, value)
            if certificate.id is not None:
                if session.is_modified(certificate):
                    updated += 1
                else:
                    unchanged += 1
        audit.record(session, actor, "imported", "certificate",
                     details={"created": created, "updated": updated, "unchanged": unchanged,
                              "unlinked_after_holder_change": unlinked})
    return created, updated, unchanged


def _unlink_certificate(session: Session, certificate_id: int) -> int:
    """The holder changed: chats linked to the former holder no longer get this certificate's reminders."""
    return session.execute(
        update(CertificateSubscription)
        .where(CertificateSubscription.certificate_id == certificate_id, CertificateSubscription.active.is_(True))
        .values(active=False).execution_options(synchronize_session=False)
    ).rowcount


@dataclass(frozen=True)
class CertificateView:
    number: Text
    product_name: Text
    star_rating: int
    issue_date: dt.date
    expiry_date: dt.date
    status: Text
    decision_date: Optional[dt.date] = None

    @classmethod
    def of(cls, certificate: Certificate) -> "CertificateView":
        return cls(certificate.number, certificate.product_name, certificate.star_rating,
                   certificate.issue_date, certificate.expiry_date, certificate.status, certificate.decision_date)


def find(session: Session, number: Text) -> Optional[Certificate]:
    """The certificate whose number matches, ignoring case, spaces and "Đ"/"đ" typed as "d"."""
    stored = func.replace(func.replace(func.replace(Certificate.number, " ", ""), "Đ", "d"), "đ", "d")
    return session.execute(
        select(Certificate).where(func.lower(stored) == number_key(number)).limit(1)
    ).scalar_one_or_none()


MAX_FAILED_LINKS_PER_DAY = 5


class TooManyAttempts(Exception):
    """This chat gave a wrong certificate number or tax code too often today."""


def link(db: Database, channel: Text, user_id: Text, number: Text, tax_code: Text) -> Optional[CertificateView]:
    """Subscribe the chat user when number and tax code match; None otherwise.

    A refusal is audited under the chat's keyed hash; after
    ``MAX_FAILED_LINKS_PER_DAY`` refusals in a Vietnamese day the chat gets
    ``TooManyAttempts`` without anything being checked, so nobody can try
    tax codes until one fits.
    """
    actor = f"{channel}:{user_id}"
    hashed = audit.actor_hash(db, actor)
    midnight = dt.datetime.combine(local_now().date(), dt.time.min, tzinfo=VIETNAM).astimezone(dt.timezone.utc)
    if audit.count_since(db, hashed, "link_refused", midnight) >= MAX_FAILED_LINKS_PER_DAY:
        raise TooManyAttempts(actor)
    with db.session() as session:
        certificate = find(session, number)
        if certificate is None or certificate.holder_tax_code != tax_code:
            audit.record(session, hashed, "link_refused", "certificate", certificate.id if certificate else None)
            return None
        user = chat_users.get_or_create(session, channel, user_id)
        subscription = session.execute(
            select(CertificateSubscription).where(
                CertificateSubscription.certificate_id == certificate.id,
                CertificateSubscription.chat_user_id == user.id,
            )
        ).scalar_one_or_none()
        if subscription is None:
            session.add(CertificateSubscription(certificate_id=certificate.id, chat_user_id=user.id, active=True))
        else:
            subscription.active = True
        audit.record(session, actor, "linked", "certificate", certificate.id)
        return CertificateView.of(certificate)


def unlink_all(db: Database, channel: Text, user_id: Text) -> int:
    """Stop every reminder of this chat user; the number of certificates concerned."""
    with db.session() as session:
        rows = session.execute(
            select(CertificateSubscription)
            .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
            .where(ChatUser.channel == channel, ChatUser.user_id == user_id, CertificateSubscription.active.is_(True))
        ).scalars().all()
        for subscription in rows:
            subscription.active = False
        return len(rows)


def linked(db: Database, channel: Text, user_id: Text) -> List[CertificateView]:
    """The certificates this chat user is subscribed to."""
    with db.session() as session:
        return [
            CertificateView.of(c)
            for c in session.execute(
                select(Certificate)
                .join(CertificateSubscription, CertificateSubscription.certificate_id == Certificate.id)
                .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
                .where(ChatUser.channel == channel, ChatUser.user_id == user_id,
                       CertificateSubscription.active.is_(True))
                .order_by(Certificate.expiry_date)
            ).scalars()
        ]


@dataclass(frozen=True)
class ExpiringCertificate:
    number: Text
    product_name: Text
    holder_name: Text
    star_rating: int
    expiry_date: dt.date
    reachable_on: Optional[Text]  # the channel of a linked, reachable chat user
    reminders_sent: int = 0
    last_reminded_at: Optional[dt.datetime] = None
    answer: Optional[Text] = None  # the latest answer to a reminder: renew, upgrade, decline


def expiring(db: Database, today: dt.date, days: int) -> List[ExpiringCertificate]:
    """Certificates expiring within ``days`` (or expired, not renewed), with reachability in chat,
    the reminders sent and the producer's latest answer."""
    with db.session() as session:
        reachable = dict(session.execute(
            select(CertificateSubscription.certificate_id, ChatUser.channel)
            .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
            .where(CertificateSubscription.active.is_(True), ChatUser.blocked_at.is_(None))
        ).all())
        reminded = {row[0]: row[1:] for row in session.execute(
            select(ReminderDelivery.certificate_id, func.count(), func.max(ReminderDelivery.sent_at))
            .where(ReminderDelivery.status == "sent").group_by(ReminderDelivery.certificate_id))}
        answers = dict(session.execute(
            select(RenewalRequest.certificate_id, RenewalRequest.choice).order_by(RenewalRequest.id)).all())
        return [
            ExpiringCertificate(c.number, c.product_name, c.holder_name, c.star_rating, c.expiry_date,
                                reachable.get(c.id), *reminded.get(c.id, (0, None)), answers.get(c.id))
            for c in session.execute(
                select(Certificate)
                .where(Certificate.expiry_date <= today + dt.timedelta(days=days), Certificate.status.not_in(INACTIVE))
                .order_by(Certificate.expiry_date)
            ).scalars()
        ]


def search(db: Database, text: Text, limit: int = 200) -> List[Certificate]:
    """Certificates whose number, product, holder or commune contains ``text`` (any accents, any case)."""
    wanted = " ".join(fold(text).lower().split())
    with db.session() as session:
        found = []
        for certificate in session.execute(select(Certificate).order_by(Certificate.expiry_date)).scalars():
            haystack = fold(" ".join((certificate.number, certificate.product_name, certificate.holder_name,
                                      certificate.ward or ""))).lower()
            if wanted in haystack:
                found.append(certificate)
                if len(found) >= limit:
                    break
        return found
