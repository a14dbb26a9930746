"""``/healthz`` and Prometheus ``/metrics`` of the bot process, on loopback unless a setting opens them.

``GET /healthz``: 200 with the running channels and whether this process
leads the scheduler, while the database answers; 503 when it does not.
``GET /metrics``: prometheus-client's text format (``bot/metrics.py``); the
delivery figures are read from the database in a worker thread. No personal
data and no secret appears in either.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, List, Optional

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text

from bot.metrics import DeliveryCollector
from ocop.storage.db import Database

logger = logging.getLogger(__name__)


class HealthServer:
    """The two endpoints on ``listen``:``port``."""

    def __init__(self, db: Database, listen: str, port: int, channels: Callable[[], List[str]],
                 leader: Callable[[], bool]) -> None:
        self.db, self.listen, self.port = db, listen, port
        self.channels, self.leader = channels, leader
        self._collector = DeliveryCollector(db)
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> None:
        REGISTRY.register(self._collector)
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        logger.info("Health and metrics on %s:%s", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            REGISTRY.unregister(self._collector)

    def _database_answers(self) -> bool:
        try:
            with self.db.session() as session:
                session.execute(text("SELECT 1"))
            return True
        except Exception:
            logger.exception("Health check: the database does not answer")
            return False

    async def healthz(self, request: web.Request) -> web.Response:
        ok = await asyncio.to_thread(self._database_answers)
        return web.json_response({"status": "ok" if ok else "database unavailable", "channels": self.channels(),
                                  "leader": self.leader()}, status=200 if ok else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
