"""A small client of the Rasa server's HTTP API (REST channel and parse API).

Everything outside Rasa talks to it through here: the terminal chat, the
channels of the bot process, the tests and the benchmarks.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx

DEFAULT_URL = "http://127.0.0.1:5005"


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
    """The same REST channel for the bot process's asyncio channels."""

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 30.0) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = await self._http.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        return response.json()

    async def close(self) -> None:
        await self._http.aclose()
