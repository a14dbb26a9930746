"""Reminder planning and delivery: each (certificate, offset, user) at most once, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
from sqlalchemy import select

from bot import reminders
from ocop.vietnam_time import VIETNAM
from ocop.outbox import BlockedByUser
from ocop.storage import certificates
from ocop.storage.db import session_scope
from ocop.storage.models import Certificate, ChatUser, ReminderDelivery

ROOT = Path(__file__).resolve().parents[2]
TAX = "0100109106"
EXPIRY = dt.date(2027, 3, 15)


def at(date: dt.date, hour: int = 9) -> dt.datetime:
    """``hour`` o'clock Vietnamese time on ``date``."""
    return dt.datetime.combine(date, dt.time(hour), tzinfo=VIETNAM)


@pytest.fixture
def linked(database_url: str) -> str:
    certificates.upsert([{
        "number": "318/GCN-UBND", "product_name": "Trà mãng cầu", "holder_name": "HTX Tân Lập",
        "holder_tax_code": TAX, "star_rating": 4, "issuing_authority": "UBND TP. Hồ Chí Minh",
        "decision_number": None, "issue_date": dt.date(2024, 3, 15), "expiry_date": EXPIRY, "status": "valid",
    }], database_url)
    assert certificates.link("telegram", "42", "318/GCN-UBND", TAX, database_url)
    return database_url


class Recorder:
    def __init__(self, fail: int = 0, error: type = RuntimeError) -> None:
        self.sent: List[reminders.DueReminder] = []
        self.fail, self.error = fail, error

    def __call__(self, reminder: reminders.DueReminder) -> None:
        if self.fail:
            self.fail -= 1
            raise self.error("channel down")
        self.sent.append(reminder)


def statuses(url: str) -> dict:
    with session_scope(url) as session:
        return {row.offset_days: row.status for row in session.execute(select(ReminderDelivery)).scalars()}


def test_each_offset_is_sent_once(linked: str) -> None:
    push = Recorder()
    for days_before in (100, 89, 89, 88, 59, 30, 7, 0):
        reminders.run_cycle(push, at(EXPIRY - dt.timedelta(days=days_before)), linked)
    assert [r.offset_days for r in push.sent] == [90, 60, 30, 7, 0]
    assert push.sent[0].channel == "telegram" and push.sent[0].user_id == "42"
    assert set(statuses(linked).values()) == {"sent"}


def test_only_the_most_urgent_when_several_are_due(linked: str) -> None:
    push = Recorder()
    reminders.run_cycle(push, at(EXPIRY - dt.timedelta(days=20)), linked)
    assert [r.offset_days for r in push.sent] == [30]
    assert statuses(linked) == {90: "skipped", 60: "skipped", 30: "sent"}


def test_quiet_hours_wait_for_the_morning(linked: str) -> None:
    push = Recorder()
    day = EXPIRY - dt.timedelta(days=85)
    reminders.run_cycle(push, at(day, 22), linked)
    reminders.run_cycle(push, at(day + dt.timedelta(days=1), 6), linked)
    assert push.sent == []
    reminders.run_cycle(push, at(day + dt.timedelta(days=1), 7), linked)
    assert len(push.sent) == 1


def test_a_crash_after_the_attempt_never_gives_a_second_message(linked: str) -> None:
    now = at(EXPIRY - dt.timedelta(days=80))
    reminders.plan(now.date(), linked)
    with session_scope(linked) as session:
        delivery_id = session.execute(select(ReminderDelivery.id)).scalar_one()
    assert reminders._claim(delivery_id, linked) is not None  # attempt recorded, then the process dies
    assert reminders.reconcile(linked) == 1  # restart
    push = Recorder()
    reminders.run_cycle(push, now + dt.timedelta(hours=1), linked)
    assert push.sent == [] and statuses(linked) == {90: "unconfirmed"}


def test_failures_are_retried_with_backoff_then_abandoned(linked: str) -> None:
    now = at(EXPIRY - dt.timedelta(days=80))
    push = Recorder(fail=1)
    reminders.run_cycle(push, now, linked)
    assert statuses(linked) == {90: "failed"}
    reminders.run_cycle(push, now + dt.timedelta(minutes=2), linked)
    assert push.sent == []  # backoff not over
    reminders.run_cycle(push, now + dt.timedelta(minutes=6), linked)
    assert len(push.sent) == 1 and statuses(linked) == {90: "sent"}

    stubborn = Recorder(fail=99)
    for day in range(5):  # from 60 days before expiry, one attempt a day
        reminders.run_cycle(stubborn, at(EXPIRY - dt.timedelta(days=60 - day)), linked)
    assert statuses(linked)[60] == "abandoned" and stubborn.fail == 94


def test_a_user_who_blocked_the_bot_is_skipped(linked: str) -> None:
    push = Recorder(fail=1, error=BlockedByUser)
    reminders.run_cycle(push, at(EXPIRY - dt.timedelta(days=80)), linked)
    assert statuses(linked) == {90: "blocked"}
    with session_scope(linked) as session:
        assert session.execute(select(ChatUser.blocked_at)).scalar_one() is not None
    reminders.run_cycle(push, at(EXPIRY - dt.timedelta(days=50)), linked)
    assert push.sent == [] and 60 not in statuses(linked)


def test_offsets_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("OCOP_REMINDER_OFFSETS", "30, 14,0")
    assert reminders.offsets() == (30, 14, 0)


def test_an_expired_certificate_is_reported_once(linked: str) -> None:
    push = Recorder()
    for days_after in range(0, 6):
        reminders.run_cycle(push, at(EXPIRY + dt.timedelta(days=days_after)), linked)
    assert [r.offset_days for r in push.sent] == [0]
    with session_scope(linked) as session:
        assert session.execute(select(Certificate.status)).scalar_one() == "expired"


KILLED_RUN = """
import os, sys, datetime as dt
from bot import reminders
url, log, now = sys.argv[1], sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
pushed = []
def push(reminder):
    with open(log, "a") as handle:
        handle.write(reminder.user_id + "\\n")
    pushed.append(reminder)
    if len(pushed) == 3:
        os._exit(9)  # killed after the third message went out, before it was recorded
reminders.run_cycle(push, now, url)
"""


def test_a_process_killed_mid_batch_neither_loses_nor_repeats(database_url: str, tmp_path) -> None:
    certificates.upsert([{
        "number": "318/GCN-UBND", "product_name": "Trà mãng cầu", "holder_name": "HTX Tân Lập",
        "holder_tax_code": TAX, "star_rating": 4, "issuing_authority": "UBND TP. Hồ Chí Minh",
        "decision_number": None, "issue_date": dt.date(2024, 3, 15), "expiry_date": EXPIRY, "status": "valid",
    }], database_url)
    users = [f"u{i}" for i in range(6)]
    for user in users:
        assert certificates.link("telegram", user, "318/GCN-UBND", TAX, database_url)
    log, now = tmp_path / "sent.log", at(EXPIRY - dt.timedelta(days=80))
    result = subprocess.run([sys.executable, "-c", KILLED_RUN, database_url, str(log), now.isoformat()],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    assert len(log.read_text().split()) == 3
    assert reminders.reconcile(database_url) == 1  # the restart: the third is unconfirmed, not resent

    def push(reminder: reminders.DueReminder) -> None:
        with open(log, "a") as handle:
            handle.write(reminder.user_id + "\n")

    reminders.run_cycle(push, now + dt.timedelta(minutes=10), database_url)
    reminders.run_cycle(push, now + dt.timedelta(days=1), database_url)
    sent = log.read_text().split()
    assert sorted(sent) == users  # everyone exactly once
