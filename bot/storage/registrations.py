"""Pre-registrations: write one in a single transaction, list them, export them.

The action server calls ``submit`` when a producer confirms the form and
``for_chat_user`` for "hồ sơ của tôi"; the ``ocop export registrations`` command
calls ``export_rows``. A producer is keyed on its tax code, a pre-registration
on (producer, product name folded): the same product sent twice gives back the
first reference code instead of a second row, even when both arrive at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Text

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.choices import label
from bot.privacy import mask
from bot.storage.chat_users import get_or_create_chat_user
from bot.storage.db import session_scope
from bot.vietnam_time import local_time
from bot.storage.models import AuditLog, ChatUser, PreRegistration, Producer
from nlu.text import fold, normalize_text

STATUS_LABELS = {
    "submitted": "Đã tiếp nhận, chờ UBND xã/phường xem xét",
    "reviewing": "Đang xem xét",
    "accepted": "Đã được đưa vào chu trình đánh giá",
    "rejected": "Chưa đủ điều kiện",
}


PERSONAL = ("tax_code", "phone", "email")


@dataclass(frozen=True)
class Submission:
    """Everything the form collected, already validated."""

    channel: Text
    user_id: Text
    subject_type: Text
    subject_name: Text
    representative: Text
    tax_code: Text
    phone: Text
    email: Optional[Text]
    address: Text
    ward: Text
    province: Text
    product_name: Text
    product_group: Text
    description: Text
    has_quality_documents: bool


@dataclass(frozen=True)
class Outcome:
    reference_code: Text
    created: bool  # False: the same product of the same producer was already registered


def product_key(name: Text) -> Text:
    """Product names compared without case, accents or extra spaces."""
    return fold(normalize_text(name)).lower()[:255]


def reference_code(registration: PreRegistration) -> Text:
    year = local_time(registration.created_at or dt.datetime.now(dt.timezone.utc)).year
    return f"OCOP-{year}-{registration.id:06d}"


def _producer(session: Session, data: Submission) -> Producer:
    producer = session.execute(select(Producer).where(Producer.tax_code == data.tax_code)).scalar_one_or_none()
    if producer is None:
        producer = Producer(tax_code=data.tax_code)
        session.add(producer)
    producer.subject_type = data.subject_type
    producer.name = data.subject_name
    producer.representative = data.representative
    producer.phone = data.phone
    producer.email = data.email
    producer.address = data.address
    producer.ward = data.ward
    producer.province = data.province
    session.flush()
    return producer


def _audit(session: Session, actor: Text, action: Text, entity: Text, entity_id: Optional[int], details: Dict[Text, Any]) -> None:
    masked = {key: mask(str(value)) if key in PERSONAL else value for key, value in details.items()}
    text = json.dumps(masked, ensure_ascii=False, sort_keys=True)
    session.add(AuditLog(actor=mask(actor), action=action, entity=entity, entity_id=entity_id, details=text))


def _submit_once(data: Submission, url: Optional[Text]) -> Outcome:
    key = product_key(data.product_name)
    actor = f"{data.channel}:{data.user_id}"
    with session_scope(url) as session:
        user = get_or_create_chat_user(session, data.channel, data.user_id)
        producer = _producer(session, data)
        user.producer_id = producer.id
        existing = session.execute(
            select(PreRegistration).where(
                PreRegistration.producer_id == producer.id, PreRegistration.product_key == key
            )
        ).scalar_one_or_none()
        if existing is not None:
            _audit(session, actor, "resubmitted", "pre_registration", existing.id, {"code": existing.reference_code})
            return Outcome(existing.reference_code, created=False)
        registration = PreRegistration(
            producer_id=producer.id,
            chat_user_id=user.id,
            product_name=data.product_name,
            product_key=key,
            product_group=data.product_group,
            description=data.description,
            has_quality_documents=data.has_quality_documents,
            status="submitted",
            created_at=dt.datetime.now(dt.timezone.utc),
        )
        session.add(registration)
        session.flush()
        registration.reference_code = reference_code(registration)
        _audit(
            session, actor, "submitted", "pre_registration", registration.id,
            {"code": registration.reference_code, "product": data.product_name, "tax_code": data.tax_code},
        )
        return Outcome(registration.reference_code, created=True)


def submit(data: Submission, url: Optional[Text] = None) -> Outcome:
    """Store the pre-registration in one transaction; a concurrent twin gives back its code."""
    try:
        return _submit_once(data, url)
    except IntegrityError:
        # Another request created the same producer, chat user or product at the
        # same moment: its transaction won, so ours now finds its rows.
        return _submit_once(data, url)


def for_chat_user(channel: Text, user_id: Text, url: Optional[Text] = None) -> List[Dict[Text, Any]]:
    """The pre-registrations made from this chat account, newest first."""
    with session_scope(url) as session:
        rows = session.execute(
            select(PreRegistration)
            .join(ChatUser, PreRegistration.chat_user_id == ChatUser.id)
            .where(ChatUser.channel == channel, ChatUser.user_id == user_id)
            .order_by(PreRegistration.created_at.desc(), PreRegistration.id.desc())
        ).scalars()
        return [
            {
                "code": r.reference_code,
                "product": r.product_name,
                "status": STATUS_LABELS.get(r.status, r.status),
                "created_at": local_time(r.created_at),
            }
            for r in rows
        ]


EXPORT_COLUMNS = (
    ("Mã hồ sơ", lambda r, p: r.reference_code),
    ("Ngày đăng ký", lambda r, p: local_time(r.created_at).strftime("%d/%m/%Y %H:%M")),
    ("Trạng thái", lambda r, p: STATUS_LABELS.get(r.status, r.status)),
    ("Tên sản phẩm", lambda r, p: r.product_name),
    ("Nhóm sản phẩm", lambda r, p: label("product_groups", r.product_group)),
    ("Mô tả", lambda r, p: r.description),
    ("Có hồ sơ chất lượng/tiêu chuẩn", lambda r, p: "Có" if r.has_quality_documents else "Chưa có"),
    ("Loại chủ thể", lambda r, p: label("subject_types", p.subject_type)),
    ("Tên chủ thể", lambda r, p: p.name),
    ("Mã số thuế/ĐKKD", lambda r, p: p.tax_code),
    ("Người đại diện", lambda r, p: p.representative),
    ("Điện thoại", lambda r, p: p.phone),
    ("Email", lambda r, p: p.email or ""),
    ("Địa chỉ", lambda r, p: p.address),
    ("Xã/phường", lambda r, p: p.ward or ""),
    ("Tỉnh/thành phố", lambda r, p: p.province or ""),
)


def export_rows(since: Optional[dt.date] = None, url: Optional[Text] = None) -> Iterator[List[Any]]:
    """Header row, then one row per pre-registration (oldest first), for officers."""
    yield [title for title, _ in EXPORT_COLUMNS]
    with session_scope(url) as session:
        query = select(PreRegistration, Producer).join(Producer, PreRegistration.producer_id == Producer.id)
        if since is not None:
            start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.timezone.utc)
            query = query.where(PreRegistration.created_at >= start)
        for registration, producer in session.execute(query.order_by(PreRegistration.id)):
            yield [column(registration, producer) for _, column in EXPORT_COLUMNS]
