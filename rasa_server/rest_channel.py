"""Rasa's REST channel for ``make chat``, integrations and evaluations, whose callers are REST identities only.

``POST /webhooks/rest/webhook`` with ``{"sender": "…", "message": "…"}``
answers with Rasa's replies as a JSON list, like Rasa's own ``rest`` channel,
except that the conversation id is always ``rest:<sender>`` and the input
channel always ``rest``: what a caller writes in the body never makes it
another channel's user. It listens where Rasa listens (127.0.0.1 by default).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_server.messages import MAX_ID_LENGTH, handle, json_object, text_field

CHANNEL = "rest"


class LoopbackRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("ocop_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = json_object(request)
            sender = text_field(body, "sender", MAX_ID_LENGTH)
            text = text_field(body, "message")
            return response.json(await handle(on_new_message, text, f"{CHANNEL}:{sender}", CHANNEL, None))

        return webhook
