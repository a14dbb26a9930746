"""Every chat at once, each chat in order: how the channels run the updates they receive.

Updates of different chats are handled concurrently, so one slow
conversation (or one slow platform call) never holds up the others; the
updates of one chat are handled one at a time, in the order they arrived, so
a producer's answers reach Rasa in the order they were typed. ``ChatOrder``
keeps one lock per chat with waiting work (asyncio locks wake their waiters
in FIFO order) and forgets a chat once its last update is done.

Telegram hands its updates over through python-telegram-bot's update
processor (``ChatOrderedUpdates``); the Zalo channels call ``ChatOrder.run``
for each update they receive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Awaitable, Dict, Hashable, List, Set

logger = logging.getLogger(__name__)


class ChatOrder:
    """One lock per chat; work of different chats runs concurrently."""

    def __init__(self) -> None:
        self._chats: Dict[Hashable, List] = {}  # chat → [lock, updates holding or waiting for it]
        self._tasks: Set[asyncio.Task] = set()

    @contextlib.asynccontextmanager
    async def turn(self, chat: Hashable) -> AsyncIterator[None]:
        """Wait for the earlier updates of ``chat``; callers entering in order are served in order."""
        entry = self._chats.setdefault(chat, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._chats[chat]

    def run(self, chat: Hashable, work: Awaitable[None]) -> None:
        """Start ``work`` now, after the earlier work of ``chat``; a failure is logged."""
        task = asyncio.ensure_future(self._in_turn(chat, work))
        self._tasks.add(task)  # kept until done, so that it is not garbage-collected mid-way
        task.add_done_callback(self._tasks.discard)

    async def _in_turn(self, chat: Hashable, work: Awaitable[None]) -> None:
        async with self.turn(chat):
            try:
                await work
            except Exception:  # one bad update must not stop the chat's next ones
                logger.exception("Update not handled")

    @property
    def busy_chats(self) -> int:
        return len(self._chats)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the work in progress."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
