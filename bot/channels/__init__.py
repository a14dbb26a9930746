"""Chat channels the bot process pushes to (reminders, announcements).

A channel registers a ``deliver(user_id, messages)`` function under its name
("telegram", "zalo"); ``deliver`` raises ``ChannelUnavailable`` for a channel
that is not configured here (the REST channel cannot be pushed to) and
``ocop.outbox.BlockedByUser`` when the user blocked the bot.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

Messages = List[Dict[Text, Any]]
Deliver = Callable[[Text, Messages], None]

_registry: Dict[Text, Deliver] = {}


class ChannelUnavailable(Exception):
    """No way to push to this channel from this process."""


class NeedsTemplate(Exception):
    """The platform only accepts an approved template message now (Zalo OA outside its reply window)."""


def run_in_thread(name: Text, main: Callable[[asyncio.Event], Awaitable[None]], stop: threading.Event,
                  push: Optional[Callable[..., Awaitable[None]]] = None) -> asyncio.AbstractEventLoop:
    """Run ``main(stopping)`` on an event loop of its own thread until ``stop`` is set;
    register ``push(user_id, messages)`` as the channel's delivery for other threads."""
    ready = threading.Event()
    loop = asyncio.new_event_loop()

    def target() -> None:
        asyncio.set_event_loop(loop)
        stopping = asyncio.Event()
        ready.set()
        watcher = loop.run_in_executor(None, stop.wait)
        watcher.add_done_callback(lambda _: stopping.set())
        loop.run_until_complete(main(stopping))

    threading.Thread(target=target, name=name, daemon=True).start()
    ready.wait(10)
    if push is not None:
        register(name, lambda user_id, messages: asyncio.run_coroutine_threadsafe(
            push(user_id, messages), loop).result(timeout=60))
    return loop


def register(channel: Text, deliver_function: Deliver) -> None:
    _registry[channel] = deliver_function


def deliver(channel: Text, user_id: Text, messages: Messages) -> None:
    """Push ``messages`` (Rasa's output: text, buttons) to one user of ``channel``."""
    if channel not in _registry:
        raise ChannelUnavailable(f"no push for channel {channel!r}")
    _registry[channel](user_id, messages)
