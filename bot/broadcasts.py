"""Officers' announcements: choose an audience, store one delivery per recipient, send within limits.

``create`` stores the announcement and one ``broadcast_deliveries`` row per
recipient in one transaction. ``BroadcastSender`` (a thread of the bot
process) works through pending rows: each row is marked ``sending`` and
committed before the push and ``sent`` after, so a crash never gives anyone a
second copy (a row left in ``sending`` becomes ``unconfirmed`` at the next
start). Limits: ``OCOP_BROADCAST_RATE`` messages per second overall (default
25) and one per second per chat; a ``RetryLater`` from the channel (Telegram's
429 ``retry_after``) pauses the whole sender, other failures are retried with
backoff, and a user who blocked the bot is marked and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Text

from sqlalchemy import and_, exists, func, or_, select

from bot import channels
from bot.reminders import BlockedByUser, local_now
from bot.storage.db import session_scope
from bot.storage.models import (
    Announcement,
    BroadcastDelivery,
    Certificate,
    CertificateSubscription,
    ChatUser,
    Officer,
    PreRegistration,
    Producer,
)
from nlu.text import fold

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(seconds=2)


class RetryLater(Exception):
    """The platform asked us to slow down for ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True)
class Audience:
    """Who receives an announcement; empty filters mean every subscriber."""

    province: Optional[Text] = None
    ward: Optional[Text] = None
    product_group: Optional[Text] = None
    stars: Optional[int] = None
    expiring_days: Optional[int] = None

    def describe(self) -> Text:
        parts = [f"{k}={v}" for k, v in asdict(self).items() if v not in (None, "")]
        return ", ".join(parts) or "tất cả người đăng ký nhận tin"


FILTER_WORDS = {"tinh": "province", "tinh/thanh pho": "province", "thanh pho": "province", "xa": "ward",
                "phuong": "ward", "xa/phuong": "ward", "nhom": "product_group", "sao": "stars",
                "het han": "expiring_days", "het han trong": "expiring_days"}


def parse_message(message: Text) -> tuple:
    """An officer's "/broadcast" text: leading "tỉnh: …", "xã: …", "nhóm: …", "sao: 4",
    "hết hạn: 90" lines choose the audience; the rest is the announcement."""
    filters: Dict[Text, object] = {}
    lines = message.strip().splitlines()
    while lines and ":" in lines[0]:
        key, value = lines[0].split(":", 1)
        field = FILTER_WORDS.get(" ".join(fold(key).lower().split()))
        if field is None:
            break
        value = value.strip()
        filters[field] = int(value.split()[0]) if field in ("stars", "expiring_days") and value[:1].isdigit() else value
        lines.pop(0)
    if "product_group" in filters:
        from bot.choices import choices

        wanted = fold(str(filters["product_group"])).lower()
        for key, choice in choices()["product_groups"].items():
            if wanted in (key, fold(choice["label"]).lower()) or any(wanted == fold(k).lower() for k in choice["keywords"]):
                filters["product_group"] = key
                break
    return Audience(**filters), "\n".join(lines).strip()


def _like(column, value: Text):
    """Case- and accent-insensitive "contains" for place names (SQLite and PostgreSQL)."""
    return func.lower(column).contains(value.lower()) | func.lower(column).contains(fold(value).lower())


def recipients_query(audience: Audience, today: dt.date):
    query = select(ChatUser.id).where(ChatUser.notifications.is_(True), ChatUser.blocked_at.is_(None))
    if audience.province or audience.ward or audience.product_group:
        query = query.join(Producer, ChatUser.producer_id == Producer.id)
    if audience.province:
        query = query.where(_like(Producer.province, audience.province))
    if audience.ward:
        query = query.where(_like(Producer.ward, audience.ward))
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
            condition.append(Certificate.status.not_in(("renewed", "withdrawn")))
        query = query.where(exists().where(and_(*condition)))
    return query


def count(audience: Audience, url: Optional[Text] = None) -> int:
    with session_scope(url) as session:
        return len(session.execute(recipients_query(audience, local_now().date())).all())


def create(text: Text, audience: Audience, created_by: Text, url: Optional[Text] = None) -> tuple:
    """Store the announcement and its deliveries: (announcement id, recipients)."""
    with session_scope(url) as session:
        ids = [row[0] for row in session.execute(recipients_query(audience, local_now().date()))]
        announcement = Announcement(text=text, audience=json.dumps(asdict(audience), ensure_ascii=False),
                                    created_by=created_by)
        session.add(announcement)
        session.flush()
        session.bulk_insert_mappings(BroadcastDelivery, [
            {"announcement_id": announcement.id, "chat_user_id": user_id, "status": "pending", "attempts": 0}
            for user_id in ids
        ])
        return announcement.id, len(ids)


