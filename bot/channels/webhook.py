"""The webhook side of the channels: one small aiohttp server, one secret derivation.

A platform in webhook mode posts each update to a URL of ours (behind the
HTTPS proxy). ``WebhookServer`` serves one path on the bot process's event
loop; the channel's handler checks the request (a secret header, or a
signature) and answers 403 for a bad one and 400 for an unreadable body.
Before any of that the server refuses a compressed body (415; aiohttp 3.9
would otherwise decompress it, CVE-2025-69223) and a body over 1 MiB (413),
without reading it.
``webhook_secret`` is the secret a platform must send: the configured one,
or one derived from the bot token, stable across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Awaitable, Callable, Optional

from aiohttp import web

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]
MAX_BODY = 1024 * 1024  # updates are a few kilobytes


@web.middleware
async def refuse_compressed_or_large(request: web.Request, handler: Handler) -> web.StreamResponse:
    """415 for a compressed body, 413 for one over ``MAX_BODY``; checked on the headers alone."""
    if request.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity"):
        return web.Response(status=415, text="compressed bodies are not accepted")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return web.Response(status=413, text="body too large")
    return await handler(request)


def webhook_secret(configured: Optional[str], token: str, channel: str) -> str:
    """The configured secret, or one derived from the (secret) bot token and the channel's name."""
    return configured or hashlib.sha256(f"{channel}-webhook:{token}".encode()).hexdigest()[:48]


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison; a value that is not ASCII (a malformed header) is simply wrong."""
    return given.isascii() and hmac.compare_digest(given.encode(), expected.encode())


def has_secret(request: web.Request, header: str, secret: str) -> bool:
    """Whether the request carries ``secret`` in ``header``."""
    return same_secret(request.headers.get(header, ""), secret)



class WebhookServer:
    """POST ``path`` on ``listen``:``port`` handled by ``handler``."""

    def __init__(self, listen: str, port: int, path: str, handler: Handler) -> None:
        self.listen, self.port, self.path = listen, port, path or "/"
        self._handler = handler
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> None:
        app = web.Application(middlewares=[refuse_compressed_or_large], client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._handler)
        self._runner = web.AppRunner(app, auto_decompress=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        logger.info("Webhook %s listening on %s:%s", self.path, self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
