"""Announcements: audience, one delivery per recipient, at most once, blocked users, retries."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import List

from sqlalchemy import select, update

from bot.officers import parse_message
from bot.senders import AnnouncementSender
from ocop import announcements
from ocop.audiences import Audience
from ocop.outbox import BlockedByUser, DeliveryUnknown, RetryLater
from ocop.storage.db import Database
from ocop.storage.models import BroadcastDelivery, ChatUser, Producer
from ocop.text import place_key


def subscribers(db: Database) -> None:
    with db.session() as session:
        producer = Producer(subject_type="hop_tac_xa", name="HTX U Minh", tax_code="0100109106",
                            representative="Lê Văn Tám", phone="+84912345678", address="Cà Mau",
                            ward="Xã U Minh", province="Tỉnh Cà Mau", ward_key=place_key("Xã U Minh"),
                            province_key=place_key("Tỉnh Cà Mau"))
        session.add(producer)
        session.flush()
        session.add_all([
            ChatUser(channel="telegram", user_id="1", notifications=True, producer_id=producer.id),
            ChatUser(channel="telegram", user_id="2", notifications=True),
            ChatUser(channel="telegram", user_id="3", notifications=False),  # said /stop
            ChatUser(channel="telegram", user_id="4", notifications=None),  # never asked
        ])


def sender(db: Database, push, quiet=lambda: False) -> AnnouncementSender:
    return AnnouncementSender(announcements.outbox(db), push, rate=1000, per_chat_interval=0, quiet=quiet)


def deliver(sender: AnnouncementSender) -> int:
    return asyncio.run(sender.deliver_due())


def test_audience_and_exactly_one_copy(db: Database) -> None:
    subscribers(db)
    assert announcements.count(db, Audience()) == 2
    audience, text = parse_message("tỉnh: ca mau\nHội chợ ngày 05/12")
    assert (audience.province, text) == ("ca mau", "Hội chợ ngày 05/12")
    assert announcements.count(db, audience) == 1
    announcement_id, size = announcements.create(db, text, Audience(), "test")
    sent: List[str] = []

    async def push(channel: str, user_id: str, messages: list) -> None:
        sent.append(user_id)

    once = sender(db, push)
    assert deliver(once) == 2 and deliver(once) == 0
    assert sorted(sent) == ["1", "2"] and announcements.report(db, announcement_id) == {"sent": 2}


def test_product_groups_are_found_by_their_words() -> None:
    audience, text = parse_message("nhóm: đồ uống\nsao: 4\nhết hạn: 90\nTập huấn")
    assert (audience.product_group, audience.stars, audience.expiring_days, text) == ("do_uong", 4, 90, "Tập huấn")


def test_blocked_retry_and_crash(db: Database) -> None:
    subscribers(db)
    announcement_id, _ = announcements.create(db, "Tập huấn", Audience(), "test")
    calls: List[str] = []

    async def push(channel: str, user_id: str, messages: list) -> None:
        calls.append(user_id)
        if user_id == "1":
            raise BlockedByUser("blocked")
        if calls.count("2") == 1:
            raise RuntimeError("502")

    retrying = sender(db, push)
    deliver(retrying)
    assert announcements.report(db, announcement_id) == {"blocked": 1, "failed": 1}
    with db.session() as session:
        assert session.execute(select(ChatUser.blocked_at).where(ChatUser.user_id == "1")).scalar_one() is not None
        session.execute(update(BroadcastDelivery).values(
            next_attempt_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    deliver(retrying)
    assert announcements.report(db, announcement_id) == {"blocked": 1, "sent": 1}

    second, _ = announcements.create(db, "Hội chợ", Audience(), "test")
    box = announcements.outbox(db)
    [(delivery_id, _)] = box.due(dt.datetime.now(dt.timezone.utc))
    assert box.claim(delivery_id)  # claimed, then the process dies before pushing
    assert box.reconcile() == 1
    assert deliver(retrying) == 0 and announcements.report(db, second) == {"unconfirmed": 1}


def test_a_timed_out_push_is_never_repeated(db: Database) -> None:
    subscribers(db)
    announcement_id, _ = announcements.create(db, "Lịch tập huấn", Audience(), "test")
    calls: List[str] = []

    async def push(channel: str, user_id: str, messages: list) -> None:
        calls.append(user_id)
        if user_id == "2":
            raise DeliveryUnknown("read timeout")

    once = sender(db, push)
    deliver(once)
    deliver(once)
    assert sorted(calls) == ["1", "2"]
    assert announcements.report(db, announcement_id) == {"sent": 1, "unconfirmed": 1}


def test_quiet_hours_hold_all_but_urgent_announcements(db: Database) -> None:
    subscribers(db)
    ordinary, _ = announcements.create(db, "Hội chợ", Audience(), "test")
    urgent, _ = announcements.create(db, "Lũ lớn: hoãn hội chợ", Audience(), "test", urgent=True)
    sent: List[str] = []

    async def push(channel: str, user_id: str, messages: list) -> None:
        sent.append(messages[0]["text"])

    night = {"quiet": True}
    pushing = sender(db, push, quiet=lambda: night["quiet"])
    assert deliver(pushing) == 2 and deliver(pushing) == 0
    assert sent == ["Lũ lớn: hoãn hội chợ"] * 2 and announcements.report(db, ordinary) == {"pending": 2}
    night["quiet"] = False  # morning
    assert deliver(pushing) == 2 and announcements.report(db, ordinary) == {"sent": 2}
    assert announcements.report(db, urgent) == {"sent": 2}


def test_a_429_pauses_every_send_and_no_second_holds_more_than_the_rate(db: Database) -> None:
    with db.session() as session:
        session.add_all([ChatUser(channel="telegram", user_id=f"r{i}", notifications=True) for i in range(60)])
    announcements.create(db, "Hội chợ", Audience(), "test")
    attempts: List[float] = []

    async def push(channel: str, user_id: str, messages: list) -> None:
        attempts.append(time.monotonic())
        if len(attempts) == 5:
            raise RetryLater(0.6)  # Telegram's flood limit: the whole bot waits

    limited = AnnouncementSender(announcements.outbox(db), push, rate=20, per_chat_interval=0)
    deliver(limited)
    fifth = attempts[4]
    assert not [t for t in attempts if fifth < t < fifth + 0.6]  # nothing sent to anyone during the pause
    assert max(sum(1 for t in attempts if start <= t <= start + 1.0) for start in attempts) <= 20
