"""The console's Starlette application: routes, templates, security headers.

``create_app(settings, db)`` is all a server or a test needs. Pages live in
``web/pages/`` (one module per area); templates and static assets ship with
the package, so nothing is loaded from another site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ocop.settings import Settings
from ocop.storage.db import Database
from web import formatting
from web.auth import AttemptLimiter, current_user
from web.pages import accounts, announcements, certificates, dashboard, handoffs, registrations, sign_in

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}


class SecurityHeaders:
    """The same strict headers on every response: no framing, no scripts or styles from elsewhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                present = {name.lower() for name, _ in message["headers"]}
                message["headers"].extend((k, v) for k, v in SECURITY_HEADERS.items() if k not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(HERE / "templates"))
    found.env.filters.update(formatting.FILTERS)
    found.env.globals["current_user"] = current_user
    return found


async def home(request: Request) -> Response:
    return RedirectResponse("/tien-do", status_code=303)


def create_app(settings: Settings, db: Optional[Database] = None) -> Starlette:
    app = Starlette(
        routes=[
            Route("/", home),
            *sign_in.routes(),
            *dashboard.routes(),
            *registrations.routes(),
            *certificates.routes(),
            *announcements.routes(),
            *handoffs.routes(),
            *accounts.routes(),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders), Middleware(GZipMiddleware, minimum_size=800)],
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.templates = templates()
    app.state.sign_in_limiter = AttemptLimiter()
    return app
