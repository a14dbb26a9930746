"""The bot process (``python -m bot``, started by ``make run``): scheduler and pushes.

It waits for Rasa, reconciles reminder deliveries left half-done by a crash,
runs one reminder cycle to catch up after downtime, then leaves the daily and
retry cycles to the scheduler until SIGTERM/SIGINT. Chat channels that push
(Telegram, Zalo) register themselves in ``bot.channels``.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

import httpx

from bot import reminders
from bot.scheduler import build_scheduler, reminder_job, rasa_url
from bot.storage.db import database_url, make_engine, migrate

logger = logging.getLogger("bot")


def wait_for_rasa(url: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/status", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(f"Rasa did not answer at {url}")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    migrate(make_engine(database_url()))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    wait_for_rasa(rasa_url())
    unconfirmed = reminders.reconcile()
    if unconfirmed:
        logger.warning("%d reminder(s) interrupted by the last stop will not be sent twice", unconfirmed)
    reminder_job()  # catch up after downtime
    scheduler = build_scheduler()
    scheduler.start()
    logger.info("Bot process running: reminders scheduled (Asia/Ho_Chi_Minh)")
    stop.wait()
    scheduler.shutdown(wait=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
