"""A local fake of the Telegram Bot API, enough for python-telegram-bot to run unmodified.

It serves ``/bot<token>/<method>`` on 127.0.0.1: getMe, deleteWebhook,
getUpdates (long polling over a queue the test fills), sendMessage,
answerCallbackQuery and a few no-ops. Sent messages are recorded. Tests can
make the next calls of a method fail with 429 (``retry_after``), 5xx or 403.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
import time
from typing import Any, Dict, List, Optional

from aiohttp import web

from fakes.local_server import LocalServer

BOT = {"id": 777, "is_bot": True, "first_name": "Trợ lý OCOP", "username": "ocop_test_bot",
       "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


class FakeTelegram(LocalServer):
    def __init__(self, token: str = "123:TEST", failure_rates: Optional[Dict[Any, float]] = None, seed: int = 1,
                 slow_seconds: float = 8.0, send_delay: float = 0.0) -> None:
        """``failure_rates``: for sendMessage, the share of calls answered 429, 500 or 403
        (a chat answered 403 once stays blocked), or (key ``"timeout"``) recorded as
        delivered but answered only after ``slow_seconds``, past the client's timeout.
        ``send_delay``: seconds every sendMessage takes (a real round trip is about 0.25)."""
        super().__init__()
        self.send_delay = send_delay
        self.in_flight = 0
        self.most_in_flight = 0  # the most sendMessage calls answered at the same time
        self.token = token
        self.failure_rates = failure_rates or {}
        self.slow_seconds = slow_seconds
        self._random = random.Random(seed)
        self.blocked: set = set()
        self.attempts: List[float] = []
        self.sent: List[Dict[str, Any]] = []
        self.calls: List[tuple] = []
        self.failures: Dict[str, List[Dict[str, Any]]] = {}
        self._updates: List[Dict[str, Any]] = []
        # Telegram's update ids are large numbers of its own; two fakes of one test run never share one.
        self._update_ids = itertools.count(random.SystemRandom().randrange(10**8, 10**9, 10**5))
        self._message_ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._wake = asyncio.Event()

    # --- the test's side ---------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    def _message(self, chat_id: int, **body: Any) -> Dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"}, "from": self._user(chat_id), **body}

    @staticmethod
    def _user(chat_id: int) -> Dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "Lan"}

    def user_says(self, chat_id: int, text: str, edited: bool = False, update_id: Optional[int] = None) -> int:
        message = self._message(chat_id, text=text)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._queue({"edited_message" if edited else "message": message}, update_id)

    def member_says_in_group(self, group_id: int, user_id: int, text: str) -> int:
        """A message in a group chat (``group_id`` is negative, as Telegram's are)."""
        message = self._message(group_id, text=text)
        message["chat"] = {"id": group_id, "type": "group", "title": "Nhóm HTX"}
        message["from"] = self._user(user_id)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._queue({"message": message})

    def user_says_twice(self, chat_id: int, text: str) -> None:
        """The same update delivered twice in one batch (as after a network retry)."""
        with self._lock:
            update = {"update_id": next(self._update_ids), "message": self._message(chat_id, text=text)}
            self._updates.extend([update] * 2)

    def user_sends_photo(self, chat_id: int) -> int:
        photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
        return self._queue({"message": self._message(chat_id, photo=photo)})

    def user_taps(self, chat_id: int, data: str) -> int:
        query = {"id": str(next(self._message_ids)), "from": self._user(chat_id), "chat_instance": "1", "data": data,
                 "message": {"message_id": 1, "date": int(time.time()),
                             "chat": {"id": chat_id, "type": "private"}, "text": "…"}}
        return self._queue({"callback_query": query})

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                mine = [m for m in self.sent if int(m["chat_id"]) == chat_id]
            if len(mine) >= count:
                return mine
            time.sleep(0.05)
        raise TimeoutError(f"only {len(mine)} of {count} messages to {chat_id}: {mine}")

    # --- the server --------------------------------------------------------------
    def users_say(self, messages: List[tuple]) -> None:
        """(chat id, text) pairs, all in the next ``getUpdates`` batch, in this order."""
        with self._lock:
            for chat_id, text in messages:
                self._updates.append({"update_id": next(self._update_ids),
                                      "message": self._message(chat_id, text=text)})
        self._loop.call_soon_threadsafe(self._wake.set)

    def _queue(self, body: Dict[str, Any], update_id: Optional[int] = None) -> int:
        with self._lock:
            update = {"update_id": update_id if update_id is not None else next(self._update_ids), **body}
            self._updates.append(update)
        self._loop.call_soon_threadsafe(self._wake.set)  # answer a waiting getUpdates at once
        return update["update_id"]

    async def _params(self, request: web.Request) -> Dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        data = dict(await request.post())
        return {k: (json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v) for k, v in data.items()}

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        failure = self.failures.get(method, [])
        if failure and method != "getUpdates":
            error = failure.pop(0)
            return web.json_response({"ok": False, **error}, status=error["error_code"])
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "getMe":
            return self._ok(BOT)
        if method == "sendMessage":
            error = self._injected(int(params["chat_id"]))
            if error == "timeout":
                with self._lock:
                    self.sent.append({**params, "_received_at": time.monotonic()})
                await asyncio.sleep(self.slow_seconds)  # the client gave up long ago
                return self._ok({"message_id": next(self._message_ids), "date": int(time.time()),
                                 "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": ""})
            if error is not None:
                return web.json_response({"ok": False, **error}, status=error["error_code"])
            if self.send_delay:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await asyncio.sleep(self.send_delay)
                self.in_flight -= 1
            params["_received_at"] = time.monotonic()
            with self._lock:
                self.sent.append(params)
            chat = {"id": int(params["chat_id"]), "type": "private"}
            return self._ok({"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                             "text": params.get("text", "")})
        return self._ok(True)  # deleteWebhook, answerCallbackQuery, setMyCommands, close …

    def _injected(self, chat_id: int) -> Any:
        with self._lock:
            self.attempts.append(time.monotonic())
            if chat_id in self.blocked:
                return {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            draw = self._random.random()
        for code, rate in sorted(self.failure_rates.items(), key=str):
            if draw < rate:
                if code == "timeout":
                    return "timeout"
                if code == 403:
                    self.blocked.add(chat_id)
                    return {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}
                if code == 429:
                    return {"error_code": 429, "description": "Too Many Requests: retry after 1",
                            "parameters": {"retry_after": 1}}
                return {"error_code": code, "description": "Internal Server Error"}
            draw -= rate
        return None

    async def _get_updates(self, params: Dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            self._wake.clear()
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0:
                return self._ok(ready)
            try:
                await asyncio.wait_for(self._wake.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})
