"""Hồ sơ đăng ký: the pre-registration queue, one file's page, its status and the ownership claims.

Officers (role ``officer`` and above) move a file through its statuses; the
producer's chat gets the new status and the message (``ocop.registration_review``).
A pending claim — a new chat giving an existing producer's tax code — is
confirmed or refused here (``ocop.storage.claims``).
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Text

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ocop import registration_review
from ocop.choices import choices, label
from ocop.reports import REGISTRATION_STATUS
from ocop.storage import claims
from web.auth import current_user, requires
from web.flash import redirect_with
from web.render import render


def _date(value: Optional[Text]) -> Optional[dt.date]:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime((value or "").strip(), pattern).date()
        except ValueError:
            continue
    return None


def _page_number(value: Optional[Text]) -> int:
    return int(value) if (value or "").isdigit() else 0


@requires("viewer")
async def listing(request: Request) -> Response:
    query = request.query_params
    wanted = registration_review.QueueFilter(
        status=query.get("trang_thai", "") if query.get("trang_thai", "") in REGISTRATION_STATUS else "",
        ward=query.get("xa_phuong", "")[:80], product_group=query.get("nhom", ""),
        since=_date(query.get("tu_ngay")), until=_date(query.get("den_ngay")))
    page = _page_number(query.get("trang"))
    rows, total = registration_review.queue(request.app.state.db, wanted, page)
    return render(request, "registrations.html", {
        "rows": rows, "total": total, "page": page, "page_size": registration_review.PAGE_SIZE,
        "statuses": REGISTRATION_STATUS, "counts": registration_review.counts_by_status(request.app.state.db),
        "groups": {key: value["label"] for key, value in choices()["product_groups"].items()},
        "label": label, "query": query, "wanted": wanted,
    })


@requires("viewer")
async def detail(request: Request) -> Response:
    found = registration_review.detail(request.app.state.db, int(request.path_params["id"]))
    if found is None:
        return PlainTextResponse("Không tìm thấy hồ sơ.", status_code=404)
    registration, producer, chat_user = found
    pending = [claim for claim in claims.pending(request.app.state.db) if claim.producer_id == producer.id]
    return render(request, "registration.html", {
        "registration": registration, "producer": producer, "chat_user": chat_user, "claims": pending,
        "statuses": REGISTRATION_STATUS, "next_statuses": registration_review.NEXT.get(registration.status, ()),
        "label": label, "user": current_user(request),
    })


@requires("officer")
async def change_status(request: Request) -> Response:
    registration_id = int(request.path_params["id"])
    form = request.state.form
    user = current_user(request)
    problem = registration_review.change_status(request.app.state.db, registration_id, form.get("status", ""),
                                                form.get("message", ""), f"console:{user.login}")
    return redirect_with(f"/ho-so/{registration_id}",
                         problem or "Đã cập nhật trạng thái và gửi thông báo cho người đăng ký.", error=bool(problem))


@requires("officer")
async def decide_claim(request: Request) -> Response:
    form = request.state.form
    user = current_user(request)
    decision = claims.decide(request.app.state.db, int(request.path_params["claim_id"]),
                             form.get("decision") == "confirm", f"console:{user.login}")
    back = form.get("back", "/ho-so") if form.get("back", "").startswith("/ho-so") else "/ho-so"
    messages = {"confirmed": "Đã xác nhận người đăng ký thuộc chủ thể.", "refused": "Đã từ chối yêu cầu."}
    return redirect_with(back, messages.get(decision or "", "Yêu cầu này đã được xử lý trước đó."),
                         error=decision is None)


def routes() -> List[Route]:
    return [
        Route("/ho-so", listing),
        Route("/ho-so/{id:int}", detail),
        Route("/ho-so/{id:int}/trang-thai", change_status, methods=["POST"]),
        Route("/ho-so/yeu-cau/{claim_id:int}", decide_claim, methods=["POST"]),
    ]
