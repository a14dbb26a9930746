"""A small client of the Rasa server: its channels and its HTTP API, each with its secret.

Everything outside Rasa talks to it through here: the terminal chat, the
channels of the bot process, the reminder pushes, the tests and the
benchmarks. ``Messages`` is Rasa's reply format, shared by everything that
produces or shows replies.

* ``send``: the REST channel (``make chat``, tests, evaluations); its callers
  are REST identities (conversation ``rest:<sender>``).
* ``send_as``: the bot process's own channel, ``ocop_bot``, with
  ``BOT_CHANNEL_SECRET``: the platform and chat id the bot process vouches for.
* ``parse``, ``trigger_intent``: Rasa's HTTP API, with a JWT signed
  with ``RASA_JWT_SECRET`` (``rasa_server`` starts Rasa with it).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx
import jwt

DEFAULT_URL = "http://127.0.0.1:5005"

Messages = List[Dict[str, Any]]  # [{"text": …, "buttons": [{"title": …, "payload": …}]}]
BOT_CHANNEL_WEBHOOK = "/webhooks/ocop_bot/webhook"


def api_headers(jwt_secret: Optional[str]) -> Dict[str, str]:
    """The Authorization header for Rasa's HTTP API: a JWT with the admin role, signed with the secret."""
    if not jwt_secret:
        return {}
    token = jwt.encode({"user": {"username": "ocop", "role": "admin"}}, jwt_secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


class RasaClient:
    """Send messages to Rasa's REST channel and texts to ``/model/parse``."""

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 30.0, jwt_secret: Optional[str] = None) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self._api = api_headers(jwt_secret)

    def send(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """One user message in; the bot's replies (text, buttons …) out."""
        payload: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        response = self._http.post("/webhooks/rest/webhook", json=payload)
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> Dict[str, Any]:
        """The NLU result for ``text``: intent, ranking and entities."""
        response = self._http.post("/model/parse", json={"text": text}, headers=self._api)
        response.raise_for_status()
        return response.json()

    def status(self) -> Dict[str, Any]:
        response = self._http.get("/status", headers=self._api)
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "RasaClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncRasaClient:
    """The REST channel and the conversations API for the bot process's event loop."""

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 30.0, jwt_secret: Optional[str] = None,
                 bot_channel_secret: Optional[str] = None) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._api = api_headers(jwt_secret)
        self._channel = {"Authorization": f"Bearer {bot_channel_secret}"} if bot_channel_secret else {}

    async def send_as(self, channel: str, user_id: str, text: str) -> Messages:
        """One message of a platform's chat, through the bot process's own channel; the replies."""
        response = await self._http.post(BOT_CHANNEL_WEBHOOK, headers=self._channel,
                                         json={"channel": channel, "user_id": user_id, "message": text})
        response.raise_for_status()
        return response.json()

    async def trigger_intent(self, sender: str, intent: str, entities: Dict[str, Any]) -> Messages:
        """Trigger ``intent`` with ``entities`` on the conversation (created when new); the bot's messages."""
        response = await self._http.post(f"/conversations/{sender}/trigger_intent",
                                         json={"name": intent, "entities": entities}, headers=self._api)
        response.raise_for_status()
        return response.json().get("messages") or []

    async def append_bot_message(self, sender: str, text: str) -> None:
        """Record in the conversation a message the bot delivered on an officer's behalf."""
        response = await self._http.post(f"/conversations/{sender}/tracker/events", headers=self._api,
                                         json={"event": "bot", "text": text, "metadata": {"from_officer": True}})
        response.raise_for_status()

    async def close(self) -> None:
        await self._http.aclose()
