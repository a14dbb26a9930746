"""Render a page (its template, the one-time message of the previous action, nothing cached) or a download."""

from __future__ import annotations

import io
from typing import Any, Dict, Iterable, Sequence, Text

from starlette.requests import Request
from starlette.responses import Response

from ocop.reports import write_xlsx
from web.flash import COOKIE, take_flash

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(request: Request, template: Text, context: Dict[Text, Any], status_code: int = 200) -> Response:
    message = take_flash(request)
    response = request.app.state.templates.TemplateResponse(
        request, template, {**context, "flash": message}, status_code=status_code)
    response.headers["cache-control"] = "no-store"  # personal data: not kept by the browser or a proxy
    if message is not None:
        response.delete_cookie(COOKIE, path="/")
    return response


def xlsx_download(rows: Iterable[Sequence[Any]], sheet: Text, filename: Text) -> Response:
    """Rows (header first) as an Excel file the browser saves as ``filename``."""
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, sheet)
    return Response(buffer.getvalue(), media_type=XLSX,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})
