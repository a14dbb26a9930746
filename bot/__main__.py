"""The bot process (``python -m bot``, started by ``make run``): channels, scheduler, senders, one event loop.

Start-up: the settings are read once, the database is migrated, and deliveries
(reminders, announcements) a crash left half-done are reconciled (marked
``unconfirmed``, never sent twice). Then one asyncio event loop runs every
configured channel (``bot/channels/registry.py``), the announcement sender
(``bot/senders.py``) and the scheduler (``bot/scheduler.py``), whose first job
catches up on reminders missed while the process was down. Rasa may still be
starting: a message that finds it down gets a "try again" reply and a
reminder push is retried later. SIGTERM/SIGINT stop everything cleanly.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal

from bot import metrics
from bot.channels import registry
from bot.channels.bridge import Bridge
from bot.health import HealthServer
from bot.rasa_client import AsyncRasaClient
from bot.reminder_push import RasaReminderPush
from bot.scheduler import PrivacyJobs, ReminderCycle, build_scheduler
from bot.senders import AnnouncementSender
from ocop import announcements, logs, reminders
from ocop.conversation_history import ConversationHistory, tracker_store_url
from ocop.reminders import Schedule
from ocop.settings import Settings, get_settings
from ocop.storage.db import Database

logger = logging.getLogger("bot")

STOP_TIMEOUT = 30.0  # seconds for the pushes in flight to finish


async def run(settings: Settings, db: Database) -> None:
    """Everything of the bot process until SIGTERM/SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    rasa = AsyncRasaClient(settings.rasa_url, jwt_secret=settings.rasa_jwt_secret,
                           bot_channel_secret=settings.bot_channel_secret)
    channels = registry.build(settings, db, Bridge(db, rasa))
    schedule = Schedule.of(settings)
    sender = AnnouncementSender(announcements.outbox(db), channels.push, settings.broadcast_rate,
                                quiet=lambda: schedule.is_quiet(dt.datetime.now(dt.timezone.utc)))
    cycle = ReminderCycle(db, RasaReminderPush(rasa, channels.push), schedule)
    history = ConversationHistory(tracker_store_url(settings))
    scheduler = build_scheduler(db, cycle, PrivacyJobs(db, history, settings.conversation_retention_days))
    health = HealthServer(db, settings.metrics_listen, settings.metrics_port,
                          channels=lambda: sorted(channels.by_name), leader=lambda: scheduler.running)
    sending = None
    try:
        await channels.start()
        sending = asyncio.create_task(sender.run(stopping), name="announcements")
        scheduler.start()
        metrics.LEADER.set(1)
        if settings.metrics_port:
            await health.start()
        logger.info("Bot process running: channels, scheduler, announcement sender")
        await stopping.wait()
    finally:
        stopping.set()
        await health.stop()
        metrics.LEADER.set(0)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await cycle.close(STOP_TIMEOUT)
        if sending is not None:
            try:
                await asyncio.wait_for(sending, STOP_TIMEOUT)
            except asyncio.TimeoutError:
                logger.warning("Announcement sender stopped mid-push; reconciled at the next start")
        await channels.stop()
        await rasa.close()
        history.dispose()
        logger.info("Bot process stopped")


def main() -> int:
    settings = get_settings()
    logs.configure(settings.secrets(), json_lines=settings.log_format == "json")
    db = Database(settings.database_url).upgrade()
    try:
        unconfirmed = reminders.outbox(db).reconcile() + announcements.outbox(db).reconcile()
        if unconfirmed:
            logger.warning("%d message(s) interrupted by the last stop will not be sent twice", unconfirmed)
        asyncio.run(run(settings, db))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
