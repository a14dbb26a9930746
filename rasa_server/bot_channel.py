"""The bot process's own input channel: the platform and the chat come from a caller that proved itself.

``POST /webhooks/ocop_bot/webhook`` with ``Authorization: Bearer <secret>``
(``BOT_CHANNEL_SECRET``, given in ``credentials.yml`` as
``secret: ${BOT_CHANNEL_SECRET}``) and ``{"channel": "telegram", "user_id":
"123", "message": "…"}``. The conversation id is ``telegram:123``, the input
channel ``telegram`` and the metadata names both, so actions know whose
conversation it is. Without the secret: 401; a malformed body: 400.
"""

from __future__ import annotations

import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_server.messages import MAX_ID_LENGTH, handle, json_object, text_field

PLATFORMS = ("telegram", "zalo", "zalooa")


class BotInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "ocop_bot"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "BotInput":
        secret = str((credentials or {}).get("secret") or "")
        if len(secret) < 16:
            raise ValueError("ocop_bot needs a secret of at least 16 characters (BOT_CHANNEL_SECRET)")
        return cls(secret)

    def __init__(self, secret: Text) -> None:
        self._expected = f"Bearer {secret}".encode()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("ocop_bot_webhook", __name__)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), self._expected):
                return response.json({"error": "unauthorised"}, status=401)
            body = json_object(request)
            channel = text_field(body, "channel")
            if channel not in PLATFORMS:
                raise InvalidUsage(f"'channel' must be one of {', '.join(PLATFORMS)}")
            user_id = text_field(body, "user_id", MAX_ID_LENGTH)
            text = text_field(body, "message")
            metadata = {"channel": channel, "user_id": user_id}
            return response.json(await handle(on_new_message, text, f"{channel}:{user_id}", channel, metadata))

        return webhook
