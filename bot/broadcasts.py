"""Officers' announcements: choose an audience, store one delivery per recipient, send within limits.

``create`` stores the announcement and one ``broadcast_deliveries`` row per
recipient in one transaction. ``BroadcastSender`` (a thread of the bot
process) works through pending rows: each row is marked ``sending`` and
committed before the push and ``sent`` after, so a crash never gives anyone a
second copy (a row left in ``sending`` becomes ``unconfirmed`` at the next
start). Limits: ``OCOP_BROADCAST_RATE`` messages per second overall (default
25) and one per second per chat; a ``RetryLater`` from the channel (Telegram's
429 ``retry_after``) delays that delivery (and the whole sender when several
come within a second), other failures are retried with backoff, and a user
who blocked the bot is marked and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Text

from sqlalchemy import and_, exists, func, or_, select

from bot import channels
from ocop.outbox import RetryLater, record_outcome
from ocop.vietnam_time import local_now
from ocop.storage.db import session_scope
from ocop.storage.models import (
    Announcement,
    BroadcastDelivery,
    Certificate,
    CertificateSubscription,
    ChatUser,
    Officer,
    PreRegistration,
    Producer,
)
from ocop.text import fold

logger = logging.getLogger(__name__)

FIRST_RETRY = dt.timedelta(seconds=2)
# This many 429s within a second mean the bot-wide limit (not one chat's): everything waits.
BOT_WIDE_429S = 5


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
        from ocop.choices import choices

        wanted = fold(str(filters["product_group"])).lower()
        for key, choice in choices()["product_groups"].items():
            if wanted in (key, fold(choice["label"]).lower()) or any(wanted == fold(k).lower() for k in choice["keywords"]):
                filters["product_group"] = key
                break
    return Audience(**filters), "\n".join(lines).strip()


def _places(session, audience: Audience) -> List[int]:
    """Producers whose province and commune/ward contain the filters, compared without accents."""
    def matches(place: Optional[Text], wanted: Optional[Text]) -> bool:
        return not wanted or fold(wanted).lower() in fold(place or "").lower()

    return [pid for pid, province, ward in session.execute(select(Producer.id, Producer.province, Producer.ward))
            if matches(province, audience.province) and matches(ward, audience.ward)]


def recipients_query(session, audience: Audience, today: dt.date):
    query = select(ChatUser.id).where(ChatUser.notifications.is_(True), ChatUser.blocked_at.is_(None))
    if audience.province or audience.ward or audience.product_group:
        query = query.join(Producer, ChatUser.producer_id == Producer.id)
    if audience.province or audience.ward:
        query = query.where(Producer.id.in_(_places(session, audience)))
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
        query = recipients_query(session, audience, local_now().date())
        return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def create(text: Text, audience: Audience, created_by: Text, url: Optional[Text] = None) -> tuple:
    """Store the announcement and its deliveries: (announcement id, recipients)."""
    with session_scope(url) as session:
        ids = [row[0] for row in session.execute(recipients_query(session, audience, local_now().date()))]
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
                 per_chat_interval: float = 1.0, url: Optional[Text] = None, workers: int = 4) -> None:
        self.push = push
        self.workers = workers
        self._lock = threading.Lock()
        self.rate = rate or float(os.environ.get("OCOP_BROADCAST_RATE", "25"))
        self.per_chat_interval = per_chat_interval
        self.url = url
        self._next_slot = time.monotonic()
        self._last_by_chat: Dict[int, float] = {}
        self._paused_until = 0.0
        self._recent_429: List[float] = []

    def _wait_turn(self, chat_user_id: int) -> None:
        """Reserve the next send slot (overall rate, one per chat per interval) and sleep until it."""
        with self._lock:
            now = time.monotonic()
            slot = max(self._next_slot, self._paused_until, now,
                       self._last_by_chat.get(chat_user_id, 0.0) + self.per_chat_interval)
            self._next_slot = slot + 1.0 / self.rate
            self._last_by_chat[chat_user_id] = slot
        if slot > now:
            time.sleep(slot - now)

    def _due(self, limit: int = 500) -> List[tuple]:
        now = dt.datetime.now(dt.timezone.utc)
        with session_scope(self.url) as session:
            return [tuple(row) for row in session.execute(
                select(BroadcastDelivery.id, BroadcastDelivery.chat_user_id)
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
        with session_scope(self.url) as session:
            record_outcome(session.get(BroadcastDelivery, delivery_id), error, dt.datetime.now(dt.timezone.utc), FIRST_RETRY)

    def _send_one(self, due: tuple) -> bool:
        delivery_id, chat_user_id = due
        # Wait for the slot first and claim right before sending: a crash then
        # leaves at most the few messages in flight unconfirmed.
        self._wait_turn(chat_user_id)
        claimed = self._claim(delivery_id)
        if claimed is None:
            return False
        _, channel, user_id, text = claimed
        error: Optional[BaseException] = None
        try:
            self.push(channel, user_id, text)
        except Exception as exc:  # noqa: BLE001 - recorded, retried or marked
            error = exc
            if isinstance(exc, RetryLater):
                # One chat's flood limit delays that chat; several in a second mean
                # the bot's own limit, and everything waits.
                with self._lock:
                    now = time.monotonic()
                    self._recent_429 = [t for t in self._recent_429 if now - t < 1.0] + [now]
                    if len(self._recent_429) >= BOT_WIDE_429S:
                        self._paused_until = now + exc.seconds
        self._finish(delivery_id, error)
        return True

    def send_due(self) -> int:
        """One pass over the due deliveries, ``workers`` at a time; the number handled."""
        with ThreadPoolExecutor(self.workers, thread_name_prefix="broadcast") as pool:
            return sum(pool.map(self._send_one, self._due()))

    def run_forever(self, stop: threading.Event, idle: float = 1.0) -> None:
        while not stop.is_set():
            try:
                if not self.send_due():
                    stop.wait(idle)
            except Exception:  # noqa: BLE001 - the database was briefly unavailable
                logger.exception("Broadcast sender pass failed")
                stop.wait(5)
