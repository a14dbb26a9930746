"""The outbox pattern (claim, finish, reconcile) shared by reminders and announcements."""

from __future__ import annotations

import concurrent.futures
import datetime as dt

from sqlalchemy import select

from ocop.outbox import ChannelUnavailable, DeliveryStatus, DeliveryUnknown, Outbox, RetryLater
from ocop.storage.db import Database
from ocop.storage.models import Announcement, BroadcastDelivery, ChatUser

NOW = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.timezone.utc)


def rows(db: Database, n: int) -> Outbox:
    with db.session() as session:
        announcement = Announcement(text="Tập huấn", audience="{}", created_by="test")
        session.add(announcement)
        users = [ChatUser(channel="telegram", user_id=str(i)) for i in range(n)]
        session.add_all(users)
        session.flush()
        session.add_all(BroadcastDelivery(announcement_id=announcement.id, chat_user_id=u.id,
                                          status="pending", attempts=0) for u in users)
    return Outbox(db, BroadcastDelivery, lambda row: row.chat_user.user_id, dt.timedelta(seconds=2))


def statuses(db: Database) -> dict:
    with db.session() as session:
        found: dict = {}
        for status in session.execute(select(BroadcastDelivery.status)).scalars():
            found[status] = found.get(status, 0) + 1
        return found


def test_a_row_is_claimed_by_one_sender_only(db: Database) -> None:
    outbox = rows(db, 10)
    due = outbox.due(NOW)
    assert len(due) == 10
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        claims = list(pool.map(outbox.claim, [delivery_id for delivery_id, _ in due for _ in range(3)]))
    assert sorted(c for c in claims if c is not None) == sorted(str(i) for i in range(10))
    assert statuses(db) == {"sending": 10}
    assert outbox.due(NOW) == []


def test_outcomes_retries_and_reconcile(db: Database) -> None:
    outbox = rows(db, 3)
    (first, _), (second, _), (third, _) = outbox.due(NOW)
    for delivery_id in (first, second, third):
        assert outbox.claim(delivery_id) is not None
    assert outbox.finish(first, None, NOW) == DeliveryStatus.SENT
    assert outbox.finish(second, RetryLater(30), NOW) == DeliveryStatus.FAILED
    assert outbox.due(NOW) == [] and [d for d, _ in outbox.due(NOW + dt.timedelta(seconds=31))] == [second]
    assert outbox.reconcile() == 1  # the third was left in "sending"
    assert statuses(db) == {"sent": 1, "failed": 1, "unconfirmed": 1}
    assert outbox.claim(third) is None  # never sent twice
    assert outbox.claim(second) is not None
    assert outbox.finish(second, DeliveryUnknown("timeout"), NOW) == DeliveryStatus.UNCONFIRMED


def test_an_unconfigured_channel_uses_up_no_attempt(db: Database) -> None:
    outbox = rows(db, 1)
    [(delivery_id, _)] = outbox.due(NOW)
    for _ in range(8):
        assert outbox.claim(delivery_id) is not None
        assert outbox.finish(delivery_id, ChannelUnavailable("zalo"), NOW) == DeliveryStatus.FAILED
        with db.session() as session:
            session.execute(BroadcastDelivery.__table__.update().values(next_attempt_at=None))
    with db.session() as session:
        assert session.get(BroadcastDelivery, delivery_id).attempts == 0


def test_a_sender_skips_a_row_another_sender_holds(db: Database) -> None:
    outbox = rows(db, 2)
    (first, _), (second, _) = outbox.due(NOW)
    if db.engine.dialect.name != "postgresql":
        return  # SQLite has no row locks: its writers take turns on the whole database
    with db.engine.connect() as other:  # another sender in the middle of claiming the first row
        other.execute(select(BroadcastDelivery).where(BroadcastDelivery.id == first).with_for_update())
        started = dt.datetime.now()
        assert outbox.claim(first) is None  # skipped, not waited for
        assert (dt.datetime.now() - started).total_seconds() < 5
        assert outbox.claim(second) is not None
        other.rollback()
    assert outbox.claim(first) is not None  # free again once the other let go
