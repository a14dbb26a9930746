"""The action server: rasa-sdk's app, bound to loopback, refusing calls without the shared secret.

``python -m actions.server`` (started by ``make run``) serves the actions of
this package like ``python -m rasa_sdk --actions actions`` would, with two
differences a production deployment needs:

* it listens on ``ACTION_HOST`` (127.0.0.1 unless a setting opens it);
* every call but ``/health`` must carry ``Authorization: Bearer
  <ACTION_SERVER_TOKEN>``, the header Rasa sends from its action endpoint
  configuration (``bot/stack.py`` writes it); anything else gets 401.
"""

from __future__ import annotations

import hmac
import logging
from typing import Optional

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from ocop import logs
from ocop.settings import get_settings

logger = logging.getLogger(__name__)


def authenticated_app(token: str) -> Sanic:
    """rasa-sdk's app for this package, with the token checked before every call but the health check."""
    if not token:
        raise ValueError("ACTION_SERVER_TOKEN is empty: the action server would accept anyone")
    app = create_app("actions", cors_origins=None)
    expected = f"Bearer {token}"

    @app.middleware("request")
    async def check_token(request: Request) -> Optional[HTTPResponse]:
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
            return response.json({"error": "unauthorised"}, status=401)
        return None

    return app


def main() -> None:
    settings = get_settings()
    logs.configure(settings.secrets())
    app = authenticated_app(settings.action_server_token or "")
    logger.info("Action server on %s:%s", settings.action_host, settings.action_port)
    app.run(settings.action_host, settings.action_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
