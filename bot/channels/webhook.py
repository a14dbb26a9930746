"""The webhook side of the channels: one small aiohttp server, one secret derivation.

A platform in webhook mode posts each update to a URL of ours (behind the
HTTPS proxy). ``WebhookServer`` serves one path on the bot process's event
loop; the channel's handler checks the request (a secret header, or a
signature) and answers 403 for a bad one and 400 for an unreadable body.
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


def webhook_secret(configured: Optional[str], token: str, channel: str) -> str:
    """The configured secret, or one derived from the (secret) bot token and the channel's name."""
    return configured or hashlib.sha256(f"{channel}-webhook:{token}".encode()).hexdigest()[:48]


def has_secret(request: web.Request, header: str, secret: str) -> bool:
    """Whether the request carries ``secret`` in ``header`` (compared in constant time)."""
    return hmac.compare_digest(request.headers.get(header, "").encode(), secret.encode())



class WebhookServer:
    """POST ``path`` on ``listen``:``port`` handled by ``handler``."""

    def __init__(self, listen: str, port: int, path: str, handler: Handler) -> None:
        self.listen, self.port, self.path = listen, port, path or "/"
        self._handler = handler
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self.path, self._handler)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        logger.info("Webhook %s listening on %s:%s", self.path, self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
