"""Thông báo: compose with audience filters, see the recipients and the message, confirm, watch the report.

The audience query and the outbox are the CLI's and the chat commands'
(``ocop.audiences``, ``ocop.announcements``). "Xem trước" stores a draft;
"Gửi" turns that draft into the announcement once, so a double click or a
reload never sends twice. The report page refreshes itself while copies are
still waiting (a plain meta refresh: no script needed).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ocop import announcements
from ocop.audiences import Audience
from ocop.choices import choices, label
from web.auth import current_user, requires
from web.flash import redirect_with
from web.render import render

MAX_TEXT = 2000  # one Zalo message; Telegram takes 4,096
STATUS_LABELS = {
    "sent": "Đã gửi", "pending": "Đang chờ gửi", "sending": "Đang gửi", "failed": "Lỗi, sẽ thử lại",
    "blocked": "Người nhận đã chặn", "needs_template": "Cần mẫu tin Zalo (ngoài 7 ngày)",
    "abandoned": "Không gửi được", "unconfirmed": "Không rõ đã nhận", "skipped": "Bỏ qua",
}
WAITING = ("pending", "sending", "failed")


def _int(value: Any, allowed: Optional[range] = None) -> Optional[int]:
    text = str(value or "").strip()
    if not text.isdigit():
        return None
    number = int(text)
    return number if allowed is None or number in allowed else None


def audience_of(values: Any) -> Audience:
    """The filters of a form or a query string; anything malformed counts as no filter."""
    group = values.get("nhom", "")
    return Audience(
        ward=(values.get("xa_phuong", "") or "").strip()[:80] or None,
        product_group=group if group in choices()["product_groups"] else None,
        stars=_int(values.get("sao"), range(3, 6)),
        expiring_days=_int(values.get("het_han_trong"), range(0, 3651)),
    )


def _describe(audience: Audience) -> List[Text]:
    parts = []
    if audience.ward:
        parts.append(f"xã/phường: {audience.ward}")
    if audience.product_group:
        parts.append(f"nhóm sản phẩm: {label('product_groups', audience.product_group)}")
    if audience.stars:
        parts.append(f"sản phẩm {audience.stars} sao")
    if audience.expiring_days is not None:
        parts.append(f"chứng nhận hết hạn trong {audience.expiring_days} ngày")
    return parts or ["tất cả người đã đồng ý nhận tin"]


def _context(request: Request) -> Dict[Text, Any]:
    return {"groups": {key: value["label"] for key, value in choices()["product_groups"].items()},
            "user": current_user(request), "max_text": MAX_TEXT, "status_labels": STATUS_LABELS}


@requires("viewer")
async def page(request: Request) -> Response:
    return render(request, "announcements.html", {
        **_context(request), "recent": announcements.recent(request.app.state.db), "form": {}})


@requires("viewer")
async def count(request: Request) -> Response:
    """The live recipient count of the compose form (fetched by console.js as filters change)."""
    audience = audience_of(request.query_params)
    return JSONResponse({"recipients": announcements.count(request.app.state.db, audience),
                         "describe": ", ".join(_describe(audience))})


@requires("officer")
async def preview(request: Request) -> Response:
    form = request.state.form
    text = form.get("text", "").strip()
    audience = audience_of(form)
    if not text or len(text) > MAX_TEXT:
        response = render(request, "announcements.html", {
            **_context(request), "recent": announcements.recent(request.app.state.db), "form": form,
            "error": f"Nội dung thông báo cần có và dài tối đa {MAX_TEXT} ký tự (một tin Zalo)."}, 400)
        return response
    size = announcements.count(request.app.state.db, audience)
    user = current_user(request)
    draft_id = announcements.save_draft(request.app.state.db, f"console:{user.login}", audience, text, size,
                                        form.get("urgent") == "1")
    return render(request, "announcement_preview.html", {
        **_context(request), "text": text, "size": size, "describe": _describe(audience), "draft_id": draft_id,
        "urgent": form.get("urgent") == "1"})


@requires("officer")
async def send(request: Request) -> Response:
    user = current_user(request)
    draft_id = _int(request.state.form.get("draft_id"))
    sent = announcements.confirm_draft(request.app.state.db, draft_id or 0, f"console:{user.login}") \
        if draft_id else None
    if sent is None:
        return redirect_with("/thong-bao", "Bản nháp này đã được gửi hoặc không còn nữa.", error=True)
    announcement_id, size = sent
    return redirect_with(f"/thong-bao/{announcement_id}",
                         f"Đã xếp hàng thông báo cho {size} người nhận; hệ thống đang gửi dần.")


@requires("officer")
async def discard(request: Request) -> Response:
    user = current_user(request)
    draft_id = _int(request.state.form.get("draft_id"))
    if draft_id:
        announcements.discard_draft(request.app.state.db, draft_id, f"console:{user.login}")
    return redirect_with("/thong-bao", "Đã hủy bản nháp, chưa gửi gì.")


@requires("viewer")
async def report(request: Request) -> Response:
    announcement = announcements.get(request.app.state.db, int(request.path_params["id"]))
    if announcement is None or announcement.kind != "announcement":
        return PlainTextResponse("Không tìm thấy thông báo.", status_code=404)
    counts = announcements.report(request.app.state.db, announcement.id)
    total = sum(counts.values())
    waiting = sum(counts.get(status, 0) for status in WAITING)
    return render(request, "announcement_report.html", {
        **_context(request), "announcement": announcement, "counts": counts, "total": total, "waiting": waiting,
        "widest": max([1, *counts.values()]), "audience": _describe(Audience(**json.loads(announcement.audience)))})


def routes() -> List[Route]:
    return [
        Route("/thong-bao", page),
        Route("/thong-bao/dem", count),
        Route("/thong-bao/xem-truoc", preview, methods=["POST"]),
        Route("/thong-bao/gui", send, methods=["POST"]),
        Route("/thong-bao/huy", discard, methods=["POST"]),
        Route("/thong-bao/{id:int}", report),
    ]
