"""A local fake of the Zalo OA APIs: the message API (checks the access token) and token refresh."""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional

from aiohttp import web

from fakes.local_server import LocalServer


class FakeZaloOa(LocalServer):
    def __init__(self, first_refresh_token: str = "r1") -> None:
        super().__init__()
        self.sent: List[Dict[str, Any]] = []
        self.refresh_token = first_refresh_token
        self.access_token: Optional[str] = None
        self.refreshes = 0
        self._numbers = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3.0/oa/message/cs", self._message)
        app.router.add_post("/v4/oa/access_token", self._refresh)

    def expire_access_token(self) -> None:
        self.access_token = None

    async def _message(self, request: web.Request) -> web.Response:
        if not self.access_token or request.headers.get("access_token") != self.access_token:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        self.sent.append({"user_id": body["recipient"]["user_id"], "text": body["message"]["text"]})
        return web.json_response({"error": 0, "message": "Success", "data": {"message_id": "m"}})

    async def _refresh(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("refresh_token") != self.refresh_token or form.get("grant_type") != "refresh_token":
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
        number = next(self._numbers)
        self.refreshes += 1
        self.access_token, self.refresh_token = f"a{number}", f"r{number + 1}"
        return web.json_response({"access_token": self.access_token, "refresh_token": self.refresh_token,
                                  "expires_in": "90000"})
