"""Sign-in and sign-out. Failures are counted per account (lock) and per client address (limit)."""

from __future__ import annotations

from typing import List, Text

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ocop.storage import console_accounts
from web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, form_with_csrf, new_login_csrf, requires


def _safe_next(target: Text) -> Text:
    """Only a path of this site: never "//elsewhere" or "https://…"."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/tien-do"


def _form(request: Request, error: Text = "", status_code: int = 200) -> Response:
    token = new_login_csrf()
    response = request.app.state.templates.TemplateResponse(
        request, "sign_in.html",
        {"csrf_token": token, "error": error, "next": _safe_next(request.query_params.get("next", "/tien-do"))},
        status_code=status_code)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/dang-nhap",
                        secure=request.app.state.settings.console_secure_cookies)
    return response


async def sign_in_page(request: Request) -> Response:
    return _form(request)


async def sign_in(request: Request) -> Response:
    form = await form_with_csrf(request, request.cookies.get(LOGIN_CSRF_COOKIE))
    if form is None:
        return _form(request, "Phiên đăng nhập đã hết hạn. Vui lòng nhập lại.", 403)
    client = request.client.host if request.client else "?"
    if not request.app.state.sign_in_limiter.allow(client):
        return _form(request, "Quá nhiều lần đăng nhập từ máy này. Vui lòng thử lại sau ít phút.", 429)
    db = request.app.state.db
    officer_id, problem = console_accounts.authenticate(db, form.get("login", ""), form.get("password", ""))
    if officer_id is None:
        return _form(request, problem or "", 401)
    token = console_accounts.start_session(db, officer_id)
    response = RedirectResponse(_safe_next(form.get("next", "/tien-do")), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        max_age=int(console_accounts.SESSION_LIFETIME.total_seconds()),
                        secure=request.app.state.settings.console_secure_cookies)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/dang-nhap")
    return response


@requires("viewer")
async def sign_out(request: Request) -> Response:
    console_accounts.end_session(request.app.state.db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def routes() -> List[Route]:
    return [
        Route("/dang-nhap", sign_in_page, methods=["GET"]),
        Route("/dang-nhap", sign_in, methods=["POST"]),
        Route("/dang-xuat", sign_out, methods=["POST"]),
    ]
