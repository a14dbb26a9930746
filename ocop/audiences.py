"""Who receives an officer's announcement: filters, and the recipients chosen in SQL.

Every filter is optional; none means every chat user who agreed to
notifications and has not blocked the bot. Places are compared without
accents or case (``ocop.text.place_key``), so "ca mau" finds "Cà Mau".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional, Text

from sqlalchemy import and_, exists, select
from sqlalchemy.sql import Select

from ocop.storage.certificates import INACTIVE
from ocop.storage.models import Certificate, CertificateSubscription, ChatUser, PreRegistration, Producer
from ocop.text import place_key


@dataclass(frozen=True)
class Audience:
    """Who receives an announcement; empty filters mean every subscriber."""

    province: Optional[Text] = None
    ward: Optional[Text] = None
    product_group: Optional[Text] = None  # a key of data/forms/choices.yml
    stars: Optional[int] = None
    expiring_days: Optional[int] = None

    def describe(self) -> Text:
        parts = [f"{k}={v}" for k, v in asdict(self).items() if v not in (None, "")]
        return ", ".join(parts) or "tất cả người đăng ký nhận tin"

    def as_dict(self) -> Dict[Text, Any]:
        return asdict(self)


def recipients(audience: Audience, today: dt.date) -> Select:
    """``SELECT chat_users.id`` of everyone the announcement goes to."""
    query = select(ChatUser.id).where(ChatUser.notifications.is_(True), ChatUser.blocked_at.is_(None))
    if audience.province or audience.ward or audience.product_group:
        query = query.join(Producer, ChatUser.producer_id == Producer.id)
    if audience.province:
        query = query.where(Producer.province_key.contains(place_key(audience.province), autoescape=True))
    if audience.ward:
        query = query.where(Producer.ward_key.contains(place_key(audience.ward), autoescape=True))
    if audience.product_group:
        query = query.where(exists().where(and_(PreRegistration.producer_id == Producer.id,
                                                PreRegistration.product_group == audience.product_group)))
    if audience.stars or audience.expiring_days is not None:
        condition = [CertificateSubscription.chat_user_id == ChatUser.id, CertificateSubscription.active.is_(True),
                     Certificate.id == CertificateSubscription.certificate_id]
        if audience.stars:
            condition.append(Certificate.star_rating == audience.stars)
        if audience.expiring_days is not None:
            condition.append(Certificate.expiry_date <= today + dt.timedelta(days=audience.expiring_days))
            condition.append(Certificate.status.not_in(INACTIVE))
        query = query.where(exists().where(and_(*condition)))
    return query
