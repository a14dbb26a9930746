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
delivery, and pauses every send of the sender for ``retry_after`` (Telegram's
flood limit is the bot's, not one chat's: sending on to other chats during
the pause only earns more 429s). Sends are spaced ``1 / rate`` apart, and
right before each push the times of the last ``rate`` pushes are checked,
so that no 1-second window holds more than ``rate`` whatever the database
and the scheduler's delays.
Other failures are retried with backoff, and a user who blocked the bot is
marked and skipped (``ocop/outbox.py``).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import time
from typing import Awaitable, Callable, Deque, Dict, Iterator, Optional, Tuple

from bot.rasa_client import Messages
from ocop.announcements import DueAnnouncement, urgent_only
from ocop.outbox import Outbox, RetryLater

logger = logging.getLogger(__name__)

WINDOW = 1.001  # seconds: at most ``rate`` pushes start within any window this long (a little over 1 s)
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
        self._recent: Deque[float] = collections.deque(maxlen=max(1, int(rate)))  # the latest sends' times
        self._stopping = asyncio.Event()  # set: finish the pushes in flight, claim nothing more

    async def _wait_turn(self, chat_user_id: int) -> None:
        """Reserve the next send slot (overall rate, one per chat per interval) and sleep until it;
        a pause that began meanwhile (a 429) is waited out with a new slot."""
        while True:
            now = time.monotonic()
            slot = max(self._next_slot, self._paused_until, now,
                       self._last_by_chat.get(chat_user_id, 0.0) + self.per_chat_interval)
            self._next_slot = slot + 1.0 / self.rate
            self._last_by_chat[chat_user_id] = slot
            if slot > now:
                await asyncio.sleep(slot - now)
            if time.monotonic() >= self._paused_until:
                return

    async def _fit_window(self) -> None:
        """Right before a push: wait until the last ``rate`` pushes leave room in the past second."""
        while True:
            now = time.monotonic()
            if len(self._recent) < (self._recent.maxlen or 1) or now - self._recent[0] >= WINDOW:
                self._recent.append(now)
                return
            await asyncio.sleep(self._recent[0] + WINDOW - now)

    def _slow_down(self, error: RetryLater) -> None:
        """A flood limit (429) pauses every send for ``retry_after``."""
        self._paused_until = max(self._paused_until, time.monotonic() + error.seconds)
        self._next_slot = max(self._next_slot, self._paused_until)

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
        await self._fit_window()
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
