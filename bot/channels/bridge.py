"""Text in, replies out: what every channel does with a user's message.

A channel hands each text to ``Bridge.receive``. In order:

1. a reply "1", "2" … to a numbered list (channels without buttons) becomes
   that option's payload;
2. consent (``/start``, ``/stop``, the answers): ``bot/channels/consent.py``;
3. officers' commands (``/broadcast``, ``/handoffs``, confirming a draft):
   ``bot/officers.py``, in a worker thread (database work);
4. everything else goes to Rasa's REST channel as sender ``<channel>:<user
   id>``; when Rasa does not answer, the user is told the system is busy.

The replies go back through the channel's ``send``, rendered for its
capabilities. Messages that are not text get one polite reply
(``not_text``).
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot import officers
from bot.channels import consent
from bot.channels.base import Channel
from bot.metrics import MESSAGES_IN, RASA_SECONDS
from bot.rasa_client import AsyncRasaClient, Messages
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

BUSY = "Xin lỗi, hệ thống đang bận. Bạn nhắn lại sau ít phút nhé."
NOT_TEXT = "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Bạn gõ câu hỏi giúp tôi nhé (có dấu hay không dấu đều được)."


class Bridge:
    """Shared by every channel of the bot process."""

    def __init__(self, db: Database, rasa: AsyncRasaClient) -> None:
        self.db = db
        self.rasa = rasa

    async def receive(self, channel: Channel, user_id: str, text: str) -> None:
        """Answer one text message of ``user_id`` on ``channel``."""
        await channel.send(user_id, await self.reply(channel, user_id, text))

    async def not_text(self, channel: Channel, user_id: str) -> None:
        """A photo, sticker, voice message …: say that only text is read."""
        await channel.send(user_id, [{"text": NOT_TEXT}])

    async def reply(self, channel: Channel, user_id: str, text: str) -> Messages:
        MESSAGES_IN.labels(channel.name).inc()
        text = await channel.chosen_option(user_id, text) or text
        answer = await consent.answer(self.db, channel.name, channel.title, user_id, text)
        if answer is None and officers.is_command(text):
            answer = await asyncio.to_thread(officers.handle, self.db, channel.name, user_id, text)
        if answer is not None:
            return answer
        try:
            started = time.perf_counter()
            replies = await self.rasa.send_as(channel.name, user_id, text)
            RASA_SECONDS.observe(time.perf_counter() - started)
            return replies
        except Exception:  # Rasa down or starting: say so rather than stay silent
            logger.exception("Rasa did not answer")
            return [{"text": BUSY}]
