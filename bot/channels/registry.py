"""The enabled channels of the bot process, built from ``Settings``, and the one way to push.

Each platform module has ``from_settings(settings, db, bridge)``, which gives
its channel or None when it is not configured; ``FACTORIES`` lists them, so a
new channel is one module and one line here. ``Channels.push`` is what the
senders use: it raises ``ChannelUnavailable`` for a channel this process does
not run (the REST channel, or a platform without its settings).
"""

from __future__ import annotations

import logging
from typing import Callable, Dict, List, Optional, Sequence

from bot.channels import telegram, zalo_bot, zalo_oa
from bot.channels.base import Channel
from bot.channels.bridge import Bridge
from bot.rasa_client import Messages
from ocop.outbox import ChannelUnavailable
from ocop.settings import Settings
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

Factory = Callable[[Settings, Database, Bridge], Optional[Channel]]
FACTORIES: Sequence[Factory] = (telegram.from_settings, zalo_bot.from_settings, zalo_oa.from_settings)


class Channels:
    """The running channels by name."""

    def __init__(self, channels: Sequence[Channel]) -> None:
        self.by_name: Dict[str, Channel] = {channel.name: channel for channel in channels}
        self._started: List[Channel] = []

    async def start(self, receive: bool = True) -> None:
        for channel in self.by_name.values():
            await channel.start(receive)
            self._started.append(channel)

    async def stop(self) -> None:
        """Stop every started channel, the last started first; one failing does not keep the others running."""
        while self._started:
            channel = self._started.pop()
            try:
                await channel.stop()
            except Exception:  # stopping anyway
                logger.exception("Channel %s did not stop cleanly", channel.name)

    async def push(self, channel: str, user_id: str, messages: Messages) -> None:
        """A reminder or announcement to one user of ``channel``."""
        if channel not in self.by_name:
            raise ChannelUnavailable(f"no push for channel {channel!r}")
        await self.by_name[channel].push(user_id, messages)


def build(settings: Settings, db: Database, bridge: Bridge, factories: Sequence[Factory] = FACTORIES) -> Channels:
    """The channels whose settings are present."""
    channels = [channel for factory in factories if (channel := factory(settings, db, bridge)) is not None]
    logger.info("Channels: %s", ", ".join(c.name for c in channels) or "none")
    return Channels(channels)
