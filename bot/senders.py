"""The announcement sender: works through the announcement outbox on the bot process's event loop.

The same outbox carries officers' messages to one chat (a registration's new
status, a reply to a hand-off); once delivered, those are also recorded in the
Rasa conversation (``record``), so the assistant's history shows them.

Each due ``broadcast_deliveries`` row (``ocop.announcements.outbox``)
waits for its send slot, is claimed (``sending``, committed) right before the
push and finished after it, so a crash never gives anyone a second copy (a
row left in ``sending`` becomes ``unconfirmed`` at the next start). Database
work runs in worker threads; the pushes go through the channels' ``push``.

Limits: the worker's ``Pacer`` (``bot/pacing.py``), shared with the
reminders: ``Settings.broadcast_rate`` messages per second overall (default
25) and one per second per chat, for ``workers`` concurrent tasks. While
``quiet()`` says it is the quiet hours, only urgent announcements go out. A
``RetryLater`` from a channel (Telegram's 429 ``retry_after``) delays that
delivery and pauses every send of the bot for ``retry_after``.
Other failures are retried with backoff, and a user who blocked the bot is
marked and skipped (``ocop/outbox.py``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Awaitable, Callable, Iterator, Optional, Tuple

from bot.pacing import Pacer
from bot.rasa_client import Messages
from ocop.announcements import DueAnnouncement, urgent_only
from ocop.outbox import Outbox, RetryLater

logger = logging.getLogger(__name__)

BATCH = 500

Push = Callable[[str, str, Messages], Awaitable[None]]  # channel, user id, messages
Record = Callable[[str, str, str], Awaitable[None]]  # channel, user id, text: into the conversation


class AnnouncementSender:
    """Pushes due announcement copies, oldest first, within the rate limits."""

    def __init__(self, box: Outbox[DueAnnouncement], push: Push, rate: float = 25.0, per_chat_interval: float = 1.0,
                 workers: int = 4, quiet: Callable[[], bool] = lambda: False, pacer: Optional[Pacer] = None,
                 record: Optional[Record] = None) -> None:
        self.box = box
        self.record = record
        self.quiet = quiet
        self.push = push
        self.pacer = pacer or Pacer(rate, per_chat_interval)
        self.workers = workers
        self._stopping = asyncio.Event()  # set: finish the pushes in flight, claim nothing more

    async def _push_one(self, delivery_id: int, chat_user_id: int) -> bool:
        # Wait for the slot first and claim right before pushing: a crash then
        # leaves at most the few messages in flight unconfirmed.
        await self.pacer.turn(chat_user_id)
        if self._stopping.is_set():
            return False
        claimed = await asyncio.to_thread(self.box.claim, delivery_id)
        if claimed is None:
            return False
        error: Optional[BaseException] = None
        await self.pacer.window()
        try:
            await self.push(claimed.channel, claimed.user_id, [{"text": claimed.text}])
        except Exception as exc:  # recorded, retried or marked
            error = exc
            if isinstance(exc, RetryLater):
                self.pacer.pause(exc.seconds)
        await asyncio.to_thread(self.box.finish, delivery_id, error, dt.datetime.now(dt.timezone.utc))
        if error is None and claimed.from_officer and self.record is not None:
            try:  # delivered: the conversation should know what the officer said
                await self.record(claimed.channel, claimed.user_id, claimed.text)
            except Exception:
                logger.warning("Officer's message delivered but not recorded in the conversation", exc_info=True)
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
