"""Telegram through python-telegram-bot 22: long polling, Rasa's replies as inline keyboards.

Every text message goes to Rasa's REST channel as sender ``telegram:<chat id>``
and Rasa's replies come back as messages; a button becomes an inline keyboard
button and a tap sends its payload to Rasa as if typed. ``/start`` registers
the chat and asks for consent to notifications, ``/stop`` withdraws it,
``/help`` is passed to Rasa. Photos, stickers, voice and other non-text
messages get a polite reply; edited messages and repeated update ids are
ignored. The channel knows nothing of OCOP: it moves messages.

Settings: ``TELEGRAM_BOT_TOKEN`` (required), ``TELEGRAM_API_BASE_URL`` (another
Bot API server, e.g. a local one for tests). Long polling by default; with
``TELEGRAM_WEBHOOK_URL`` the channel registers that URL with Telegram and
serves it on ``TELEGRAM_WEBHOOK_LISTEN``:``TELEGRAM_WEBHOOK_PORT`` (default
127.0.0.1:8443, behind the HTTPS proxy), refusing requests without Telegram's
secret-token header (``TELEGRAM_WEBHOOK_SECRET``, or one derived from the bot
token) with 403 and malformed bodies with 400.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
import os
import re
from typing import Any, Deque, Dict, List, Optional, Set
from urllib.parse import urlsplit

from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import broadcasts, channels
from bot.channels import Messages
from ocop.outbox import BlockedByUser, DeliveryUnknown, RetryLater
from bot.rasa_client import AsyncRasaClient
from ocop.storage import audit, chat_users

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
CALLBACK_LIMIT = 64  # bytes Telegram allows in callback_data
NOT_TEXT = "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Bạn gõ câu hỏi giúp tôi nhé (có dấu hay không dấu đều được)."
CONSENT = (
    "Chào bạn! Tôi là Trợ lý OCOP. Bạn có đồng ý nhận thông báo (nhắc hạn giấy chứng nhận, tin từ cán bộ OCOP) "
    "qua Telegram không? Nhắn /stop bất cứ lúc nào để ngừng."
)
CONSENT_YES, CONSENT_NO = "consent:yes", "consent:no"


class TelegramChannel:
    """Builds the python-telegram-bot Application and pushes messages to chats."""

    def __init__(self, token: str, rasa_url: str, base_url: Optional[str] = None) -> None:
        builder = ApplicationBuilder().token(token)
        if base_url:
            builder = builder.base_url(f"{base_url.rstrip('/')}/bot")
        self.application: Application = builder.build()
        self.rasa = AsyncRasaClient(rasa_url)
        self._seen: Set[int] = set()
        self._seen_order: Deque[int] = collections.deque()
        self._payloads: Dict[str, str] = {}
        self._drafts: Dict[str, tuple] = {}
        self._add_handlers()

    # --- receiving -------------------------------------------------------------------
    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(TypeHandler(Update, self._drop_repeats), group=-1)
        app.add_handler(CommandHandler("start", self._start))
        app.add_handler(CommandHandler("stop", self._stop))
        app.add_handler(CommandHandler("help", self._help))
        app.add_handler(CommandHandler("broadcast", self._broadcast))
        app.add_handler(CommandHandler("handoffs", self._handoffs))
        app.add_handler(CallbackQueryHandler(self._tap))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, self._text))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, self._not_text))

    async def _drop_repeats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Edited messages and update ids seen before are never answered."""
        if update.edited_message is not None or update.update_id in self._seen:
            raise ApplicationHandlerStop
        self._seen.add(update.update_id)
        self._seen_order.append(update.update_id)
        if len(self._seen_order) > 10_000:
            self._seen.discard(self._seen_order.popleft())

    async def _start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_users.register(CHANNEL, str(update.effective_chat.id))
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đồng ý", callback_data=CONSENT_YES),
                                          InlineKeyboardButton("Không", callback_data=CONSENT_NO)]])
        await update.effective_chat.send_message(CONSENT, reply_markup=keyboard)

    async def _stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_users.set_consent(CHANNEL, str(update.effective_chat.id), False)
        await update.effective_chat.send_message("Đã ngừng gửi thông báo cho bạn. Nhắn /start nếu muốn nhận lại.")

    async def _help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._to_rasa(update.effective_chat.id, "/help")

    async def _officer(self, update: Update, command: str) -> bool:
        user = str(update.effective_chat.id)
        if broadcasts.is_officer(CHANNEL, user):
            return True
        audit.record(f"{CHANNEL}:{user}", f"refused_{command}", "officer_command")
        await update.effective_chat.send_message("Xin lỗi, lệnh này chỉ dành cho cán bộ OCOP.")
        return False

    async def _broadcast(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/broadcast [tỉnh: …] [sao: …] text: shows the audience size and asks to confirm."""
        if not await self._officer(update, "broadcast"):
            return
        body = re.sub(r"^/broadcast(@\w+)?\s*", "", update.message.text or "") if update.message else ""
        audience, text = broadcasts.parse_message(body)
        if not text:
            await update.effective_chat.send_message(
                "Cú pháp: /broadcast rồi nội dung thông báo. Có thể thêm ở đầu các dòng lọc: "
                "\"tỉnh: Cà Mau\", \"xã: …\", \"nhóm: đồ uống\", \"sao: 4\", \"hết hạn: 90\".")
            return
        size = broadcasts.count(audience)
        key = hashlib.sha1(f"{update.update_id}".encode()).hexdigest()[:12]
        self._drafts[key] = (audience, text)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(f"Gửi cho {size} người", callback_data=f"bc:{key}"),
                                          InlineKeyboardButton("Hủy", callback_data="bc:cancel")]])
        await update.effective_chat.send_message(
            f"Thông báo sẽ gửi tới {size} người ({audience.describe()}):\n\n{text}", reply_markup=keyboard)

    async def _confirm_broadcast(self, update: Update, data: str) -> None:
        chat_id = update.effective_chat.id
        if data == "bc:cancel" or not broadcasts.is_officer(CHANNEL, str(chat_id)):
            await update.effective_chat.send_message("Đã hủy thông báo.")
            return
        draft = self._drafts.pop(data[3:], None)
        if draft is None:
            await update.effective_chat.send_message("Bản nháp này đã hết hiệu lực, bạn gửi lại lệnh /broadcast nhé.")
            return
        announcement_id, size = broadcasts.create(draft[1], draft[0], f"{CHANNEL}:{chat_id}")
        await update.effective_chat.send_message(
            f"Đã xếp hàng thông báo số {announcement_id} cho {size} người. Xem kết quả: ocop broadcast report {announcement_id}")

    async def _handoffs(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await self._officer(update, "handoffs"):
            return
        rows = audit.open_handoffs()
        lines = [f"Yêu cầu gặp cán bộ đang mở: {len(rows)}"] + [
            f"• #{r['id']} {r['created_at']:%d/%m %H:%M} ({r['reason']}): {r['last_message'] or ''}" for r in rows[:20]]
        await update.effective_chat.send_message("\n".join(lines))

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._to_rasa(update.effective_chat.id, update.message.text)

    async def _tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()
        chat_id = update.effective_chat.id
        if (query.data or "").startswith("bc:"):
            await self._confirm_broadcast(update, query.data)
            return
        if query.data in (CONSENT_YES, CONSENT_NO):
            chat_users.set_consent(CHANNEL, str(chat_id), query.data == CONSENT_YES)
            text = "Cảm ơn bạn, tôi sẽ gửi thông báo khi cần." if query.data == CONSENT_YES else "Vâng, tôi sẽ không gửi thông báo."
            await update.effective_chat.send_message(text + " Bạn cần hỏi gì về OCOP cứ nhắn nhé.")
            return
        payload = self._payloads.get(query.data or "", query.data or "")
        await self._to_rasa(chat_id, payload)

    async def _not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_message(NOT_TEXT)

    async def _to_rasa(self, chat_id: int, text: str) -> None:
        try:
            replies = await self.rasa.send(f"{CHANNEL}:{chat_id}", text)
        except Exception:  # Rasa down: say so rather than stay silent
            logger.exception("Rasa did not answer")
            replies = [{"text": "Xin lỗi, hệ thống đang bận. Bạn nhắn lại sau ít phút nhé."}]
        await self.send(chat_id, replies)

    # --- sending ---------------------------------------------------------------------
    def _callback_data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= CALLBACK_LIMIT:
            return payload
        key = "p:" + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:20]
        self._payloads[key] = payload
        return key

    def _markup(self, buttons: List[Dict[str, Any]]) -> Optional[InlineKeyboardMarkup]:
        if not buttons:
            return None
        rows = [[InlineKeyboardButton(b.get("title", ""), callback_data=self._callback_data(b.get("payload", "")))]
                for b in buttons]
        return InlineKeyboardMarkup(rows)

    async def send(self, chat_id: int, messages: Messages) -> None:
        """Rasa's messages to one chat: text, and buttons as an inline keyboard."""
        for message in messages:
            text = message.get("text") or ""
            if not text and not message.get("buttons"):
                continue
            try:
                await self.application.bot.send_message(
                    chat_id, text or "…", reply_markup=self._markup(message.get("buttons") or []))
            except Forbidden as error:
                chat_users.mark_blocked(CHANNEL, str(chat_id))
                raise BlockedByUser(str(error)) from error
            except TimedOut as error:
                raise DeliveryUnknown(str(error)) from error
            except RetryAfter as error:
                wait = error.retry_after
                raise RetryLater(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)) from error

    def register_push(self, loop: asyncio.AbstractEventLoop) -> None:
        """Let other threads (the scheduler) push through this channel's event loop."""
        def deliver(user_id: str, messages: Messages) -> None:
            asyncio.run_coroutine_threadsafe(self.send(int(user_id), messages), loop).result(timeout=60)

        channels.register(CHANNEL, deliver)


def webhook_secret(token: str) -> str:
    """``TELEGRAM_WEBHOOK_SECRET``, or a stable one derived from the (secret) bot token."""
    return os.environ.get("TELEGRAM_WEBHOOK_SECRET") or hashlib.sha256(f"webhook:{token}".encode()).hexdigest()[:48]


async def serve_webhook(channel: TelegramChannel, url: str, secret: str, listen: str, port: int,
                        stop: asyncio.Event) -> None:
    """Receive updates by webhook: verify the secret header, queue the update, answer at once."""
    application = channel.application

    async def receive(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except Exception:  # noqa: BLE001 - any unreadable body
            update = None
        if update is None:
            return web.Response(status=400, text="bad update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post(urlsplit(url).path or "/", receive)
    runner = web.AppRunner(server)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    await application.start()
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    logger.info("Telegram webhook listening on %s:%s", listen, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await application.stop()
        await application.shutdown()
