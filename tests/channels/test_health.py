"""The bot process's /healthz and /metrics without a platform: delivery figures from the database, 503 when down."""

from __future__ import annotations

import asyncio

import httpx

from bot.health import HealthServer
from bot.stack import free_port
from ocop import announcements
from ocop.audiences import Audience
from ocop.storage.db import Database
from ocop.storage.models import ChatUser


async def fetch(server: HealthServer, *paths: str) -> list:
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            return [await client.get(path) for path in paths]
    finally:
        await server.stop()


def test_metrics_count_deliveries_by_status_and_the_outbox_depth(db: Database) -> None:
    with db.session() as session:
        session.add_all([ChatUser(channel="zalo", user_id=f"u{i}", notifications=True) for i in range(3)])
    announcements.create(db, "Hội chợ", Audience(), "test")
    server = HealthServer(db, "127.0.0.1", free_port(), channels=lambda: ["zalo"], leader=lambda: False)
    health, metrics = asyncio.run(fetch(server, "/healthz", "/metrics"))
    assert health.status_code == 200 and health.json() == {"status": "ok", "channels": ["zalo"], "leader": False}
    assert 'ocop_deliveries{kind="announcement",status="pending"} 3.0' in metrics.text
    assert 'ocop_outbox_depth{kind="announcement"} 3.0' in metrics.text
    assert 'ocop_outbox_depth{kind="reminder"} 0.0' in metrics.text


def test_health_is_503_when_the_database_does_not_answer() -> None:
    broken = Database(f"postgresql://nobody@127.0.0.1:{free_port()}/none")  # nothing listens there
    server = HealthServer(broken, "127.0.0.1", free_port(), channels=lambda: [], leader=lambda: False)
    [health] = asyncio.run(fetch(server, "/healthz"))
    assert health.status_code == 503 and health.json()["status"] == "database unavailable"
