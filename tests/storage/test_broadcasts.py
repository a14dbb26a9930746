"""Announcements: audience, one delivery per recipient, at most once, blocked users, retries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot import broadcasts
from ocop.outbox import BlockedByUser, DeliveryUnknown
from ocop.storage.db import session_scope
from ocop.storage.models import ChatUser, Producer


def subscribers(url: str) -> None:
    with session_scope(url) as session:
        producer = Producer(subject_type="hop_tac_xa", name="HTX U Minh", tax_code="0100109106",
                            representative="Lê Văn Tám", phone="+84912345678", address="Cà Mau",
                            ward="Xã U Minh", province="Tỉnh Cà Mau")
        session.add(producer)
        session.flush()
        session.add_all([
            ChatUser(channel="telegram", user_id="1", notifications=True, producer_id=producer.id),
            ChatUser(channel="telegram", user_id="2", notifications=True),
            ChatUser(channel="telegram", user_id="3", notifications=False),  # said /stop
            ChatUser(channel="telegram", user_id="4", notifications=None),  # never asked
        ])


def test_audience_and_exactly_one_copy(database_url: str) -> None:
    subscribers(database_url)
    assert broadcasts.count(broadcasts.Audience(), database_url) == 2
    audience, text = broadcasts.parse_message("tỉnh: ca mau\nHội chợ ngày 05/12")
    assert (audience.province, text) == ("ca mau", "Hội chợ ngày 05/12")
    assert broadcasts.count(audience, database_url) == 1
    announcement_id, size = broadcasts.create(text, broadcasts.Audience(), "test", database_url)
    sent = []
    sender = broadcasts.BroadcastSender(lambda c, u, t: sent.append(u), rate=1000, per_chat_interval=0, url=database_url)
    assert sender.send_due() == 2 and sender.send_due() == 0
    assert sorted(sent) == ["1", "2"] and broadcasts.report(announcement_id, database_url) == {"sent": 2}


def test_blocked_retry_and_crash(database_url: str) -> None:
    subscribers(database_url)
    announcement_id, _ = broadcasts.create("Tập huấn", broadcasts.Audience(), "test", database_url)
    calls = []

    def push(channel, user_id, text):
        calls.append(user_id)
        if user_id == "1":
            raise BlockedByUser("blocked")
        if calls.count("2") == 1:
            raise RuntimeError("502")

    sender = broadcasts.BroadcastSender(push, rate=1000, per_chat_interval=0, url=database_url)
    sender.send_due()
    assert broadcasts.report(announcement_id, database_url) == {"blocked": 1, "failed": 1}
    with session_scope(database_url) as session:
        assert session.execute(select(ChatUser.blocked_at).where(ChatUser.user_id == "1")).scalar_one() is not None
        session.execute(broadcasts.BroadcastDelivery.__table__.update().values(
            next_attempt_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    sender.send_due()
    assert broadcasts.report(announcement_id, database_url) == {"blocked": 1, "sent": 1}

    second, _ = broadcasts.create("Hội chợ", broadcasts.Audience(), "test", database_url)
    assert sender._claim(sender._due()[0][0])  # claimed, then the process dies before sending
    assert broadcasts.reconcile(database_url) == 1
    assert sender.send_due() == 0 and broadcasts.report(second, database_url) == {"unconfirmed": 1}


def test_a_timed_out_send_is_never_repeated(database_url: str) -> None:
    subscribers(database_url)
    announcement_id, _ = broadcasts.create("Lịch tập huấn", broadcasts.Audience(), "test", database_url)
    calls = []

    def push(channel, user_id, text):
        calls.append(user_id)
        if user_id == "2":
            raise DeliveryUnknown("read timeout")

    sender = broadcasts.BroadcastSender(push, rate=1000, per_chat_interval=0, url=database_url)
    sender.send_due()
    sender.send_due()
    assert sorted(calls) == ["1", "2"]
    assert broadcasts.report(announcement_id, database_url) == {"sent": 1, "unconfirmed": 1}
