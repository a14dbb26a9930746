"""The bot process (``python -m bot``, started by ``make run``): channels, scheduler, pushes.

It first reconciles deliveries (reminders, announcements) left half-done by
a crash. Rasa may still be starting: a message that finds it down gets a
"try again" reply and a reminder push is retried later. With ``TELEGRAM_BOT_TOKEN`` set it runs the Telegram channel (long
polling) in the main thread; the scheduler and the broadcast sender run beside
it, and the scheduler's first job catches up on reminders missed while the
process was down. Without a token it
only runs the scheduler. SIGTERM/SIGINT stop everything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading

from telegram import Update

from bot import broadcasts, reminders
from bot.broadcasts import BroadcastSender
from bot.channels.telegram import TelegramChannel, serve_webhook, webhook_secret
from bot.channels import run_in_thread, zalo_oa
from bot.channels.zalo_bot import ZaloBotChannel
from bot.channels.zalo_oa import ZaloOaChannel
from bot.scheduler import build_scheduler, reminder_job, rasa_url
from ocop.storage.db import database_url, make_engine, migrate

logger = logging.getLogger("bot")


async def run_webhook(channel: TelegramChannel, url: str, token: str) -> None:
    """Webhook mode until SIGTERM/SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    await serve_webhook(channel, url, webhook_secret(token), os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
                        int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443")), stopping)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    migrate(make_engine(database_url()))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    unconfirmed = reminders.reconcile() + broadcasts.reconcile()
    if unconfirmed:
        logger.warning("%d message(s) interrupted by the last stop will not be sent twice", unconfirmed)
    scheduler = build_scheduler()
    if os.environ.get("ZALO_OA_APP_ID"):
        oa = ZaloOaChannel(os.environ["ZALO_OA_APP_ID"], os.environ["ZALO_OA_SECRET_KEY"], rasa_url(),
                           os.environ.get("ZALO_OA_API_BASE_URL"), os.environ.get("ZALO_OA_OAUTH_BASE_URL"),
                           os.environ.get("ZALO_OA_REFRESH_TOKEN"))
        listen, port = os.environ.get("ZALO_OA_WEBHOOK_LISTEN", "127.0.0.1"), int(os.environ.get("ZALO_OA_WEBHOOK_PORT", "8444"))
        run_in_thread(zalo_oa.CHANNEL, lambda stopping: oa.serve(listen, port, stopping), stop, push=oa.push)
    if os.environ.get("ZALO_BOT_TOKEN"):
        zalo_token = os.environ["ZALO_BOT_TOKEN"]
        ZaloBotChannel(zalo_token, rasa_url(), os.environ.get("ZALO_BOT_API_BASE_URL")).start_in_thread(stop, zalo_token)
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if token:
        channel = TelegramChannel(token, rasa_url(), os.environ.get("TELEGRAM_API_BASE_URL"))

        async def channels_ready(application: object) -> None:
            channel.register_push(asyncio.get_running_loop())
            threading.Thread(target=BroadcastSender().run_forever, args=(stop,), name="broadcasts", daemon=True).start()
            scheduler.start()
            scheduler.add_job(reminder_job, id="startup-catch-up", replace_existing=True)  # after downtime
            logger.info("Telegram channel and scheduler running")

        channel.application.post_init = channels_ready
        webhook = os.environ.get("TELEGRAM_WEBHOOK_URL")
        if webhook:
            asyncio.run(run_webhook(channel, webhook, token))
        else:
            channel.application.run_polling(allowed_updates=Update.ALL_TYPES)
        stop.set()
    else:
        threading.Thread(target=BroadcastSender().run_forever, args=(stop,), name="broadcasts", daemon=True).start()
        scheduler.start()
        reminder_job()  # catch up after downtime
        logger.info("Scheduler running%s", " with Zalo" if os.environ.get("ZALO_BOT_TOKEN") else "")
        stop.wait()
    scheduler.shutdown(wait=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
