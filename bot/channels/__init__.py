"""Chat channels the bot process pushes to (reminders, announcements).

A channel registers a ``deliver(user_id, messages)`` function under its name
("telegram", "zalo"); ``deliver`` raises ``ChannelUnavailable`` for a channel
that is not configured here (the REST channel cannot be pushed to) and
``bot.reminders.BlockedByUser`` when the user blocked the bot.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

Messages = List[Dict[Text, Any]]
Deliver = Callable[[Text, Messages], None]

_registry: Dict[Text, Deliver] = {}


class ChannelUnavailable(Exception):
    """No way to push to this channel from this process."""


def register(channel: Text, deliver_function: Deliver) -> None:
    _registry[channel] = deliver_function


def deliver(channel: Text, user_id: Text, messages: Messages) -> None:
    """Push ``messages`` (Rasa's output: text, buttons) to one user of ``channel``."""
    if channel not in _registry:
        raise ChannelUnavailable(f"no push for channel {channel!r}")
    _registry[channel](user_id, messages)
