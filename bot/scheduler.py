"""The bot process's scheduler: APScheduler 3, jobs kept in the application database.

Timezone Asia/Ho_Chi_Minh. Jobs:

* ``daily-reminders``: every day at 07:30, a full reminder cycle;
* ``reminder-retries``: every 15 minutes, a cycle too (it sends only what is
  due: retries after a failure, reminders that waited for the end of quiet
  hours).

At start-up the process first reconciles interrupted deliveries, then runs one
cycle to catch up after downtime (see ``bot/__main__.py``).
"""

from __future__ import annotations

import logging
import os
from typing import Optional

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot import reminders
from bot.reminder_push import RasaReminderPush
from ocop.storage.db import database_url

logger = logging.getLogger(__name__)

TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"


def rasa_url() -> str:
    return os.environ.get("OCOP_RASA_URL", DEFAULT_RASA_URL)


def reminder_job() -> None:
    """One reminder cycle (a module-level function, so the job store can name it)."""
    push = RasaReminderPush(rasa_url())
    try:
        reminders.run_cycle(push)
    finally:
        push.close()


def build_scheduler(url: Optional[str] = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url or database_url(), tablename="apscheduler_jobs")},
        timezone=TIMEZONE,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job("bot.scheduler:reminder_job", "cron", hour=7, minute=30, id="daily-reminders",
                      replace_existing=True)
    scheduler.add_job("bot.scheduler:reminder_job", "interval", minutes=15, id="reminder-retries",
                      replace_existing=True)
    return scheduler
