"""Officers work the pre-registration queue: statuses, the message to the producer, the notice.

mới (``submitted``) → đang xem xét (``reviewing``) → cần bổ sung (``needs_info``,
with what to add) → đã chuyển hội đồng cấp xã (``accepted``) or không đủ điều
kiện (``rejected``, with the reason). A producer who sent what was missing
puts the file back under review. Every change is audited and, when the
pre-registration came from a chat, queued as a message to that chat through
the announcements' outbox; "hồ sơ của tôi" shows the same status and message.
A pre-registration waiting for an ownership claim (``waiting_claim``) moves
only through the claim (``ocop.storage.claims``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Text, Tuple

from sqlalchemy import func, select

from ocop import announcements
from ocop.reports import REGISTRATION_STATUS
from ocop.storage import audit
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, PreRegistration, Producer
from ocop.text import place_key
from ocop.vietnam_time import vietnam_midnight

NEXT: Dict[Text, Tuple[Text, ...]] = {
    "submitted": ("reviewing", "needs_info", "accepted", "rejected"),
    "reviewing": ("needs_info", "accepted", "rejected"),
    "needs_info": ("reviewing", "accepted", "rejected"),
    "accepted": (),
    "rejected": ("reviewing",),  # a refusal made in error can be reopened
}
NEEDS_MESSAGE = ("needs_info", "rejected")
MAX_MESSAGE = 1000


def notice_text(registration: PreRegistration) -> Text:
    """What the producer reads in their chat."""
    status = REGISTRATION_STATUS.get(registration.status, registration.status)
    lines = [f"Hồ sơ {registration.reference_code} (sản phẩm \"{registration.product_name}\") "
             f"có cập nhật: {status}."]
    if registration.officer_message:
        lines.append(f"Lời nhắn của cán bộ: {registration.officer_message}")
    if registration.status == "needs_info":
        lines.append("Vui lòng bổ sung theo lời nhắn và liên hệ UBND xã/phường nơi sản xuất.")
    lines.append("Gõ \"hồ sơ của tôi\" để xem lại bất cứ lúc nào.")
    return "\n".join(lines)


def change_status(db: Database, registration_id: int, status: Text, message: Text,
                  officer: Text) -> Optional[Text]:
    """Move a pre-registration to ``status``; None when done, else a Vietnamese reason it was refused."""
    message = " ".join((message or "").split())
    if status in NEEDS_MESSAGE and not message:
        return "Vui lòng ghi rõ nội dung cần bổ sung hoặc lý do không đủ điều kiện."
    if len(message) > MAX_MESSAGE:
        return f"Lời nhắn dài quá {MAX_MESSAGE} ký tự."
    with db.session() as session:
        registration = session.get(PreRegistration, registration_id, with_for_update=True)
        if registration is None:
            return "Không tìm thấy hồ sơ."
        if status not in NEXT.get(registration.status, ()):
            current = REGISTRATION_STATUS.get(registration.status, registration.status)
            return f"Hồ sơ đang ở trạng thái \"{current}\", không chuyển sang trạng thái này được."
        registration.status, registration.officer_message = status, message or None
        audit.record(session, officer, f"registration_{status}", "pre_registration", registration.id,
                     {"code": registration.reference_code})
        user = session.get(ChatUser, registration.chat_user_id) if registration.chat_user_id else None
        if user is not None and user.blocked_at is None:
            announcements.queue_message(session, user.id, notice_text(registration), officer, "registration_status")
    return None


PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    status: Text = ""
    ward: Text = ""  # part of the commune's name, any accents
    product_group: Text = ""
    since: Optional[dt.date] = None  # dates in Vietnam
    until: Optional[dt.date] = None


def queue(db: Database, wanted: QueueFilter, page: int = 0) -> Tuple[List[Tuple[PreRegistration, Producer]], int]:
    """One page of pre-registrations (newest first) with their producers, and how many match in all."""
    query = select(PreRegistration, Producer).join(Producer, PreRegistration.producer_id == Producer.id)
    if wanted.status:
        query = query.where(PreRegistration.status == wanted.status)
    if wanted.ward:
        query = query.where(Producer.ward_key.contains(place_key(wanted.ward), autoescape=True))
    if wanted.product_group:
        query = query.where(PreRegistration.product_group == wanted.product_group)
    if wanted.since:
        query = query.where(PreRegistration.created_at >= vietnam_midnight(wanted.since))
    if wanted.until:
        query = query.where(PreRegistration.created_at < vietnam_midnight(wanted.until + dt.timedelta(days=1)))
    with db.session() as session:
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.execute(query.order_by(PreRegistration.created_at.desc(), PreRegistration.id.desc())
                               .limit(PAGE_SIZE).offset(page * PAGE_SIZE)).all()
        return [tuple(row) for row in rows], total


def counts_by_status(db: Database) -> Dict[Text, int]:
    with db.session() as session:
        return dict(session.execute(
            select(PreRegistration.status, func.count()).group_by(PreRegistration.status)).all())


def detail(db: Database, registration_id: int) -> Optional[Tuple[PreRegistration, Producer, Optional[ChatUser]]]:
    with db.session() as session:
        registration = session.get(PreRegistration, registration_id)
        if registration is None:
            return None
        user = session.get(ChatUser, registration.chat_user_id) if registration.chat_user_id else None
        return registration, session.get(Producer, registration.producer_id), user
