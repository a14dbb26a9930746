"""The enabled channels of the bot process, built from ``Settings``, and the one way to push.

Each platform module has ``from_settings(settings, db, bridge)``, which gives
its channel or None when it is not configured; ``FACTORIES`` lists them, so a
new channel is one module and one line here. ``Channels.push`` is what the
senders use: it raises ``ChannelUnavailable`` for a channel this process does
not run (the REST channel, or a platform without its settings) or that could
not start yet (its platform unreachable: retried every ``START_RETRY`` s).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Dict, List, Optional, Sequence, Set

from bot.channels import telegram, zalo_bot, zalo_oa
from bot.channels.base import Channel
from bot.channels.bridge import Bridge
from bot.rasa_client import Messages
from ocop.outbox import ChannelUnavailable
from ocop.settings import Settings
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

START_RETRY = 30.0  # seconds between attempts to start a channel whose platform was unreachable

Factory = Callable[[Settings, Database, Bridge], Optional[Channel]]
FACTORIES: Sequence[Factory] = (telegram.from_settings, zalo_bot.from_settings, zalo_oa.from_settings)


class Channels:
    """The running channels by name."""

    def __init__(self, channels: Sequence[Channel], retry_seconds: float = START_RETRY) -> None:
        self.by_name: Dict[str, Channel] = {channel.name: channel for channel in channels}
        self._started: List[Channel] = []
        self._retries: List[asyncio.Task] = []
        self._waiting: Set[str] = set()  # channels whose start failed, not yet started
        self.retry_seconds = retry_seconds

    async def start(self, receive: bool = True) -> None:
        """Start every channel; one that cannot reach its platform now (network down, API unreachable)
        is retried in the background, and the others, Rasa and the scheduler run meanwhile."""
        for channel in self.by_name.values():
            if not await self._try_start(channel, receive):
                self._retries.append(asyncio.create_task(self._keep_trying(channel, receive),
                                                         name=f"start-{channel.name}"))

    async def _try_start(self, channel: Channel, receive: bool) -> bool:
        try:
            await channel.start(receive)
        except Exception as error:  # the platform is unreachable or refuses: logged (redacted), tried again
            logger.warning("Channel %s did not start (%s: %s); trying again in %.0f s", channel.name,
                           type(error).__name__, error, self.retry_seconds)
            self._waiting.add(channel.name)
            return False
        self._waiting.discard(channel.name)
        self._started.append(channel)
        return True

    async def _keep_trying(self, channel: Channel, receive: bool) -> None:
        while True:
            await asyncio.sleep(self.retry_seconds)
            if await self._try_start(channel, receive):
                logger.info("Channel %s started", channel.name)
                return

    async def stop(self) -> None:
        """Stop every started channel, the last started first; one failing does not keep the others running."""
        for retry in self._retries:
            retry.cancel()
        while self._started:
            channel = self._started.pop()
            try:
                await channel.stop()
            except Exception:  # stopping anyway
                logger.exception("Channel %s did not stop cleanly", channel.name)

    async def push(self, channel: str, user_id: str, messages: Messages) -> None:
        """A reminder or announcement to one user of ``channel``."""
        if channel not in self.by_name or channel in self._waiting:
            raise ChannelUnavailable(f"no push for channel {channel!r} now")
        await self.by_name[channel].push(user_id, messages)


def build(settings: Settings, db: Database, bridge: Bridge, factories: Sequence[Factory] = FACTORIES) -> Channels:
    """The channels whose settings are present."""
    channels = [channel for factory in factories if (channel := factory(settings, db, bridge)) is not None]
    logger.info("Channels: %s", ", ".join(c.name for c in channels) or "none")
    return Channels(channels)