def is_officer(channel: Text, user_id: Text, url: Optional[Text] = None) -> bool:
    with session_scope(url) as session:
        return session.execute(
            select(Officer.id).where(Officer.channel == channel, Officer.user_id == user_id)
        ).first() is not None


def report(announcement_id: int, url: Optional[Text] = None) -> Dict[Text, int]:
    """Deliveries of one announcement by status."""
    with session_scope(url) as session:
        return dict(session.execute(
            select(BroadcastDelivery.status, func.count())
            .where(BroadcastDelivery.announcement_id == announcement_id)
            .group_by(BroadcastDelivery.status)
        ).all())


def reconcile(url: Optional[Text] = None) -> int:
    """Deliveries a crash left in ``sending``: maybe delivered, so never again."""
    with session_scope(url) as session:
        rows = session.execute(select(BroadcastDelivery).where(BroadcastDelivery.status == "sending")).scalars().all()
        for row in rows:
            row.status = "unconfirmed"
        return len(rows)


Push = Callable[[Text, Text, Text], None]  # channel, user id, text


def push_through_channels(channel: Text, user_id: Text, text: Text) -> None:
    channels.deliver(channel, user_id, [{"text": text}])


class BroadcastSender:
    """Sends pending deliveries, oldest first, within the rate limits."""

    def __init__(self, push: Push = push_through_channels, rate: Optional[float] = None,
                 per_chat_interval: float = 1.0, url: Optional[Text] = None) -> None:
        self.push = push
        self.rate = rate or float(os.environ.get("OCOP_BROADCAST_RATE", "25"))
        self.per_chat_interval = per_chat_interval
        self.url = url
        self._next_slot = time.monotonic()
        self._last_by_chat: Dict[int, float] = {}
        self._paused_until = 0.0

    def _wait_turn(self, chat_user_id: int) -> None:
        now = time.monotonic()
        wait = max(self._next_slot, self._paused_until,
                   self._last_by_chat.get(chat_user_id, 0.0) + self.per_chat_interval) - now
        if wait > 0:
            time.sleep(wait)
        now = time.monotonic()
        self._next_slot = max(self._next_slot + 1.0 / self.rate, now - 1.0 / self.rate)
        self._last_by_chat[chat_user_id] = now

    def _due(self, limit: int = 500) -> List[int]:
        now = dt.datetime.now(dt.timezone.utc)
        with session_scope(self.url) as session:
            return [row[0] for row in session.execute(
                select(BroadcastDelivery.id)
                .where(BroadcastDelivery.status.in_(("pending", "failed")),
                       or_(BroadcastDelivery.next_attempt_at.is_(None), BroadcastDelivery.next_attempt_at <= now))
                .order_by(BroadcastDelivery.id).limit(limit)
            )]

    def _claim(self, delivery_id: int) -> Optional[tuple]:
        with session_scope(self.url) as session:
            row = session.get(BroadcastDelivery, delivery_id, with_for_update=True)
            if row is None or row.status not in ("pending", "failed"):
                return None
            row.status, row.attempts = "sending", row.attempts + 1
            return row.chat_user_id, row.chat_user.channel, row.chat_user.user_id, row.announcement.text

    def _finish(self, delivery_id: int, error: Optional[BaseException]) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        with session_scope(self.url) as session:
            row = session.get(BroadcastDelivery, delivery_id)
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", now, None
            elif isinstance(error, BlockedByUser):
                row.status, row.last_error = "blocked", "blocked by the user"
                row.chat_user.blocked_at = now
            else:
                row.last_error = f"{type(error).__name__}: {error}"[:255]
                if isinstance(error, RetryLater):
                    row.status, row.next_attempt_at = "failed", now + dt.timedelta(seconds=error.seconds)
                    row.attempts -= 1  # the platform's pacing is not the message's fault
                elif row.attempts >= MAX_ATTEMPTS:
                    row.status = "abandoned"
                else:
                    row.status, row.next_attempt_at = "failed", now + FIRST_RETRY * (2 ** (row.attempts - 1))

    def send_due(self) -> int:
        """One pass over the due deliveries; the number handled."""
        handled = 0
        for delivery_id in self._due():
            claimed = self._claim(delivery_id)
            if claimed is None:
                continue
            chat_user_id, channel, user_id, text = claimed
            self._wait_turn(chat_user_id)
            error: Optional[BaseException] = None
            try:
                self.push(channel, user_id, text)
            except Exception as exc:  # noqa: BLE001 - recorded, retried or marked
                error = exc
                if isinstance(exc, RetryLater):
                    self._paused_until = time.monotonic() + exc.seconds
            self._finish(delivery_id, error)
            handled += 1
        return handled

    def run_forever(self, stop: threading.Event, idle: float = 1.0) -> None:
        while not stop.is_set():
            try:
                if not self.send_due():
                    stop.wait(idle)
            except Exception:  # noqa: BLE001 - the database was briefly unavailable
                logger.exception("Broadcast sender pass failed")
                stop.wait(5)
