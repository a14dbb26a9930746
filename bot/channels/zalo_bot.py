"""Zalo through the Zalo Bot Platform (a Telegram-like Bot API), with httpx.

Long polling of ``getUpdates``; each text message goes to Rasa as sender
``zalo:<chat id>``. Zalo has no buttons, so Rasa's buttons become a numbered
list under the text and a reply "1", "2" … sends that option's payload.
``sendMessage`` takes at most 2,000 characters: longer replies are split on
line breaks. Non-text messages (photos, stickers …) get a polite reply. The
channel knows nothing of OCOP.

Settings: ``ZALO_BOT_TOKEN`` (turns the channel on), ``ZALO_BOT_API_BASE_URL``
(default https://bot-api.zaloplatforms.com). Long polling by default; with
``ZALO_BOT_WEBHOOK_URL`` the channel registers it (``setWebhook`` with a
secret token: ``ZALO_BOT_WEBHOOK_SECRET`` or one derived from the bot token)
and serves it on ``ZALO_BOT_WEBHOOK_LISTEN``:``ZALO_BOT_WEBHOOK_PORT``
(127.0.0.1:8445); requests without the ``X-Bot-Api-Secret-Token`` header get
403, unreadable ones 400.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import threading
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

import httpx
from aiohttp import web

from bot import channels
from ocop.outbox import BlockedByUser, DeliveryUnknown, RetryLater
from bot.channels import Messages
from bot.rasa_client import AsyncRasaClient
from ocop.storage import chat_users

logger = logging.getLogger(__name__)

CHANNEL = "zalo"
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
MAX_TEXT = 2000
NOT_TEXT = "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Bạn gõ câu hỏi giúp tôi nhé (có dấu hay không dấu đều được)."


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks (or spaces) when possible."""
    pieces: List[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


class ZaloBotChannel:
    def __init__(self, token: str, rasa_url: str, base_url: Optional[str] = None) -> None:
        self._url = f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/bot{token}"
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(40.0, connect=10.0))
        self.rasa = AsyncRasaClient(rasa_url)
        self._options: Dict[str, List[str]] = {}  # chat id → payloads of the last numbered list

    async def _call(self, method: str, **params: Any) -> Any:
        try:
            response = await self._http.post(f"{self._url}/{method}", json=params)
        except httpx.ReadTimeout as error:
            if method == "sendMessage":
                raise DeliveryUnknown(str(error)) from error
            raise
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if body.get("error_code") == 408:  # long poll ended without an update
            return None
        if response.status_code == 429 or body.get("error_code") == 429:
            raise RetryLater(float((body.get("parameters") or {}).get("retry_after", 1)))
        if response.status_code == 403 or body.get("error_code") == 403:
            raise BlockedByUser(body.get("description", "forbidden"))
        response.raise_for_status()
        if not body.get("ok", False):
            raise RuntimeError(body.get("description", "Zalo Bot API error"))
        return body.get("result")

    # --- receiving -------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Long-poll until ``stop`` is set."""
        while not stop.is_set():
            try:
                result = await self._call("getUpdates", timeout="30")
            except (httpx.HTTPError, RuntimeError, RetryLater) as error:
                logger.warning("Zalo getUpdates failed: %s", type(error).__name__)
                await asyncio.sleep(2)
                continue
            for update in result if isinstance(result, list) else [result] if result else []:
                try:
                    await self.handle(update)
                except Exception:  # noqa: BLE001 - one bad update must not stop the channel
                    logger.exception("Zalo update not handled")

    async def handle(self, update: Dict[str, Any]) -> None:
        message = update.get("message") or {}
        chat_id = str((message.get("chat") or {}).get("id") or (message.get("from") or {}).get("id") or "")
        if not chat_id:
            return
        if update.get("event_name") != "message.text.received" or not message.get("text"):
            await self.send(chat_id, [{"text": NOT_TEXT}])
            return
        text = message["text"].strip()
        if text.lower() in ("/start", "start", "bắt đầu"):
            chat_users.register(CHANNEL, chat_id)
        options = self._options.get(chat_id) or []
        if text.isdigit() and 1 <= int(text) <= len(options):
            text = options[int(text) - 1]
        try:
            replies = await self.rasa.send(f"{CHANNEL}:{chat_id}", text)
        except Exception:  # noqa: BLE001 - Rasa down: say so
            logger.exception("Rasa did not answer")
            replies = [{"text": "Xin lỗi, hệ thống đang bận. Bạn nhắn lại sau ít phút nhé."}]
        await self.send(chat_id, replies)

    # --- sending ---------------------------------------------------------------------
    async def send(self, chat_id: str, messages: Messages) -> None:
        """Rasa's messages to one chat; buttons as a numbered list, long texts split."""
        for message in messages:
            text = message.get("text") or ""
            buttons = message.get("buttons") or []
            if buttons:
                self._options[chat_id] = [b.get("payload", "") for b in buttons]
                listing = "\n".join(f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, start=1))
                text = f"{text}\n\n{listing}\n(Trả lời bằng số thứ tự)".strip()
            for piece in split_text(text):
                try:
                    await self._call("sendMessage", chat_id=chat_id, text=piece)
                except BlockedByUser:
                    chat_users.mark_blocked(CHANNEL, chat_id)
                    raise

    async def serve_webhook(self, url: str, secret: str, listen: str, port: int, stop: asyncio.Event) -> None:
        """Webhook mode: register ``url`` with Zalo, then answer each signed update."""
        async def receive(request: web.Request) -> web.Response:
            if not hmac.compare_digest(request.headers.get("X-Bot-Api-Secret-Token", ""), secret):
                return web.Response(status=403, text="forbidden")
            try:
                body = await request.json()
            except ValueError:
                body = None
            update = body.get("result", body) if isinstance(body, dict) else None
            if not isinstance(update, dict) or not isinstance(update.get("message"), dict):
                return web.Response(status=400, text="bad update")
            asyncio.get_running_loop().create_task(self.handle(update))
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post(urlsplit(url).path or "/", receive)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        await self._call("setWebhook", url=url, secret_token=secret)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    def start_in_thread(self, stop: threading.Event, token: str) -> None:
        """Poll (or serve the webhook) on an event loop of its own; pushes go through it too."""
        url = os.environ.get("ZALO_BOT_WEBHOOK_URL")
        if url:
            secret = os.environ.get("ZALO_BOT_WEBHOOK_SECRET") or hashlib.sha256(f"zalo:{token}".encode()).hexdigest()[:48]
            listen = os.environ.get("ZALO_BOT_WEBHOOK_LISTEN", "127.0.0.1")
            port = int(os.environ.get("ZALO_BOT_WEBHOOK_PORT", "8445"))
            channels.run_in_thread(CHANNEL, lambda stopping: self.serve_webhook(url, secret, listen, port, stopping),
                                   stop, push=self.send)
        else:
            channels.run_in_thread(CHANNEL, self.run, stop, push=self.send)
