"""Zalo Official Account: a signed webhook in, the OA message API out, tokens refreshed safely.

* Webhook (``ZALO_OA_WEBHOOK_PORT``, path ``/zalo-oa``): each request must carry
  ``X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp + secret key)>``;
  a bad or missing signature gets 403, an unreadable body 400, and neither
  changes anything. ``user_send_text`` events go to Rasa as sender
  ``zalooa:<user id>``; other message events get a polite reply.
* Replies: the OA "customer service" message API with the access token. When
  Zalo says the token expired, it is refreshed with the refresh token and the
  new pair is stored in one compare-and-swap update, so two processes never
  overwrite each other's newer token.
* Pushes (reminders, announcements) are only possible inside Zalo's reply
  window after the user last wrote (``ZALO_OA_REPLY_WINDOW_HOURS``, default
  168); outside it the delivery is marked "needs template" for officers
  instead of being attempted.

Settings: ``ZALO_OA_APP_ID``, ``ZALO_OA_SECRET_KEY``, ``ZALO_OA_REFRESH_TOKEN``
(the first refresh token; afterwards the stored one is used),
``ZALO_OA_API_BASE_URL``, ``ZALO_OA_OAUTH_BASE_URL``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from typing import Any, Dict, Optional

import httpx
from aiohttp import web
from sqlalchemy import select, update

from bot.channels import Messages, NeedsTemplate
from bot.rasa_client import AsyncRasaClient
from ocop.storage.db import session_scope
from ocop.storage.models import ChatUser, OaToken
from ocop.storage.chat_users import get_or_create_chat_user

logger = logging.getLogger(__name__)

CHANNEL = "zalooa"
API_BASE = "https://openapi.zalo.me"
OAUTH_BASE = "https://oauth.zaloapp.com"
TOKEN_EXPIRED = (-216, -124)  # Zalo's "access token invalid/expired" codes
NOT_TEXT = "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Bạn gõ câu hỏi giúp tôi nhé."


def signature(app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


class ZaloOaChannel:
    def __init__(self, app_id: str, secret: str, rasa_url: str, api_base: Optional[str] = None,
                 oauth_base: Optional[str] = None, first_refresh_token: Optional[str] = None,
                 url: Optional[str] = None) -> None:
        self.app_id, self.secret, self.url = app_id, secret, url
        self.api_base = (api_base or API_BASE).rstrip("/")
        self.oauth_base = (oauth_base or OAUTH_BASE).rstrip("/")
        self.window = dt.timedelta(hours=float(os.environ.get("ZALO_OA_REPLY_WINDOW_HOURS", "168")))
        self.rasa = AsyncRasaClient(rasa_url)
        self._http = httpx.AsyncClient(timeout=30)
        self._refreshing = asyncio.Lock()
        if first_refresh_token:
            with session_scope(url) as session:
                if session.execute(select(OaToken.id)).first() is None:
                    session.add(OaToken(id=1, refresh_token=first_refresh_token))

    # --- tokens ------------------------------------------------------------------------
    def _stored(self) -> OaToken:
        with session_scope(self.url) as session:
            return session.execute(select(OaToken).where(OaToken.id == 1)).scalar_one()

    async def refresh(self, seen_refresh_token: str) -> str:
        """A new access token; the new refresh token replaces the one we used, atomically."""
        async with self._refreshing:
            current = self._stored()
            if current.refresh_token != seen_refresh_token and current.access_token:
                return current.access_token  # someone refreshed meanwhile
            response = await self._http.post(
                f"{self.oauth_base}/v4/oa/access_token", headers={"secret_key": self.secret},
                data={"refresh_token": current.refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"})
            body = response.json()
            if "access_token" not in body:
                raise RuntimeError(f"Zalo OA token refresh refused: {body.get('error_name') or body.get('error')}")
            expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=int(body.get("expires_in", 3600)))
            with session_scope(self.url) as session:
                swapped = session.execute(
                    update(OaToken).where(OaToken.id == 1, OaToken.refresh_token == current.refresh_token)
                    .values(access_token=body["access_token"], refresh_token=body["refresh_token"], expires_at=expires)
                ).rowcount
            if not swapped:  # another process stored a newer pair first: use theirs
                return self._stored().access_token
            logger.info("Zalo OA access token refreshed")
            return body["access_token"]

    async def _send_text(self, user_id: str, text: str) -> None:
        token = self._stored()
        access = token.access_token or await self.refresh(token.refresh_token)
        for attempt in range(2):
            response = await self._http.post(
                f"{self.api_base}/v3.0/oa/message/cs", headers={"access_token": access},
                json={"recipient": {"user_id": user_id}, "message": {"text": text[:2000]}})
            body = response.json()
            if body.get("error") in TOKEN_EXPIRED and attempt == 0:
                access = await self.refresh(token.refresh_token)
                continue
            if body.get("error", 0) != 0:
                raise RuntimeError(f"Zalo OA message refused: {body.get('message')}")
            return

    # --- sending -----------------------------------------------------------------------
    async def send(self, user_id: str, messages: Messages) -> None:
        for message in messages:
            text = message.get("text") or ""
            buttons = message.get("buttons") or []
            if buttons:
                text += "\n\n" + "\n".join(f"• {b.get('title', '')}" for b in buttons)
            if text.strip():
                await self._send_text(user_id, text)

    def can_push(self, user_id: str) -> bool:
        """Inside the reply window since the user's last message."""
        with session_scope(self.url) as session:
            last = session.execute(select(ChatUser.last_inbound_at).where(
                ChatUser.channel == CHANNEL, ChatUser.user_id == user_id)).scalar_one_or_none()
        if last is None:
            return False
        if last.tzinfo is None:
            last = last.replace(tzinfo=dt.timezone.utc)
        return dt.datetime.now(dt.timezone.utc) - last <= self.window

    async def push(self, user_id: str, messages: Messages) -> None:
        if not self.can_push(user_id):
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
        expected = signature(self.app_id, body, timestamp, self.secret)
        if not hmac.compare_digest(request.headers.get("X-ZEvent-Signature", ""), expected):
            return web.Response(status=403, text="bad signature")
        user_id = str((event.get("sender") or {}).get("id") or "")
        name = event.get("event_name", "")
        if user_id and name.startswith("user_send_"):
            with session_scope(self.url) as session:
                get_or_create_chat_user(session, CHANNEL, user_id).last_inbound_at = dt.datetime.now(dt.timezone.utc)
            asyncio.get_running_loop().create_task(self._answer(user_id, name, event))
        return web.Response(text="ok")

    async def _answer(self, user_id: str, name: str, event: Dict[str, Any]) -> None:
        try:
            if name != "user_send_text":
                await self.send(user_id, [{"text": NOT_TEXT}])
                return
            replies = await self.rasa.send(f"{CHANNEL}:{user_id}", (event.get("message") or {}).get("text", ""))
            await self.send(user_id, replies)
        except Exception:  # noqa: BLE001 - logged; Zalo does not redeliver
            logger.exception("Zalo OA reply failed")

    async def serve(self, listen: str, port: int, stop: asyncio.Event) -> None:
        app = web.Application()
        app.router.add_post("/zalo-oa", self.receive)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        logger.info("Zalo OA webhook listening on %s:%s", listen, port)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
