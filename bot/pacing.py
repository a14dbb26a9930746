"""The bot's sending pace: one budget of messages per second shared by everything the bot pushes.

Telegram's flood limits belong to the bot, not to one kind of message, so
announcements (``bot/senders.py``) and reminders (``bot/reminder_push.py``)
draw from one ``Pacer`` per worker process:

* ``turn(chat)``: reserve the next send slot (``rate`` per second overall, one
  per ``per_chat_interval`` per chat) and sleep until it; a pause that began
  meanwhile is waited out with a new slot.
* ``window()``: right before a push, wait until the last ``rate`` pushes leave
  room in the past second, so that no 1-second window ever holds more than
  ``rate`` whatever the database and the scheduler's delays.
* ``pause(seconds)``: a 429's ``retry_after`` pauses every send (sending on to
  other chats during the pause only earns more 429s).
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Deque, Dict, Hashable

MAX_CHATS_REMEMBERED = 10_000
WINDOW = 1.001  # seconds: at most ``rate`` pushes start within any window this long (a little over 1 s)


class Pacer:
    """Send slots for one bot: overall rate, per-chat interval, pauses after a flood limit."""

    def __init__(self, rate: float, per_chat_interval: float = 1.0) -> None:
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self._next_slot = time.monotonic()
        self._last_by_chat: Dict[Hashable, float] = {}
        self._paused_until = 0.0
        self._recent: Deque[float] = collections.deque(maxlen=max(1, int(rate)))  # the latest sends' times

    async def turn(self, chat: Hashable) -> None:
        while True:
            now = time.monotonic()
            slot = max(self._next_slot, self._paused_until, now,
                       self._last_by_chat.get(chat, 0.0) + self.per_chat_interval)
            self._next_slot = slot + 1.0 / self.rate
            if len(self._last_by_chat) >= MAX_CHATS_REMEMBERED:  # only chats within their interval matter
                self._last_by_chat = {c: at for c, at in self._last_by_chat.items()
                                      if at + self.per_chat_interval > now}
            self._last_by_chat[chat] = slot
            if slot > now:
                await asyncio.sleep(slot - now)
            if time.monotonic() >= self._paused_until:
                return

    async def window(self) -> None:
        while True:
            now = time.monotonic()
            if len(self._recent) < (self._recent.maxlen or 1) or now - self._recent[0] >= WINDOW:
                self._recent.append(now)
                return
            await asyncio.sleep(self._recent[0] + WINDOW - now)

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._next_slot = max(self._next_slot, self._paused_until)
