"""Zalo through the Zalo Bot Platform (a Telegram-like Bot API), with httpx.

Platform plumbing only; the bridge decides what to answer. Zalo shows no
buttons, so options arrive as a numbered list (``bot/channels/render.py``);
``sendMessage`` takes at most 2,000 characters. Text messages go to the
bridge; other events (photos, stickers …) get its polite reply.

Long polling of ``getUpdates`` by default, as a task on the bot process's
event loop. With ``ZALO_BOT_WEBHOOK_URL`` the channel registers the URL
(``setWebhook`` with a secret token) and serves it
(``bot/channels/webhook.py``): requests without the ``X-Bot-Api-Secret-Token``
header get 403, unreadable ones 400.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

import httpx
from aiohttp import web

from bot.channels.base import Channel
from bot.channels.bridge import Bridge
from bot.channels.render import Piece
from bot.channels.webhook import WebhookServer, has_secret, webhook_secret
from ocop.outbox import BlockedByUser, DeliveryUnknown, RetryLater
from ocop.settings import BotApiSettings, Settings
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_EVENT = "message.text.received"
POLL_SECONDS = 30
STOP_TIMEOUT = 10.0  # seconds for the updates in progress to be answered


class ZaloBotChannel(Channel):
    name = "zalo"
    title = "Zalo"
    buttons = False
    max_length = 2000

    def __init__(self, settings: BotApiSettings, db: Database, bridge: Bridge) -> None:
        super().__init__(db)
        self.settings = settings
        self.bridge = bridge
        self._url = f"{(settings.api_base_url or DEFAULT_BASE_URL).rstrip('/')}/bot{settings.token}"
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(POLL_SECONDS + 10.0, connect=10.0))
        self._polling: Optional[asyncio.Task] = None
        self._webhook: Optional[WebhookServer] = None

    # --- running ---------------------------------------------------------------------
    async def start(self, receive: bool = True) -> None:
        url = self.settings.webhook_url
        if not receive:
            logger.info("Zalo Bot channel ready to push (receiving is another process's)")
            return
        if url:
            self._webhook = WebhookServer(self.settings.webhook_listen, self.settings.webhook_port,
                                          urlsplit(url).path, self._receive_webhook)
            await self._webhook.start()
            await self._call("setWebhook", url=url, secret_token=self._secret())
        else:
            self._polling = asyncio.create_task(self._poll(), name="zalo-polling")
        logger.info("Zalo Bot channel running (%s)", "webhook" if url else "long polling")

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        if self._webhook is not None:
            await self._webhook.stop()
        await self.order.drain(STOP_TIMEOUT)
        await self._http.aclose()

    def _secret(self) -> str:
        return webhook_secret(self.settings.webhook_secret, self.settings.token or "", self.name)

    # --- the Bot API -----------------------------------------------------------------
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
    async def _poll(self) -> None:
        """Long-poll until cancelled."""
        while True:
            try:
                result = await self._call("getUpdates", timeout=str(POLL_SECONDS))
            except (httpx.HTTPError, RuntimeError, RetryLater) as error:
                logger.warning("Zalo getUpdates failed: %s", type(error).__name__)
                await asyncio.sleep(2)
                continue
            for update in result if isinstance(result, list) else [result] if result else []:
                self.order.run(chat_of(update), self.handle(update))

    async def _receive_webhook(self, request: web.Request) -> web.Response:
        if not has_secret(request, SECRET_HEADER, self._secret()):
            return web.Response(status=403, text="forbidden")
        try:
            body = await request.json()
        except ValueError:
            body = None
        update = body.get("result", body) if isinstance(body, dict) else None
        if not isinstance(update, dict) or not isinstance(update.get("message"), dict):
            return web.Response(status=400, text="bad update")
        self.order.run(chat_of(update), self.handle(update))
        return web.Response(text="ok")

    async def handle(self, update: Dict[str, Any]) -> None:
        """One update: text to the bridge, anything else gets the not-text reply."""
        message = update.get("message") or {}
        chat_id = chat_of(update)
        if not chat_id:
            return
        message_id = message.get("message_id")
        if message_id is not None and not await self.first_time(f"{chat_id}:{message_id}"):
            return  # delivered again: answered once already
        if update.get("event_name") != TEXT_EVENT or not message.get("text"):
            await self.bridge.not_text(self, chat_id)
            return
        await self.bridge.receive(self, chat_id, message["text"].strip())

    # --- sending ---------------------------------------------------------------------
    async def send_piece(self, user_id: str, piece: Piece) -> None:
        await self._call("sendMessage", chat_id=user_id, text=piece.text)


def chat_of(update: Dict[str, Any]) -> str:
    """The chat an update belongs to ("" when it names none)."""
    message = update.get("message") if isinstance(update.get("message"), dict) else {}
    return str((message.get("chat") or {}).get("id") or (message.get("from") or {}).get("id") or "")


def from_settings(settings: Settings, db: Database, bridge: Bridge) -> Optional[Channel]:
    """The channel when ``ZALO_BOT_TOKEN`` is set."""
    return ZaloBotChannel(settings.zalo_bot, db, bridge) if settings.zalo_bot.token else None
