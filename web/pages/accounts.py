"""Tài khoản (admin): who may use the console, their roles, unlocking after failed sign-ins.

Accounts and passwords are created with ``ocop officers add … --login`` (a
password is never chosen for someone in the browser); here an admin changes
a role or lifts a lock. An admin cannot lower their own role (the last admin
would lock everyone out).
"""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ocop.storage import console_accounts
from ocop.vietnam_time import local_now
from web.auth import current_user, requires
from web.flash import redirect_with
from web.render import render

ROLE_LABELS = {"viewer": "Xem", "officer": "Cán bộ", "admin": "Quản trị"}


@requires("admin")
async def page(request: Request) -> Response:
    return render(request, "accounts.html", {
        "accounts": console_accounts.accounts(request.app.state.db), "roles": ROLE_LABELS,
        "user": current_user(request), "now": local_now()})


@requires("admin")
async def change(request: Request) -> Response:
    officer_id = int(request.path_params["id"])
    user = current_user(request)
    form = request.state.form
    if form.get("action") == "unlock":
        console_accounts.unlock(request.app.state.db, officer_id, f"console:{user.login}")
        return redirect_with("/tai-khoan", "Đã mở khóa tài khoản.")
    if officer_id == user.id:
        return redirect_with("/tai-khoan", "Không tự đổi quyền của chính mình; hãy nhờ một quản trị viên khác.",
                             error=True)
    if console_accounts.change_role(request.app.state.db, officer_id, form.get("role", ""), f"console:{user.login}"):
        return redirect_with("/tai-khoan", "Đã đổi quyền; người này cần đăng nhập lại.")
    return redirect_with("/tai-khoan", "Không đổi được quyền của tài khoản này.", error=True)


def routes() -> List[Route]:
    return [Route("/tai-khoan", page), Route("/tai-khoan/{id:int}", change, methods=["POST"])]
