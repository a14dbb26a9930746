"""Zalo Official Account: a signed webhook in, the OA message API out, tokens refreshed safely.

Platform plumbing only; the bridge decides what to answer.

* Webhook (``ZALO_OA_WEBHOOK_PORT``, path ``/zalo-oa``): each request must carry
  ``X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp + secret key)>``;
  a bad or missing signature gets 403, an unreadable body 400, and neither
  changes anything. ``user_send_text`` events go to the bridge; other message
  events get its polite reply.
* Replies: the OA "customer service" message API with the access token. When
  Zalo says the token expired, it is refreshed and the new pair stored by
  compare-and-swap (``bot/channels/zalo_oa_tokens.py``).
* Pushes (reminders, announcements) are only possible inside Zalo's reply
  window after the user last wrote (``ZALO_OA_REPLY_WINDOW_HOURS``, default
  168); outside it ``push`` raises ``NeedsTemplate`` without calling Zalo.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import time
from typing import Any, Dict, Optional

import httpx
from aiohttp import web

from bot.channels.base import Channel
from bot.channels.bridge import Bridge
from bot.channels.render import Piece
from bot.channels.webhook import WebhookServer, same_secret
from bot.channels.zalo_oa_tokens import OaTokens
from bot.rasa_client import Messages
from ocop.outbox import NeedsTemplate
from ocop.settings import Settings, ZaloOaSettings
from ocop.storage import chat_users
from ocop.storage.db import Database
from ocop.vietnam_time import as_utc

logger = logging.getLogger(__name__)

API_BASE = "https://openapi.zalo.me"
OAUTH_BASE = "https://oauth.zaloapp.com"
PATH = "/zalo-oa"
MAX_EVENT_AGE = 300  # seconds: older events are replays or stale redeliveries
STOP_TIMEOUT = 10.0  # seconds for the events in progress to be answered
TOKEN_EXPIRED = (-216, -124)  # Zalo's "access token invalid/expired" codes


def signature(app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


class ZaloOaChannel(Channel):
    name = "zalooa"
    title = "Zalo"
    buttons = False
    max_length = 2000

    def __init__(self, settings: ZaloOaSettings, db: Database, bridge: Bridge) -> None:
        super().__init__(db)
        self.settings = settings
        self.bridge = bridge
        self.api_base = (settings.api_base_url or API_BASE).rstrip("/")
        self.oauth_base = (settings.oauth_base_url or OAUTH_BASE).rstrip("/")
        self.window = dt.timedelta(hours=settings.reply_window_hours)
        self.tokens = OaTokens(db)
        self._http = httpx.AsyncClient(timeout=30)
        self._refreshing = asyncio.Lock()
        self._webhook = WebhookServer(settings.webhook_listen, settings.webhook_port, PATH, self.receive)

    # --- running -----------------------------------------------------------------------
    async def start(self, receive: bool = True) -> None:
        await asyncio.to_thread(self.tokens.seed, self.settings.refresh_token)
        if receive:
            await self._webhook.start()

    async def stop(self) -> None:
        await self._webhook.stop()
        await self.order.drain(STOP_TIMEOUT)
        await self._http.aclose()

    # --- tokens ------------------------------------------------------------------------
    async def refresh(self, seen_refresh_token: str) -> str:
        """A new access token; the new refresh token replaces the one we used, atomically."""
        async with self._refreshing:
            current = await asyncio.to_thread(self.tokens.current)
            if current.refresh_token != seen_refresh_token and current.access_token:
                return current.access_token  # someone refreshed meanwhile
            response = await self._http.post(
                f"{self.oauth_base}/v4/oa/access_token", headers={"secret_key": self.settings.secret_key or ""},
                data={"refresh_token": current.refresh_token, "app_id": self.settings.app_id,
                      "grant_type": "refresh_token"})
            body = response.json()
            if "access_token" not in body:
                raise RuntimeError(f"Zalo OA token refresh refused: {body.get('error_name') or body.get('error')}")
            expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=int(body.get("expires_in", 3600)))
            swapped = await asyncio.to_thread(self.tokens.swap, current.refresh_token, body["access_token"],
                                              body["refresh_token"], expires)
            if not swapped:  # another process stored a newer pair first: use theirs
                return (await asyncio.to_thread(self.tokens.current)).access_token or ""
            logger.info("Zalo OA access token refreshed")
            return body["access_token"]

    # --- sending -----------------------------------------------------------------------
    async def send_piece(self, user_id: str, piece: Piece) -> None:
        token = await asyncio.to_thread(self.tokens.current)
        access = token.access_token or await self.refresh(token.refresh_token)
        for attempt in range(2):
            response = await self._http.post(
                f"{self.api_base}/v3.0/oa/message/cs", headers={"access_token": access},
                json={"recipient": {"user_id": user_id}, "message": {"text": piece.text}})
            body = response.json()
            if body.get("error") in TOKEN_EXPIRED and attempt == 0:
                access = await self.refresh(token.refresh_token)
                continue
            if body.get("error", 0) != 0:
                raise RuntimeError(f"Zalo OA message refused: {body.get('message')}")
            return

    async def can_push(self, user_id: str) -> bool:
        """Inside the reply window since the user's last message."""
        last = await asyncio.to_thread(chat_users.last_inbound, self.db, self.name, user_id)
        return last is not None and dt.datetime.now(dt.timezone.utc) - as_utc(last) <= self.window

    async def push(self, user_id: str, messages: Messages) -> None:
        if not await self.can_push(user_id):
            raise NeedsTemplate("outside Zalo's reply window")
        await self.send(user_id, messages)

    # --- receiving ---------------------------------------------------------------------
    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            event: Dict[str, Any] = json.loads(body)
            timestamp = str(event["timestamp"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="bad event")
        expected = signature(self.settings.app_id or "", body, timestamp, self.settings.secret_key or "")
        if not same_secret(request.headers.get("X-ZEvent-Signature", ""), expected):
            return web.Response(status=403, text="bad signature")
        msg_id = str((event.get("message") or {}).get("msg_id") or "")
        if _age_seconds(timestamp) > MAX_EVENT_AGE or (msg_id and not await self.first_time(msg_id)):
            return web.Response(text="ok")  # a replay or a stale redelivery: acknowledged, not answered
        user_id = str((event.get("sender") or {}).get("id") or "")
        name = event.get("event_name", "")
        if user_id and name.startswith("user_send_"):
            self.order.run(user_id, self._answer(user_id, name, event))
        return web.Response(text="ok")

    async def _answer(self, user_id: str, name: str, event: Dict[str, Any]) -> None:
        """After the user's earlier events (``ChatOrder``): note the contact, then reply."""
        try:
            await asyncio.to_thread(chat_users.touch_inbound, self.db, self.name, user_id)
            if name != "user_send_text":
                await self.bridge.not_text(self, user_id)
                return
            await self.bridge.receive(self, user_id, (event.get("message") or {}).get("text", ""))
        except Exception:  # logged; Zalo does not redeliver
            logger.exception("Zalo OA reply failed")


def _age_seconds(timestamp: str) -> float:
    """How old an event is; Zalo stamps it in milliseconds. An unreadable stamp counts as too old."""
    try:
        sent = float(timestamp)
    except ValueError:
        return float("inf")
    return time.time() - (sent / 1000 if sent > 1e11 else sent)


def from_settings(settings: Settings, db: Database, bridge: Bridge) -> Optional[Channel]:
    """The channel when ``ZALO_OA_APP_ID`` is set."""
    return ZaloOaChannel(settings.zalo_oa, db, bridge) if settings.zalo_oa.app_id else None
