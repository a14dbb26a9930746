"""The channel contract: what every chat platform adapter of the bot process provides.

A channel moves messages between one platform and the bridge
(``bot/channels/bridge.py``); it knows nothing of OCOP. It declares its
capabilities (``buttons``: can it show tappable buttons; ``max_length``: the
longest text one platform message may carry) and implements:

* ``start(receive)`` / ``stop()``: get ready to send and (unless the process
  only pushes) begin receiving (long polling or a webhook) on the bot
  process's one event loop; then end it all;
* ``send_piece(user_id, piece)``: one rendered message to one chat, the only
  platform call; it raises the outcome exceptions of ``ocop.outbox``
  (``BlockedByUser``, ``DeliveryUnknown``, ``RetryLater``).

The base class gives every channel the same ``send`` (replies within a
conversation: Rasa's messages rendered by capability, ``bot/channels/render.py``)
and ``push`` (a message we start: a reminder, an announcement; the same as
``send`` unless the platform restricts pushes, as Zalo OA does).
"""

from __future__ import annotations

import abc
import asyncio
import logging
from typing import Optional

from bot.channels.ordering import ChatOrder
from bot.channels.render import Piece, render
from bot.metrics import MESSAGES_OUT, RATE_LIMITED
from bot.rasa_client import Messages
from ocop.outbox import BlockedByUser, RetryLater
from ocop.storage import chat_state, chat_users
from ocop.storage.db import Database

logger = logging.getLogger(__name__)


class Channel(abc.ABC):
    """One chat platform; subclasses set the class attributes and the abstract methods."""

    name: str = ""  # the chat users' channel in the database and in Rasa sender ids ("telegram:42")
    title: str = ""  # how users know the platform, in Vietnamese texts ("Telegram")
    buttons: bool = False  # tappable buttons; otherwise options become a numbered list
    max_length: int = 2000  # characters in one platform message

    def __init__(self, db: Database) -> None:
        self.db = db
        self.order = ChatOrder()  # every chat at once, each chat in order

    @abc.abstractmethod
    async def start(self, receive: bool = True) -> None:
        """Get ready to send and, with ``receive``, begin receiving updates; return once running.

        A worker process (``OCOP_BOT_ROLE=worker``) only pushes: it starts its channels with
        ``receive=False``, and the ingress processes receive."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop receiving and release connections."""

    @abc.abstractmethod
    async def send_piece(self, user_id: str, piece: Piece) -> None:
        """One rendered message to one chat; raise ``ocop.outbox`` exceptions for the outcome."""

    async def send(self, user_id: str, messages: Messages) -> None:
        """Rasa's messages to one chat, rendered for this channel's capabilities.

        Once one piece went out the whole counts as sent: a failure of a later
        piece is logged, not raised, so that nothing is ever sent again in full.
        """
        pieces, options = render(messages, self.buttons, self.max_length)
        if pieces and not self.buttons:  # a newer reply without a list: "1", "2" … no longer answer the old one
            await asyncio.to_thread(chat_state.remember_options, self.db, self.name, user_id, options)
        for number, piece in enumerate(pieces):
            try:
                await self.send_piece(user_id, piece)
                MESSAGES_OUT.labels(self.name).inc()
            except Exception as error:
                if isinstance(error, RetryLater):
                    RATE_LIMITED.labels(self.name).inc()
                if isinstance(error, BlockedByUser):
                    await asyncio.to_thread(chat_users.mark_blocked, self.db, self.name, user_id)
                if number == 0:
                    raise
                logger.warning("%s: %d of %d pieces sent, then %s", self.name, number, len(pieces),
                               type(error).__name__)
                return

    async def chosen_option(self, user_id: str, text: str) -> Optional[str]:
        """The payload a reply "1", "2" … chooses from the last numbered list this chat was shown."""
        if self.buttons or not text.strip().isdigit():
            return None
        return await asyncio.to_thread(chat_state.chosen_option, self.db, self.name, user_id, text)

    async def first_time(self, key: str) -> bool:
        """Whether this update (or message) id reaches the channel for the first time, on any process."""
        return await asyncio.to_thread(chat_state.first_time, self.db, self.name, key)

    async def push(self, user_id: str, messages: Messages) -> None:
        """A message we start (reminder, announcement); platforms with push rules override this."""
        await self.send(user_id, messages)
