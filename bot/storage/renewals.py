"""Renewal requests: what producers answered to an expiry reminder, for officers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Text

from sqlalchemy import select

from bot.storage.certificates import find
from bot.storage.db import session_scope
from bot.storage.models import AuditLog, Certificate, ChatUser, ReminderDelivery, RenewalRequest
from bot.storage.chat_users import get_or_create_chat_user
from bot.vietnam_time import local_time

CHOICE_LABELS = {"renew": "Đánh giá lại", "upgrade": "Nâng hạng sao", "decline": "Không gia hạn"}


@dataclass(frozen=True)
class ReminderView:
    number: Text
    product_name: Text
    star_rating: int
    expiry_date: dt.date


def latest_reminded(channel: Text, user_id: Text, url: Optional[Text] = None) -> Optional[ReminderView]:
    """The certificate of the newest reminder pushed (or being pushed) to this chat user."""
    with session_scope(url) as session:
        certificate = session.execute(
            select(Certificate)
            .join(ReminderDelivery, ReminderDelivery.certificate_id == Certificate.id)
            .join(ChatUser, ReminderDelivery.chat_user_id == ChatUser.id)
            .where(ChatUser.channel == channel, ChatUser.user_id == user_id,
                   ReminderDelivery.status.in_(("sending", "sent")))
            .order_by(ReminderDelivery.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if certificate is None:
            return None
        return ReminderView(certificate.number, certificate.product_name, certificate.star_rating, certificate.expiry_date)


def record(channel: Text, user_id: Text, number: Text, choice: Text, url: Optional[Text] = None) -> Optional[Text]:
    """Store the answer; the product name, or None when the certificate is unknown."""
    with session_scope(url) as session:
        certificate = find(session, number) if number else None
        if certificate is None:
            return None
        user = get_or_create_chat_user(session, channel, user_id)
        session.add(RenewalRequest(certificate_id=certificate.id, chat_user_id=user.id, choice=choice, status="open"))
        session.add(AuditLog(actor="chat", action=f"renewal_{choice}", entity="certificate", entity_id=certificate.id))
        return certificate.product_name


EXPORT_COLUMNS = ("Ngày trả lời", "Số chứng nhận", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Ngày hết hạn", "Đề nghị", "Kênh", "Trạng thái")


def export_rows(url: Optional[Text] = None) -> Iterator[List[Any]]:
    yield list(EXPORT_COLUMNS)
    with session_scope(url) as session:
        rows = session.execute(
            select(RenewalRequest, Certificate, ChatUser)
            .join(Certificate, RenewalRequest.certificate_id == Certificate.id)
            .join(ChatUser, RenewalRequest.chat_user_id == ChatUser.id)
            .order_by(RenewalRequest.id)
        ).all()
        for request, certificate, user in rows:
            yield [
                local_time(request.created_at).strftime("%d/%m/%Y %H:%M"), certificate.number, certificate.product_name,
                certificate.holder_name, certificate.star_rating, certificate.expiry_date.strftime("%d/%m/%Y"),
                CHOICE_LABELS.get(request.choice, request.choice), user.channel,
                "Chưa xử lý" if request.status == "open" else request.status,
            ]
