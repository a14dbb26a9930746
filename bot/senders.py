"""The announcement sender: works through the announcement outbox on the bot process's event loop.

Each due ``broadcast_deliveries`` row (``ocop.announcements.outbox``)
waits for its send slot, is claimed (``sending``, committed) right before the
push and finished after it, so a crash never gives anyone a second copy (a
row left in ``sending`` becomes ``unconfirmed`` at the next start). Database
work runs in worker threads; the pushes go through the channels' ``push``.

Limits: ``Settings.broadcast_rate`` messages per second overall (default 25)
and one per second per chat, shared by ``workers`` concurrent tasks. While
``quiet()`` says it is the quiet hours, only urgent announcements go out. A
``RetryLater`` from a channel (Telegram's 429 ``retry_after``) delays that
delivery; ``BOT_WIDE_429S`` of them within a second mean the bot-wide limit,
and the whole sender pauses. Other failures are retried with backoff, and a
user who blocked the bot is marked and skipped (``ocop/outbox.py``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

from bot.rasa_client import Messages
from ocop.announcements import DueAnnouncement, urgent_only
from ocop.outbox import Outbox, RetryLater

logger = logging.getLogger(__name__)

# This many 429s within a second mean the bot-wide limit (not one chat's): everything waits.
BOT_WIDE_429S = 5
BATCH = 500

Push = Callable[[str, str, Messages], Awaitable[None]]  # channel, user id, messages


class AnnouncementSender:
    """Pushes due announcement copies, oldest first, within the rate limits."""

    def __init__(self, box: Outbox[DueAnnouncement], push: Push, rate: float, per_chat_interval: float = 1.0,
                 workers: int = 4, quiet: Callable[[], bool] = lambda: False) -> None:
        self.box = box
        self.quiet = quiet
        self.push = push
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.workers = workers
        self._next_slot = time.monotonic()
        self._last_by_chat: Dict[int, float] = {}
        self._paused_until = 0.0
        self._recent_429: List[float] = []
        self._stopping = asyncio.Event()  # set: finish the pushes in flight, claim nothing more

    async def _wait_turn(self, chat_user_id: int) -> None:
        """Reserve the next send slot (overall rate, one per chat per interval) and sleep until it."""
        now = time.monotonic()
        slot = max(self._next_slot, self._paused_until, now,
                   self._last_by_chat.get(chat_user_id, 0.0) + self.per_chat_interval)
        self._next_slot = slot + 1.0 / self.rate
        self._last_by_chat[chat_user_id] = slot
        if slot > now:
            await asyncio.sleep(slot - now)

    def _slow_down(self, error: RetryLater) -> None:
        """One chat's flood limit delays that chat; several in a second mean the bot's own limit."""
        now = time.monotonic()
        self._recent_429 = [t for t in self._recent_429 if now - t < 1.0] + [now]
        if len(self._recent_429) >= BOT_WIDE_429S:
            self._paused_until = now + error.seconds

    async def _push_one(self, delivery_id: int, chat_user_id: int) -> bool:
        # Wait for the slot first and claim right before pushing: a crash then
        # leaves at most the few messages in flight unconfirmed.
        await self._wait_turn(chat_user_id)
        if self._stopping.is_set():
            return False
        claimed = await asyncio.to_thread(self.box.claim, delivery_id)
        if claimed is None:
            return False
        error: Optional[BaseException] = None
        try:
            await self.push(claimed.channel, claimed.user_id, [{"text": claimed.text}])
        except Exception as exc:  # recorded, retried or marked
            error = exc
            if isinstance(exc, RetryLater):
                self._slow_down(exc)
        await asyncio.to_thread(self.box.finish, delivery_id, error, dt.datetime.now(dt.timezone.utc))
        return True

    async def _worker(self, due: Iterator[Tuple[int, int]]) -> int:
        handled = 0
        for delivery_id, chat_user_id in due:  # the workers share one iterator
            if self._stopping.is_set():
                break
            handled += await self._push_one(delivery_id, chat_user_id)
        return handled

    async def deliver_due(self) -> int:
        """One pass over the due deliveries, ``workers`` at a time; the number handled."""
        only = urgent_only() if self.quiet() else None
        due = iter(await asyncio.to_thread(self.box.due, dt.datetime.now(dt.timezone.utc), BATCH, only))
        return sum(await asyncio.gather(*(self._worker(due) for _ in range(self.workers))))

    async def run(self, stopping: asyncio.Event, idle: float = 1.0) -> None:
        """Deliver until ``stopping`` is set; wait ``idle`` seconds when nothing was due."""
        self._stopping = stopping
        while not stopping.is_set():
            try:
                pause = 0.0 if await self.deliver_due() else idle
            except Exception:  # the database was briefly unavailable
                logger.exception("Announcement sender pass failed")
                pause = 5.0
            if pause:
                try:
                    await asyncio.wait_for(stopping.wait(), pause)
                except asyncio.TimeoutError:
                    pass
