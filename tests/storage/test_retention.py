"""Conversations erased on request once the turn is stored, and deleted after the retention period."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from bot.scheduler import PrivacyJobs, ReminderCycle, build_scheduler, erasure_job
from ocop import retention
from ocop.conversation_history import ConversationHistory
from ocop.reminders import Schedule
from ocop.storage import erasure
from ocop.storage.db import Database
from ocop.storage.models import ErasureRequest
from tests.reminder_offsets import OFFSETS
from tests.storage.test_conversation_history import events_table, store

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


def remaining(history: ConversationHistory, table, sender: str) -> int:
    with history.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)
                                  .where(table.c.sender_id == sender)).scalar_one()


def test_an_erasure_request_waits_for_the_turn_then_erases_that_conversation(db: Database, tmp_path: Path) -> None:
    history = ConversationHistory(f"sqlite:///{tmp_path / 'tracker.db'}")
    table = events_table("", history)
    store(history, table, "telegram:1", {"event": "user", "text": "0912345678"}, {"event": "bot", "text": "ok"})
    store(history, table, "telegram:2", {"event": "user", "text": "xin chào"})
    erasure.erase_chat_user(db, "telegram", "1", "telegram:1")  # no account: the conversation still goes
    with db.session() as session:
        session.execute(ErasureRequest.__table__.update().values(requested_at=NOW))
    assert retention.erase_requested_conversations(db, history, NOW + dt.timedelta(seconds=5)) == 0  # too soon
    assert remaining(history, table, "telegram:1") == 2
    assert retention.erase_requested_conversations(db, history, NOW + dt.timedelta(minutes=1)) == 1
    assert remaining(history, table, "telegram:1") == 0 and remaining(history, table, "telegram:2") == 1
    assert retention.erase_requested_conversations(db, history, NOW + dt.timedelta(minutes=2)) == 0  # done once
    with db.session() as session:
        request = session.execute(select(ErasureRequest)).scalar_one()
        assert (request.sender_id, request.events_erased) == (erasure.ERASED, 2)  # the chat's id is not kept
    history.dispose()


def test_events_older_than_the_retention_period_are_deleted(tmp_path: Path) -> None:
    history = ConversationHistory(f"sqlite:///{tmp_path / 'tracker.db'}")
    table = events_table("", history)
    old = (NOW - dt.timedelta(days=91)).timestamp()
    store(history, table, "telegram:1", {"event": "user", "text": "mst 0312345673"}, at=old)
    recent = (NOW - dt.timedelta(days=89)).timestamp()
    store(history, table, "telegram:1", {"event": "user", "text": "xin chào"}, at=recent)
    assert retention.purge_expired_conversations(history, 90, NOW) == 1
    assert remaining(history, table, "telegram:1") == 1
    history.dispose()


def test_the_bot_process_schedules_the_privacy_jobs(db: Database, tmp_path: Path) -> None:
    history = ConversationHistory(f"sqlite:///{tmp_path / 'tracker.db'}")
    table = events_table("", history)
    store(history, table, "zalo:9", {"event": "user", "text": "xóa dữ liệu của tôi"})
    erasure.erase_chat_user(db, "zalo", "9", "zalo:9")
    with db.session() as session:  # asked two minutes ago
        session.execute(ErasureRequest.__table__.update().values(
            requested_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=2)))

    async def push(reminder) -> None:
        raise AssertionError("no reminder is due")

    scheduler = build_scheduler(db, ReminderCycle(db, push, Schedule(OFFSETS)), PrivacyJobs(db, history, 90))
    jobs = {job.id: job.func_ref for job in scheduler.get_jobs()}
    assert jobs["conversation-erasures"] == "bot.scheduler:erasure_job"
    assert jobs["conversation-retention"] == jobs["startup-retention"] == "bot.scheduler:retention_job"
    asyncio.run(erasure_job())
    assert remaining(history, table, "zalo:9") == 0
    history.dispose()
