"""Reminder planning and delivery: each (certificate, offset, user) at most once, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
from sqlalchemy import select

from ocop import reminders
from ocop.outbox import BlockedByUser
from ocop.reminders import Schedule
from ocop.settings import Settings
from ocop.storage import certificates
from ocop.storage.db import Database
from ocop.storage.models import Certificate, ChatUser, ReminderDelivery
from ocop.vietnam_time import VIETNAM
from tests.reminder_offsets import OFFSETS

ROOT = Path(__file__).resolve().parents[2]
TAX = "0100109106"
EXPIRY = dt.date(2027, 3, 15)


def at(date: dt.date, hour: int = 9) -> dt.datetime:
    """``hour`` o'clock Vietnamese time on ``date``."""
    return dt.datetime.combine(date, dt.time(hour), tzinfo=VIETNAM)


CERTIFICATE = {
    "number": "318/GCN-UBND", "product_name": "Trà mãng cầu", "holder_name": "HTX Tân Lập",
    "holder_tax_code": TAX, "star_rating": 4, "issuing_authority": "UBND TP. Hồ Chí Minh",
    "decision_number": None, "issue_date": dt.date(2024, 3, 15), "expiry_date": EXPIRY, "status": "valid",
}


def cycle(db: Database, push, now: dt.datetime) -> dict:
    return reminders.run_cycle(db, push, Schedule(OFFSETS), now)


@pytest.fixture
def linked(db: Database) -> Database:
    certificates.upsert(db, [dict(CERTIFICATE)])
    assert certificates.link(db, "telegram", "42", "318/GCN-UBND", TAX)
    return db




class Recorder:
    def __init__(self, fail: int = 0, error: type = RuntimeError) -> None:
        self.sent: List[reminders.DueReminder] = []
        self.fail, self.error = fail, error

    def __call__(self, reminder: reminders.DueReminder) -> None:
        if self.fail:
            self.fail -= 1
            raise self.error("channel down")
        self.sent.append(reminder)


def statuses(db: Database) -> dict:
    with db.session() as session:
        return {row.offset_days: row.status for row in session.execute(select(ReminderDelivery)).scalars()}


def test_each_offset_is_sent_once(linked: Database) -> None:
    push = Recorder()
    for days_before in (100, 89, 89, 88, 59, 30, 7, 0):
        cycle(linked, push, at(EXPIRY - dt.timedelta(days=days_before)))
    assert [r.offset_days for r in push.sent] == [90, 60, 30, 7, 0]
    assert push.sent[0].channel == "telegram" and push.sent[0].user_id == "42"
    assert set(statuses(linked).values()) == {"sent"}


def test_only_the_most_urgent_when_several_are_due(linked: Database) -> None:
    push = Recorder()
    cycle(linked, push, at(EXPIRY - dt.timedelta(days=20)))
    assert [r.offset_days for r in push.sent] == [30]
    assert statuses(linked) == {90: "skipped", 60: "skipped", 30: "sent"}


def test_quiet_hours_wait_for_the_morning(linked: Database) -> None:
    push = Recorder()
    day = EXPIRY - dt.timedelta(days=85)
    cycle(linked, push, at(day, 22))
    cycle(linked, push, at(day + dt.timedelta(days=1), 6))
    assert push.sent == []
    cycle(linked, push, at(day + dt.timedelta(days=1), 7))
    assert len(push.sent) == 1


def test_a_crash_after_the_attempt_never_gives_a_second_message(linked: Database) -> None:
    now = at(EXPIRY - dt.timedelta(days=80))
    reminders.plan(linked, now.date(), Schedule(OFFSETS))
    with linked.session() as session:
        delivery_id = session.execute(select(ReminderDelivery.id)).scalar_one()
    assert reminders.outbox(linked).claim(delivery_id) is not None  # attempt recorded, then the process dies
    assert reminders.outbox(linked).reconcile() == 1  # restart
    push = Recorder()
    cycle(linked, push, now + dt.timedelta(hours=1))
    assert push.sent == [] and statuses(linked) == {90: "unconfirmed"}


def test_failures_are_retried_with_backoff_then_abandoned(linked: Database) -> None:
    now = at(EXPIRY - dt.timedelta(days=80))
    push = Recorder(fail=1)
    cycle(linked, push, now)
    assert statuses(linked) == {90: "failed"}
    cycle(linked, push, now + dt.timedelta(minutes=2))
    assert push.sent == []  # backoff not over
    cycle(linked, push, now + dt.timedelta(minutes=6))
    assert len(push.sent) == 1 and statuses(linked) == {90: "sent"}

    stubborn = Recorder(fail=99)
    for day in range(5):  # from 60 days before expiry, one attempt a day
        cycle(linked, stubborn, at(EXPIRY - dt.timedelta(days=60 - day)))
    assert statuses(linked)[60] == "abandoned" and stubborn.fail == 94


def test_a_user_who_blocked_the_bot_is_skipped(linked: Database) -> None:
    push = Recorder(fail=1, error=BlockedByUser)
    cycle(linked, push, at(EXPIRY - dt.timedelta(days=80)))
    assert statuses(linked) == {90: "blocked"}
    with linked.session() as session:
        assert session.execute(select(ChatUser.blocked_at)).scalar_one() is not None
    cycle(linked, push, at(EXPIRY - dt.timedelta(days=50)))
    assert push.sent == [] and 60 not in statuses(linked)


def test_offsets_come_from_the_environment() -> None:
    settings = Settings.from_env({"OCOP_REMINDER_OFFSETS": "30, 14,0"})
    assert Schedule.of(settings).offsets == (30, 14, 0)


def test_an_expired_certificate_is_reported_once(linked: Database) -> None:
    push = Recorder()
    for days_after in range(0, 6):
        cycle(linked, push, at(EXPIRY + dt.timedelta(days=days_after)))
    assert [r.offset_days for r in push.sent] == [0]
    with linked.session() as session:
        assert session.execute(select(Certificate.status)).scalar_one() == "expired"


KILLED_RUN = """
import os, sys, datetime as dt
from ocop import reminders
from ocop.storage.db import Database
from tests.reminder_offsets import OFFSETS
url, log, now = sys.argv[1], sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
pushed = []
def push(reminder):
    with open(log, "a") as handle:
        handle.write(reminder.user_id + "\\n")
    pushed.append(reminder)
    if len(pushed) == 3:
        os._exit(9)  # killed after the third message went out, before it was recorded
reminders.run_cycle(Database(url), push, reminders.Schedule(OFFSETS), now)
"""


def test_a_process_killed_mid_batch_neither_loses_nor_repeats(db: Database, tmp_path) -> None:
    certificates.upsert(db, [dict(CERTIFICATE)])
    users = [f"u{i}" for i in range(6)]
    for user in users:
        assert certificates.link(db, "telegram", user, "318/GCN-UBND", TAX)
    log, now = tmp_path / "sent.log", at(EXPIRY - dt.timedelta(days=80))
    result = subprocess.run([sys.executable, "-c", KILLED_RUN, db.url, str(log), now.isoformat()],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    assert len(log.read_text().split()) == 3
    assert reminders.outbox(db).reconcile() == 1  # the restart: the third is unconfirmed, not resent

    def push(reminder: reminders.DueReminder) -> None:
        with open(log, "a") as handle:
            handle.write(reminder.user_id + "\n")

    cycle(db, push, now + dt.timedelta(minutes=10))
    cycle(db, push, now + dt.timedelta(days=1))
    sent = log.read_text().split()
    assert sorted(sent) == users  # everyone exactly once
