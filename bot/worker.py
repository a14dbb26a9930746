"""The worker role of the bot process: the scheduler and the senders, run by one elected leader.

Any number of worker processes may run (``OCOP_BOT_ROLE=worker``, or ``all``
for the single process of ``make run``); every ``LEADER_POLL`` seconds each
asks ``ocop.leadership.Leadership`` whether it leads. The leader first marks
the deliveries a dead leader left in ``sending`` as ``unconfirmed`` (never
sent twice), then runs the scheduler (reminders, erasures, retention) and the
announcement sender; a standby does nothing until the leader is gone, then
takes over within one poll. A leader that loses its lock stops both.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Optional

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.channels.registry import Channels
from bot.knowledge_notice import KnowledgeNotice
from bot.pacing import Pacer
from bot.rasa_client import AsyncRasaClient
from bot.reminder_push import RasaReminderPush
from bot.scheduler import PrivacyJobs, ReminderCycle, build_scheduler
from bot.senders import AnnouncementSender
from ocop import announcements, reminders
from ocop.conversation_history import ConversationHistory, tracker_store_url
from ocop.conversations import conversation_id
from ocop.leadership import Leadership
from ocop.reminders import Schedule
from ocop.settings import Settings
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

LEADER_POLL = 5.0  # seconds between leadership checks: a standby takes over within this
STOP_TIMEOUT = 30.0  # seconds for the pushes in flight to finish


class Worker:
    """Leads or stands by; while leading, runs the scheduler and the announcement sender."""

    def __init__(self, settings: Settings, db: Database, rasa: AsyncRasaClient, channels: Channels) -> None:
        self.settings, self.db, self.rasa, self.channels = settings, db, rasa, channels
        self.schedule = Schedule.of(settings)
        self.leadership = Leadership(db)
        self.history = ConversationHistory(tracker_store_url(settings))
        self._scheduler: Optional[AsyncIOScheduler] = None
        self._cycle: Optional[ReminderCycle] = None
        self._sending: Optional[asyncio.Task] = None
        self._stop_sending = asyncio.Event()

    @property
    def leading(self) -> bool:
        return self._scheduler is not None

    async def run(self, stopping: asyncio.Event, poll: float = LEADER_POLL) -> None:
        """Check leadership every ``poll`` seconds until ``stopping`` is set."""
        try:
            while not stopping.is_set():
                leads = await asyncio.to_thread(self.leadership.check)
                if leads and not self.leading:
                    await self._take_over()
                elif not leads and self.leading:
                    await self._step_down()
                try:
                    await asyncio.wait_for(stopping.wait(), poll)
                except asyncio.TimeoutError:
                    pass
        finally:
            if self.leading:
                await self._step_down()
            await asyncio.to_thread(self.leadership.dispose)
            self.history.dispose()

    async def _record_in_conversation(self, channel: str, user_id: str, text: str) -> None:
        await self.rasa.append_bot_message(conversation_id(channel, user_id), text)

    async def _take_over(self) -> None:
        unconfirmed = await asyncio.to_thread(
            lambda: reminders.outbox(self.db).reconcile() + announcements.outbox(self.db).reconcile())
        if unconfirmed:
            logger.warning("%d message(s) interrupted by the last leader will not be sent twice", unconfirmed)
        pacer = Pacer(self.settings.broadcast_rate)  # one sending budget for announcements and reminders
        sender = AnnouncementSender(announcements.outbox(self.db), self.channels.push, pacer=pacer,
                                    quiet=lambda: self.schedule.is_quiet(dt.datetime.now(dt.timezone.utc)),
                                    record=self._record_in_conversation)
        self._stop_sending = asyncio.Event()
        self._sending = asyncio.create_task(sender.run(self._stop_sending), name="announcements")
        self._cycle = ReminderCycle(self.db, RasaReminderPush(self.rasa, self.channels.push, pacer), self.schedule)
        self._scheduler = build_scheduler(
            self.db, self._cycle, PrivacyJobs(self.db, self.history, self.settings.conversation_retention_days),
            KnowledgeNotice(self.db, self.settings, self.channels.push))
        self._scheduler.start()
        metrics.LEADER.set(1)
        logger.info("Leading: scheduler and announcement sender running")

    async def _step_down(self) -> None:
        metrics.LEADER.set(0)
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        if self._cycle is not None:
            await self._cycle.close(STOP_TIMEOUT)
        self._stop_sending.set()
        if self._sending is not None:
            try:
                await asyncio.wait_for(self._sending, STOP_TIMEOUT)
            except asyncio.TimeoutError:
                logger.warning("Announcement sender stopped mid-push; reconciled by the next leader")
        self._sending = None
        await asyncio.to_thread(self.leadership.release)
        logger.info("No longer leading")
