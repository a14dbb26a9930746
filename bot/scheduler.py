"""The bot process's scheduler: APScheduler 3 on the event loop, jobs kept in the application database.

Timezone Asia/Ho_Chi_Minh. Reminder jobs (all run ``reminder_job``):

* ``daily-reminders``: every day at 07:30, a full reminder cycle;
* ``reminder-retries``: every quarter hour on the clock, a cycle too (it pushes only what is
  due: retries after a failure, reminders that waited for the end of quiet
  hours);
* ``startup-catch-up``: once at start-up, after downtime.

``knowledge-review``: on the 1st of every month at 08:00, the answers of the
knowledge base due for a check, to the officers (``bot/knowledge_notice.py``).

Privacy jobs (``ocop/retention.py``), in worker threads:

* ``conversation-erasures``: every minute, the conversations whose producer
  asked for erasure;
* ``conversation-retention``: every day at 03:15 and once at start-up,
  conversation events older than the retention period (and the channels'
  old numbered options and seen update ids, ``ocop.storage.chat_state``).

A cycle (``ReminderCycle``) is ``ocop.reminders.run_cycle``, synchronous
database work, in worker threads (``PUSH_WORKERS`` reminders in flight at once);
each push it makes is handed back to the event loop (``RasaReminderPush``: Rasa, then the channel). One cycle at a
time. The job store keeps only the job's name, so the running process binds
its cycle here at start-up (``build_scheduler``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import logging
from typing import Awaitable, Callable, Dict, Optional

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from ocop import reminders, retention
from ocop.conversation_history import ConversationHistory
from ocop.outbox import DeliveryUnknown, RetryLater
from ocop.reminders import DueReminder, Schedule
from ocop.storage import chat_state
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

TIMEZONE = "Asia/Ho_Chi_Minh"
JOB = "bot.scheduler:reminder_job"
ERASURE_JOB = "bot.scheduler:erasure_job"
RETENTION_JOB = "bot.scheduler:retention_job"
KNOWLEDGE_JOB = "bot.scheduler:knowledge_job"
PUSH_TIMEOUT = 120.0  # seconds; a push still running then may have arrived: never repeated
PUSH_WORKERS = 8  # reminders in flight at once: Rasa and the platform answer in parallel, the Pacer sets the rate
STOPPING_RETRY = 60.0  # seconds; reminders left when the process stops wait this long, attempt not counted

ReminderPush = Callable[[DueReminder], Awaitable[None]]


class ReminderCycle:
    """Runs reminder cycles on the event loop, one at a time."""

    def __init__(self, db: Database, push: ReminderPush, schedule: Schedule) -> None:
        self.db = db
        self.push = push
        self.schedule = schedule
        self._lock = asyncio.Lock()
        self._running: Optional[asyncio.Future] = None
        self._closing = False
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    async def __call__(self, now: Optional[dt.datetime] = None) -> Dict[str, int]:
        async with self._lock:
            self._loop = asyncio.get_running_loop()
            self._running = asyncio.ensure_future(
                asyncio.to_thread(reminders.run_cycle, self.db, self._push_from_thread, self.schedule, now,
                                  PUSH_WORKERS))
            return await asyncio.shield(self._running)

    def _push_from_thread(self, reminder: DueReminder) -> None:
        """The synchronous push ``run_cycle`` calls in its thread: the real push runs on the loop."""
        if self._closing or self._loop is None:
            raise RetryLater(STOPPING_RETRY)
        future = asyncio.run_coroutine_threadsafe(self.push(reminder), self._loop)
        try:
            future.result(PUSH_TIMEOUT)
        except concurrent.futures.TimeoutError as error:
            future.cancel()
            raise DeliveryUnknown(f"push still running after {PUSH_TIMEOUT:.0f} s") from error

    async def close(self, timeout: float = 30.0) -> None:
        """Push nothing more; wait for the cycle in progress to record its outcomes."""
        self._closing = True
        if self._running is not None and not self._running.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._running), timeout)
            except Exception:  # stopping anyway; the outbox reconciles at the next start
                logger.warning("Reminder cycle still running at stop")


class PrivacyJobs:
    """Erasure on request and the retention period, run by the scheduler."""

    def __init__(self, db: Database, history: ConversationHistory, retention_days: int) -> None:
        self.db = db
        self.history = history
        self.retention_days = retention_days

    async def erase_requested(self) -> int:
        now = dt.datetime.now(dt.timezone.utc)
        return await asyncio.to_thread(retention.erase_requested_conversations, self.db, self.history, now)

    async def purge_expired(self) -> int:
        now = dt.datetime.now(dt.timezone.utc)
        await asyncio.to_thread(chat_state.forget_before, self.db, now)
        return await asyncio.to_thread(retention.purge_expired_conversations, self.history, self.retention_days, now)


_cycle: Optional[ReminderCycle] = None
_privacy: Optional[PrivacyJobs] = None
_knowledge: Optional[Callable[[], Awaitable[int]]] = None


async def reminder_job() -> None:
    """One reminder cycle (module level, so that the job store can name it)."""
    if _cycle is None:
        logger.warning("Reminder job ran before the bot process bound its cycle")
        return
    await _cycle()


async def erasure_job() -> None:
    """Conversations whose producer asked for erasure."""
    if _privacy is not None:
        await _privacy.erase_requested()


async def retention_job() -> None:
    """Conversation events older than the retention period."""
    if _privacy is not None:
        await _privacy.purge_expired()


async def knowledge_job() -> None:
    """The knowledge review to the officers (``bot/knowledge_notice.py``)."""
    if _knowledge is not None:
        await _knowledge()


def build_scheduler(db: Database, cycle: ReminderCycle, privacy: Optional[PrivacyJobs] = None,
                    knowledge_notice: Optional[Callable[[], Awaitable[int]]] = None) -> AsyncIOScheduler:
    """The scheduler with its jobs; ``start()`` it on the running event loop."""
    global _cycle, _privacy, _knowledge
    _cycle, _privacy, _knowledge = cycle, privacy, knowledge_notice
    scheduler = AsyncIOScheduler(
        # APScheduler 3 needs a 1.x-style engine of its own (it calls ``engine.execute``).
        jobstores={"default": SQLAlchemyJobStore(url=db.url, tablename="apscheduler_jobs")},
        timezone=TIMEZONE,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job(JOB, "cron", hour=7, minute=30, id="daily-reminders", replace_existing=True)
    # On the clock (:00, :15, :30, :45), so that a restart does not postpone the next tick as an interval would.
    scheduler.add_job(JOB, "cron", minute="*/15", id="reminder-retries", replace_existing=True)
    scheduler.add_job(JOB, id="startup-catch-up", replace_existing=True)  # after downtime
    if privacy is not None:
        scheduler.add_job(ERASURE_JOB, "interval", minutes=1, id="conversation-erasures", replace_existing=True)
        scheduler.add_job(RETENTION_JOB, "cron", hour=3, minute=15, id="conversation-retention",
                          replace_existing=True)
        scheduler.add_job(RETENTION_JOB, id="startup-retention", replace_existing=True)
    if knowledge_notice is not None:
        scheduler.add_job(KNOWLEDGE_JOB, "cron", day=1, hour=8, minute=0, id="knowledge-review",
                          replace_existing=True)
    return scheduler
