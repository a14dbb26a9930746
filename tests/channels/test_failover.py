"""Two worker processes, one leader: kill -9 the leader in the middle of an announcement, the standby finishes it.

Both workers run the bot process with ``OCOP_BOT_ROLE=worker`` on the test
stack's database (push only, no receiving); the fake Bot API counts every
copy each chat gets.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from typing import Dict, Optional

import httpx
from sqlalchemy import func, select

from bot.stack import Stack, free_port
from fakes.fake_telegram import FakeTelegram
from ocop import announcements
from ocop.audiences import Audience
from ocop.outbox import DeliveryStatus
from ocop.storage.db import Database
from ocop.storage.models import BroadcastDelivery, ChatUser
from tests.channels.bot_process import bot_process

TEXT = "Thông báo thử chuyển quyền: hội chợ OCOP ngày 05/12/2026."
# 300 in the suite; FAILOVER_RECIPIENTS=2000 gives the measurement of docs/benchmarks.md.
RECIPIENTS = int(os.environ.get("FAILOVER_RECIPIENTS", "300"))


def leader_of(ports: Dict[str, int]) -> Optional[str]:
    """The worker whose /healthz says it leads, if exactly one does."""
    leading = []
    for name, port in ports.items():
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()["leader"]:
                leading.append(name)
    return leading[0] if len(leading) == 1 else None


def wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError


def test_the_standby_finishes_an_announcement_when_the_leader_dies(stack: Stack, stack_db: Database,
                                                                     tmp_path_factory) -> None:
    fake = FakeTelegram().start()
    with stack_db.session() as session:
        session.add_all([ChatUser(channel="telegram", user_id=str(900_000 + i), notifications=True)
                         for i in range(RECIPIENTS)])
    ports = {"a": free_port(), "b": free_port()}
    settings = dict(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url, OCOP_BOT_ROLE="worker",
                    OCOP_BROADCAST_RATE="60")
    logs = tmp_path_factory.mktemp("workers")
    (logs / "a").mkdir()
    (logs / "b").mkdir()
    try:
        with bot_process(stack, logs / "a", OCOP_METRICS_PORT=str(ports["a"]), **settings) as a, \
                bot_process(stack, logs / "b", OCOP_METRICS_PORT=str(ports["b"]), **settings) as b:
            leader = wait_for(lambda: leader_of(ports), 120)
            announcement_id, size = announcements.create(stack_db, TEXT, Audience(), "test")
            assert size >= RECIPIENTS
            wait_for(lambda: len([m for m in fake.sent if m.get("text") == TEXT]) >= RECIPIENTS // 5, 120)
            {"a": a, "b": b}[leader].kill()  # kill -9 in the middle of the announcement
            killed = time.monotonic()
            standby = "b" if leader == "a" else "a"
            wait_for(lambda: leader_of({standby: ports[standby]}), 30)
            takeover = time.monotonic() - killed

            def finished() -> bool:
                with stack_db.session() as session:
                    return not session.execute(select(func.count()).select_from(BroadcastDelivery).where(
                        BroadcastDelivery.announcement_id == announcement_id,
                        BroadcastDelivery.status.in_(("pending", "failed", "sending")))).scalar_one()

            wait_for(finished, 120 + RECIPIENTS / 30)
    finally:
        fake.stop()
    report = announcements.report(stack_db, announcement_id)
    copies = Counter(m["chat_id"] for m in fake.sent if m.get("text") == TEXT)
    assert max(copies.values()) == 1  # nobody got it twice
    unconfirmed = report.get(DeliveryStatus.UNCONFIRMED.value, 0)
    assert unconfirmed <= 4  # at most the pushes in flight when the leader died (4 sender tasks)
    assert report.get("sent", 0) + unconfirmed == size and len(copies) >= report.get("sent", 0)
    assert takeover <= 30, takeover
    print(f"takeover {takeover:.1f} s; {report}")
