"""Who is signed in, what their role allows, and the CSRF check of every form.

Pages are wrapped with ``requires(role)``: an anonymous visitor is sent to the
sign-in page (or gets 401 for a download), a role below the page's gets 403.
Every POST, the sign-in form included, must carry the CSRF token: the
session's own token once signed in, a double-submit cookie before.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable, Deque, Dict, Optional, Text

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ocop.storage import console_accounts
from ocop.storage.console_accounts import ConsoleUser

SESSION_COOKIE = "ocop_console"
LOGIN_CSRF_COOKIE = "ocop_login_csrf"

Endpoint = Callable[[Request], Awaitable[Response]]


_UNKNOWN = object()


def current_user(request: Request) -> Optional[ConsoleUser]:
    """The officer of this request's session cookie (looked up once per request), or None."""
    user = getattr(request.state, "user", _UNKNOWN)
    if user is _UNKNOWN:
        user = console_accounts.session_user(request.app.state.db, request.cookies.get(SESSION_COOKIE))
        request.state.user = user
    return user


def _same(a: Optional[Text], b: Optional[Text]) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class Posted:
    """A posted form: ``get`` gives text fields only (a file sent in their place reads as missing)."""

    def __init__(self, items: Dict[Text, Any]) -> None:
        self._items = items

    def get(self, name: Text, default: Text = "") -> Text:
        value = self._items.get(name)
        return value if isinstance(value, str) else default

    def file(self, name: Text) -> Optional[UploadFile]:
        value = self._items.get(name)
        return value if isinstance(value, UploadFile) else None


async def form_with_csrf(request: Request, expected: Optional[Text]) -> Optional[Posted]:
    """The posted form when its csrf_token matches ``expected``, else None."""
    form = await request.form(max_files=1, max_fields=50)
    posted = Posted(dict(form.items()))
    if not _same(posted.get("csrf_token"), expected):
        return None
    return posted


def requires(role: Text) -> Callable[[Endpoint], Endpoint]:
    """A page for ``role`` and above; a POST is refused without the session's CSRF token."""

    def wrap(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                if request.method == "GET" and "text/html" in request.headers.get("accept", "text/html"):
                    return RedirectResponse(f"/dang-nhap?next={request.url.path}", status_code=303)
                return PlainTextResponse("Vui lòng đăng nhập.", status_code=401)
            if not user.may(role):
                return PlainTextResponse("Tài khoản của bạn không có quyền thực hiện việc này.", status_code=403)
            if request.method == "POST":
                form = await form_with_csrf(request, user.csrf_token)
                if form is None:
                    return PlainTextResponse("Phiên làm việc đã hết hạn hoặc yêu cầu không hợp lệ. "
                                             "Vui lòng tải lại trang và thử lại.", status_code=403)
                request.state.form = form
            return await endpoint(request)

        return guarded

    return wrap


def new_login_csrf() -> Text:
    return secrets.token_urlsafe(24)


class AttemptLimiter:
    """At most ``limit`` sign-in attempts per client address in ``window`` seconds (this process)."""

    def __init__(self, limit: int = 20, window: float = 600.0) -> None:
        self.limit, self.window = limit, window
        self._seen: Dict[Text, Deque[float]] = defaultdict(deque)

    def allow(self, client: Text) -> bool:
        now = time.monotonic()
        seen = self._seen[client]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True
