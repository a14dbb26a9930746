"""A small client of the Rasa server's HTTP API (REST channel and parse API).

Everything outside Rasa talks to it through here: the terminal chat, the
channels of the bot process, the reminder pushes, the tests and the
benchmarks. ``Messages`` is Rasa's reply format, shared by everything that
produces or shows replies.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx

DEFAULT_URL = "http://127.0.0.1:5005"

Messages = List[Dict[str, Any]]  # [{"text": …, "buttons": [{"title": …, "payload": …}]}]


class RasaClient:
    """Send messages to Rasa's REST channel and texts to ``/model/parse``."""

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 30.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)

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
        response = self._http.post("/model/parse", json={"text": text})
        response.raise_for_status()
        return response.json()

    def status(self) -> Dict[str, Any]:
        response = self._http.get("/status")
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

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 30.0) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(self, sender: str, text: str) -> Messages:
        """One user message in; the bot's replies out."""
        response = await self._http.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        return response.json()

    async def execute(self, sender: str, action: str) -> Messages:
        """Run ``action`` on the conversation; its messages. ``httpx.HTTPStatusError`` 404: no such conversation."""
        response = await self._http.post(f"/conversations/{sender}/execute", json={"name": action})
        response.raise_for_status()
        return response.json().get("messages") or []

    async def append_events(self, sender: str, events: List[Dict[str, Any]]) -> None:
        """Add events to the conversation's tracker (creating the conversation when new)."""
        response = await self._http.post(f"/conversations/{sender}/tracker/events", json=events)
        response.raise_for_status()

    async def close(self) -> None:
        await self._http.aclose()
