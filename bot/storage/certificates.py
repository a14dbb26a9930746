"""The certificate registry: load officers' lists, link chat users to their certificates.

A chat user is linked to a certificate only when both its number and the
holder's tax code match (no one reads another producer's data).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.privacy import mask
from bot.storage.db import session_scope
from bot.storage.models import AuditLog, Certificate, CertificateSubscription, ChatUser, Producer
from bot.storage.chat_users import get_or_create_chat_user
from nlu.text import fold

STATUS_LABELS = {
    "valid": "còn hiệu lực",
    "expiring": "sắp hết hạn",
    "expired": "đã hết hạn",
    "renewed": "đã được công nhận lại",
    "withdrawn": "đã bị thu hồi",
}


def number_key(number: Text) -> Text:
    """Certificate numbers compared without case, accents or spaces: "318/gcn-ubnd"."""
    return "".join(fold(number).lower().split())


def upsert(records: Iterable[Dict[str, Any]], url: Optional[Text] = None, actor: Text = "cli") -> Tuple[int, int, int]:
    """Insert or update every record (keyed on the number) in one transaction: (created, updated, unchanged)."""
    created = updated = unchanged = 0
    with session_scope(url) as session:
        producers = dict(session.execute(select(Producer.tax_code, Producer.id)).all())
        existing = {number_key(c.number): c for c in session.execute(select(Certificate)).scalars()}
        for record in records:
            certificate = existing.get(number_key(record["number"]))
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
        session.add(AuditLog(actor=actor, action="imported", entity="certificate", entity_id=None,
                             details=json.dumps({"created": created, "updated": updated, "unchanged": unchanged})))
    return created, updated, unchanged


@dataclass(frozen=True)
class CertificateView:
    number: Text
    product_name: Text
    star_rating: int
    issue_date: dt.date
    expiry_date: dt.date
    status: Text

    @classmethod
    def of(cls, certificate: Certificate) -> "CertificateView":
        return cls(certificate.number, certificate.product_name, certificate.star_rating,
                   certificate.issue_date, certificate.expiry_date, certificate.status)


def find(session: Session, number: Text) -> Optional[Certificate]:
    """The certificate whose number matches, ignoring case, spaces and "Đ"/"đ" typed as "d"."""
    stored = func.replace(func.replace(func.replace(Certificate.number, " ", ""), "Đ", "d"), "đ", "d")
    return session.execute(
        select(Certificate).where(func.lower(stored) == number_key(number)).limit(1)
    ).scalar_one_or_none()


def link(channel: Text, user_id: Text, number: Text, tax_code: Text, url: Optional[Text] = None) -> Optional[CertificateView]:
    """Subscribe the chat user when number and tax code match; None otherwise (and nothing is written)."""
    with session_scope(url) as session:
        certificate = find(session, number)
        if certificate is None or certificate.holder_tax_code != tax_code:
            session.add(AuditLog(actor=mask(f"{channel}:{user_id}"), action="link_refused", entity="certificate",
                                 entity_id=certificate.id if certificate else None, details=None))
            return None
        user = get_or_create_chat_user(session, channel, user_id)
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
        session.add(AuditLog(actor=mask(f"{channel}:{user_id}"), action="linked", entity="certificate",
                             entity_id=certificate.id, details=None))
        return CertificateView.of(certificate)


def unlink_all(channel: Text, user_id: Text, url: Optional[Text] = None) -> int:
    """Stop every reminder of this chat user; the number of certificates concerned."""
    with session_scope(url) as session:
        rows = session.execute(
            select(CertificateSubscription)
            .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
            .where(ChatUser.channel == channel, ChatUser.user_id == user_id, CertificateSubscription.active.is_(True))
        ).scalars().all()
        for subscription in rows:
            subscription.active = False
        return len(rows)


def linked(channel: Text, user_id: Text, url: Optional[Text] = None) -> List[CertificateView]:
    """The certificates this chat user is subscribed to."""
    with session_scope(url) as session:
        return [
            CertificateView.of(c)
            for c in session.execute(
                select(Certificate)
                .join(CertificateSubscription, CertificateSubscription.certificate_id == Certificate.id)
                .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
                .where(ChatUser.channel == channel, ChatUser.user_id == user_id, CertificateSubscription.active.is_(True))
                .order_by(Certificate.expiry_date)
            ).scalars()
        ]


def expiring_rows(today: dt.date, days: int, url: Optional[Text] = None) -> Iterable[List[Any]]:
    """Header, then certificates expiring within ``days`` (or expired, not renewed), with reachability in chat."""
    yield ["Số chứng nhận", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Ngày hết hạn", "Còn (ngày)", "Liên lạc qua chat"]
    with session_scope(url) as session:
        reachable = {
            certificate_id: channel
            for certificate_id, channel in session.execute(
                select(CertificateSubscription.certificate_id, ChatUser.channel)
                .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
                .where(CertificateSubscription.active.is_(True), ChatUser.blocked_at.is_(None))
            )
        }
        for certificate in session.execute(
            select(Certificate)
            .where(Certificate.expiry_date <= today + dt.timedelta(days=days),
                   Certificate.status.not_in(("renewed", "withdrawn")))
            .order_by(Certificate.expiry_date)
        ).scalars():
            channel = reachable.get(certificate.id)
            yield [certificate.number, certificate.product_name, certificate.holder_name, certificate.star_rating,
                   certificate.expiry_date.strftime("%d/%m/%Y"), (certificate.expiry_date - today).days,
                   f"Có ({channel})" if channel else "Không"]
