"""A local fake of the Zalo Bot Platform API: getUpdates (one update per call), sendMessage."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Dict, List

from aiohttp import web

from fakes.local_server import LocalServer


class FakeZalo(LocalServer):
    def __init__(self, token: str = "999:ZALO") -> None:
        super().__init__()
        self.token = token
        self.sent: List[Dict[str, Any]] = []
        self.calls: List[tuple] = []
        self._updates: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        self.failing_sends = 0  # the next this many sendMessage calls get a 500

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)

    def user_says(self, chat_id: str, text: str) -> None:
        self._push("message.text.received", chat_id, {"text": text})

    def user_says_twice(self, chat_id: str, text: str) -> None:
        """The same update delivered twice, as a platform may after a timeout."""
        self._push("message.text.received", chat_id, {"text": text}, copies=2)

    def user_sends_sticker(self, chat_id: str) -> None:
        self._push("message.sticker.received", chat_id, {"sticker": "abc"})

    def _push(self, event: str, chat_id: str, body: Dict[str, Any], copies: int = 1) -> None:
        message = {"message_id": str(time.time_ns()), "from": {"id": chat_id, "name": "Lan"},
                   "chat": {"id": chat_id, "chat_type": "PRIVATE"}, "date": int(time.time() * 1000), **body}
        with self._lock:
            self._updates.extend({"event_name": event, "message": dict(message)} for _ in range(copies))

    def wait_for_messages(self, chat_id: str, count: int, timeout: float = 30.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                mine = [m for m in self.sent if m["chat_id"] == chat_id]
            if len(mine) >= count:
                return mine
            time.sleep(0.05)
        raise TimeoutError(f"only {len(mine)} of {count} messages to {chat_id}")

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method, params = request.match_info["method"], await request.json()
        self.calls.append((method, params))
        if method == "getUpdates":
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            while time.monotonic() < deadline:
                with self._lock:
                    if self._updates:
                        return web.json_response({"ok": True, "result": self._updates.pop(0)})
                await asyncio.sleep(0.02)
            return web.json_response({"ok": False, "error_code": 408, "description": "Request timeout"})
        if method == "sendMessage":
            if self.failing_sends > 0:
                self.failing_sends -= 1
                return web.json_response({"ok": False, "error_code": 500, "description": "Internal error"}, status=500)
            if len(params.get("text", "")) > 2000:
                return web.json_response({"ok": False, "error_code": 400, "description": "text too long"}, status=400)
            with self._lock:
                self.sent.append(params)
            return web.json_response({"ok": True, "result": {"message_id": str(time.time_ns())}})
        return web.json_response({"ok": True, "result": True})
