"""Reminder cycles that overlap still push each reminder once (SQLite and PostgreSQL)."""

from __future__ import annotations

import collections
import datetime as dt
import threading

from fakes.tax_codes import tax_code
from ocop import reminders
from ocop.storage.db import Database
from ocop.storage.models import Certificate, CertificateSubscription, ChatUser
from tests.reminder_offsets import OFFSETS

MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)  # 09:00 in Vietnam


def linked_certificates(db: Database, n: int) -> None:
    """``n`` certificates expiring in 30 days, each linked to a chat user of its own."""
    expiry = (MORNING + dt.timedelta(days=30)).date()
    with db.session() as session:
        for i in range(n):
            certificate = Certificate(
                number=f"{i}/GCN", product_name=f"Sản phẩm {i}", holder_name="HTX", holder_tax_code=tax_code(i + 1),
                star_rating=4, issuing_authority="UBND", issue_date=expiry - dt.timedelta(days=1096),
                expiry_date=expiry, status="expiring")
            user = ChatUser(channel="telegram", user_id=str(i), notifications=True)
            session.add_all([certificate, user])
            session.flush()
            session.add(CertificateSubscription(certificate_id=certificate.id, chat_user_id=user.id, active=True))


def test_two_concurrent_cycles_push_forty_reminders_once_each(db: Database) -> None:
    linked_certificates(db, 40)
    pushed: collections.Counter = collections.Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)

    def push(reminder: reminders.DueReminder) -> None:
        with lock:
            pushed[reminder.user_id] += 1

    def cycle() -> None:
        start.wait()
        reminders.run_cycle(db, push, reminders.Schedule(OFFSETS), MORNING)

    threads = [threading.Thread(target=cycle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(pushed) == sorted(str(i) for i in range(40))
    assert set(pushed.values()) == {1}


def test_quiet_hours_are_checked_before_each_push(db: Database) -> None:
    linked_certificates(db, 3)
    evening = dt.datetime(2026, 12, 1, 13, 59, tzinfo=dt.timezone.utc)  # 20:59 in Vietnam
    moments = iter([evening, evening + dt.timedelta(minutes=2), evening + dt.timedelta(minutes=3)])
    pushed = []
    reminders.plan(db, evening.date(), reminders.Schedule(OFFSETS))
    outcome = reminders.deliver(db, pushed.append, evening, reminders.Schedule(OFFSETS), clock=lambda: next(moments))
    assert len(pushed) == 1 and outcome == {"sent": 1}  # 21:01 is quiet: the rest wait for the morning
