"""The bot process (``python -m bot``, started by ``make run``): channels, scheduler, senders, one event loop.

Its role is ``OCOP_BOT_ROLE``:

* ``ingress``: the channels receive (long polling or webhooks) and answer
  through Rasa; nothing is kept in memory that another ingress would need, so
  any number may run (behind a load balancer, channels in webhook mode);
* ``worker``: the scheduler and the senders, run by the one leader among the
  workers (``bot/worker.py``); the channels only push;
* ``all`` (the default, ``make run``): both in one process.

Start-up: the settings are read once and the database is migrated; then one
asyncio event loop runs the role, ``/healthz`` and ``/metrics``
(``bot/health.py``). Rasa may still be starting: a message that finds it
down gets a "try again" reply and a reminder push is retried later.
SIGTERM/SIGINT stop everything cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.channels import registry
from bot.channels.bridge import Bridge
from bot.health import HealthServer
from bot.rasa_client import AsyncRasaClient
from bot.worker import Worker
from ocop import logs
from ocop.settings import Settings, get_settings
from ocop.storage.db import Database

logger = logging.getLogger("bot")


async def run(settings: Settings, db: Database) -> None:
    """Everything of the bot process's role until SIGTERM/SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    receives, works = settings.bot_role in ("all", "ingress"), settings.bot_role in ("all", "worker")
    rasa = AsyncRasaClient(settings.rasa_url, jwt_secret=settings.rasa_jwt_secret,
                           bot_channel_secret=settings.bot_channel_secret)
    channels = registry.build(settings, db, Bridge(db, rasa))
    worker = Worker(settings, db, rasa, channels) if works else None
    health = HealthServer(db, settings.metrics_listen, settings.metrics_port,
                          channels=lambda: sorted(channels.by_name), leader=lambda: bool(worker and worker.leading))
    working = None
    try:
        await channels.start(receive=receives)
        if worker is not None:
            working = asyncio.create_task(worker.run(stopping), name="worker")
        if settings.metrics_port:
            await health.start()
        logger.info("Bot process running as %s", settings.bot_role)
        await stopping.wait()
    finally:
        stopping.set()
        await health.stop()
        if working is not None:
            await working
        await channels.stop()
        await rasa.close()
        logger.info("Bot process stopped")


def main() -> int:
    settings = get_settings()
    logs.configure(settings.secrets(), json_lines=settings.log_format == "json")
    db = Database(settings.database_url).upgrade()
    try:
        asyncio.run(run(settings, db))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
