"""Render a page: its template, the one-time message of the previous action, and nothing cached."""

from __future__ import annotations

from typing import Any, Dict, Text

from starlette.requests import Request
from starlette.responses import Response

from web.flash import COOKIE, take_flash


def render(request: Request, template: Text, context: Dict[Text, Any], status_code: int = 200) -> Response:
    message = take_flash(request)
    response = request.app.state.templates.TemplateResponse(
        request, template, {**context, "flash": message}, status_code=status_code)
    response.headers["cache-control"] = "no-store"  # personal data: not kept by the browser or a proxy
    if message is not None:
        response.delete_cookie(COOKIE, path="/")
    return response
