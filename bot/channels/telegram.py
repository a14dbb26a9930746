"""Telegram through python-telegram-bot 22: updates in, messages with inline keyboards out.

Platform plumbing only; the bridge decides what to answer. Text messages
(commands included) and button taps go to the bridge as the chat's text; a
tap sends the button's payload. Payloads longer than Telegram's 64 bytes of
``callback_data`` are kept in the database under a short key
(``ocop.storage.button_payloads``), so they survive restarts. Non-text
messages get the bridge's polite reply; edited messages and repeated update
ids are ignored.

The ``Application`` shares the bot process's event loop (``initialize``,
``start``, then long polling through its updater, never ``run_polling``).
Updates of different chats are handled concurrently, those of one chat in
order (``ChatOrderedUpdates``, ``bot/channels/ordering.py``).
With ``TELEGRAM_WEBHOOK_URL`` the channel registers that URL with its secret
token and serves it (``bot/channels/webhook.py``): requests without the
``X-Telegram-Bot-Api-Secret-Token`` header get 403, unreadable ones 400.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Optional, Sequence
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.base import Channel
from bot.channels.bridge import Bridge
from bot.channels.ordering import ChatOrder
from bot.channels.render import Button, Piece
from bot.channels.webhook import WebhookServer, has_secret, webhook_secret
from ocop.outbox import BlockedByUser, DeliveryUnknown, RetryLater
from ocop.settings import BotApiSettings, Settings
from ocop.storage import button_payloads
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

CALLBACK_LIMIT = 64  # bytes Telegram allows in callback_data
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
COMMANDS = [BotCommand("start", "Bắt đầu, đồng ý nhận thông báo"), BotCommand("stop", "Ngừng nhận thông báo")]
CONCURRENT_UPDATES = 256  # updates in progress at once, all chats together


class ChatOrderedUpdates(BaseUpdateProcessor):
    """python-telegram-bot's update processor: concurrent across chats, in order within one chat."""

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self.order = ChatOrder()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self.order.turn(chat.id if chat is not None else None):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for the updates in progress."""


PRIVATE_ONLY = "Trợ lý OCOP chỉ trò chuyện riêng. Bạn bấm vào tên trợ lý và nhắn trực tiếp giúp tôi nhé."


class TelegramChannel(Channel):
    name = "telegram"
    title = "Telegram"
    buttons = True
    max_length = 4096

    def __init__(self, settings: BotApiSettings, db: Database, bridge: Bridge) -> None:
        super().__init__(db)
        self.settings = settings
        self.bridge = bridge
        builder = ApplicationBuilder().token(settings.token or "").concurrent_updates(ChatOrderedUpdates())
        if settings.api_base_url:
            builder = builder.base_url(f"{settings.api_base_url.rstrip('/')}/bot")
        self.application: Application = builder.build()
        self._webhook: Optional[WebhookServer] = None
        self._add_handlers()

    # --- running ---------------------------------------------------------------------
    async def start(self, receive: bool = True) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        if not receive:
            logger.info("Telegram channel ready to push (receiving is another process's)")
            return
        try:  # the menu of commands Telegram shows next to the text box
            await app.bot.set_my_commands(COMMANDS)
        except TelegramError as error:
            logger.warning("Commands not registered: %s", type(error).__name__)
        url = self.settings.webhook_url
        if url:
            self._webhook = WebhookServer(self.settings.webhook_listen, self.settings.webhook_port,
                                          urlsplit(url).path, self._receive_webhook)
            await self._webhook.start()
            await app.bot.set_webhook(url, secret_token=self._secret(), allowed_updates=Update.ALL_TYPES)
        else:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        logger.info("Telegram channel running (%s)", "webhook" if url else "long polling")

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if self._webhook is not None:
            await self._webhook.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    def _secret(self) -> str:
        return webhook_secret(self.settings.webhook_secret, self.settings.token or "", self.name)

    async def _receive_webhook(self, request: web.Request) -> web.Response:
        """Verify the secret header, queue the update, answer at once."""
        if not has_secret(request, SECRET_HEADER, self._secret()):
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except Exception:  # any unreadable body
            update = None
        if update is None:
            return web.Response(status=400, text="bad update")
        await self.application.update_queue.put(update)
        return web.Response(text="ok")

    # --- receiving -------------------------------------------------------------------
    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(TypeHandler(Update, self._drop_repeats), group=-2)
        app.add_handler(TypeHandler(Update, self._private_chats_only), group=-1)
        app.add_handler(CallbackQueryHandler(self._tap))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._text))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, self._not_text))

    async def _drop_repeats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Edited messages and update ids seen before are never answered."""
        bot_id = (self.settings.token or "").split(":", 1)[0]  # update ids are per bot
        if update.edited_message is not None or not await self.first_time(f"{bot_id}:{update.update_id}"):
            raise ApplicationHandlerStop

    async def _private_chats_only(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group is nobody's chat account, and never an officer: a short reply, and nothing else happens.

        In a private chat the chat id is the user's own id (``effective_user``),
        so identity and officer rights follow the person who wrote.
        """
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE:
            return
        if update.effective_message is not None and update.callback_query is None:
            await update.effective_message.reply_text(PRIVATE_ONLY)
        raise ApplicationHandlerStop

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.bridge.receive(self, str(update.effective_chat.id), update.message.text or "")

    async def _tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button: its payload goes on as the chat's text; the keyboard it was on is removed, so that an
        old button (a reminder answered already) cannot be tapped again."""
        query = update.callback_query
        await query.answer()
        if query.message is not None:
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except TelegramError as error:  # too old to edit, or edited already: the tap still counts
                logger.info("Keyboard not removed: %s", type(error).__name__)
        await self.bridge.receive(self, str(update.effective_chat.id), await self.payload_of(query.data or ""))

    async def _not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.bridge.not_text(self, str(update.effective_chat.id))

    # --- sending ---------------------------------------------------------------------
    async def callback_data(self, payload: str) -> str:
        """The payload itself, or the key it is stored under when longer than Telegram allows."""
        if len(payload.encode("utf-8")) <= CALLBACK_LIMIT:
            return payload
        return await asyncio.to_thread(button_payloads.key_for, self.db, payload)

    async def payload_of(self, data: str) -> str:
        """The payload a tap's ``callback_data`` stands for."""
        if not data.startswith(button_payloads.PREFIX):
            return data
        return await asyncio.to_thread(button_payloads.payload_for, self.db, data) or data

    async def _keyboard(self, buttons: Sequence[Button]) -> Optional[InlineKeyboardMarkup]:
        if not buttons:
            return None
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.title, callback_data=await self.callback_data(b.payload))]
                                     for b in buttons])

    async def send_piece(self, user_id: str, piece: Piece) -> None:
        try:
            await self.application.bot.send_message(int(user_id), piece.text,
                                                    reply_markup=await self._keyboard(piece.buttons))
        except Forbidden as error:
            raise BlockedByUser(str(error)) from error
        except TimedOut as error:
            raise DeliveryUnknown(str(error)) from error
        except RetryAfter as error:
            wait = error.retry_after
            raise RetryLater(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)) from error


def from_settings(settings: Settings, db: Database, bridge: Bridge) -> Optional[Channel]:
    """The channel when ``TELEGRAM_BOT_TOKEN`` is set."""
    return TelegramChannel(settings.telegram, db, bridge) if settings.telegram.token else None
