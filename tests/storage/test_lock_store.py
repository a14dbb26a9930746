"""The Redis lock store several Rasa servers share: one holder of a conversation at a time, whatever the timing.

Each thread plays a Rasa server with its own Redis connection, and all take
tickets for one conversation at the same moment — the case in which Rasa's
own ``RedisLockStore`` lets two servers in at once (its read-change-write of
the lock is not atomic).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from rasa.utils.endpoints import EndpointConfig

from bot.stack import lock_store_config
from rasa_server.lock_store import AtomicRedisLockStore

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def server_store() -> AtomicRedisLockStore:
    """A lock store as a Rasa server builds it from the endpoints ``bot/stack.py`` writes."""
    config = dict(lock_store_config(REDIS_URL) or {})
    config.pop("type")
    return AtomicRedisLockStore(EndpointConfig(**config))


def test_servers_taking_tickets_at_once_hold_the_conversation_one_at_a_time() -> None:
    conversation = f"lock-test-{uuid.uuid4().hex[:8]}"
    servers, turns_each = 12, 5
    start = threading.Barrier(servers)
    holders: list = []
    overlaps: list = []
    guard = threading.Lock()

    def server(_: int) -> int:
        store = server_store()

        async def turns() -> int:
            handled = 0
            for _turn in range(turns_each):
                async with store.lock(conversation, wait_time_in_seconds=0.005):
                    with guard:
                        holders.append(1)
                        if len(holders) > 1:
                            overlaps.append(len(holders))
                    await asyncio.sleep(0.002)  # the turn: NLU, policies, actions
                    with guard:
                        holders.pop()
                    handled += 1
            return handled

        start.wait()
        return asyncio.run(turns())

    with ThreadPoolExecutor(servers) as pool:
        handled = list(pool.map(server, range(servers)))
    assert handled == [turns_each] * servers
    assert overlaps == [], "two servers held one conversation at once"
    assert server_store().get_lock(conversation) is None, "the lock goes with its last ticket"


def test_tickets_are_issued_in_order_and_never_twice() -> None:
    conversation = f"lock-test-{uuid.uuid4().hex[:8]}"
    start = threading.Barrier(8)

    def take(_: int) -> list:
        store = server_store()
        start.wait()
        return [store.issue_ticket(conversation, lock_lifetime=30) for _ in range(10)]

    with ThreadPoolExecutor(8) as pool:
        tickets = [number for batch in pool.map(take, range(8)) for number in batch]
    assert sorted(tickets) == list(range(80))
    store = server_store()
    for number in range(80):
        store.cleanup(conversation, number)
    assert store.get_lock(conversation) is None


def test_an_expired_ticket_lets_the_next_one_in() -> None:
    """A server that died holding the lock blocks the conversation only for the ticket's lifetime."""
    conversation = f"lock-test-{uuid.uuid4().hex[:8]}"
    store = server_store()
    store.issue_ticket(conversation, lock_lifetime=0.2)  # the dead server's ticket, never cleaned up

    async def next_turn() -> float:
        began = time.monotonic()
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.05):
            return time.monotonic() - began

    assert asyncio.run(next_turn()) < 2
    assert urlsplit(REDIS_URL).hostname  # the tests above ran against the configured server
