"""A one-time message after a redirect ("Đã cập nhật …"), kept in a short-lived cookie."""

from __future__ import annotations

import base64
from typing import Dict, Optional, Text

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

COOKIE = "ocop_flash"


def flash(response: Response, text: Text, error: bool = False) -> None:
    value = ("!" if error else "+") + base64.urlsafe_b64encode(text.encode()).decode()
    response.set_cookie(COOKIE, value, max_age=60, httponly=True, samesite="lax", path="/")


def redirect_with(url: Text, text: Text, error: bool = False) -> RedirectResponse:
    """A redirect after a POST (303) that shows ``text`` once on the next page."""
    response = RedirectResponse(url, status_code=303)
    flash(response, text, error)
    return response


def take_flash(request: Request) -> Optional[Dict[Text, object]]:
    """The message set by the previous response, if any (shown once: the page clears the cookie)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        text = base64.urlsafe_b64decode(raw[1:].encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return {"text": text, "error": raw[0] == "!"}
