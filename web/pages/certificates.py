"""Chứng nhận: search the registry, import a file with a preview, certificates expiring soon.

The import is the CLI's (``ocop.certificate_import`` then ``certificates.upsert``):
the uploaded file is kept under ``var/uploads`` with a random name for at most
an hour, every row
is checked and shown before anything is written, and only the admin's
confirmation writes — all rows, or with "bỏ qua dòng lỗi" the valid ones.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import List, Optional

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ocop import reports
from ocop.certificate_import import parse_file
from ocop.reports import CERTIFICATE_STATUS, RENEWAL_CHOICE
from ocop.storage import certificates
from ocop.vietnam_time import local_now
from web.auth import current_user, requires
from web.flash import redirect_with
from web.render import render, xlsx_download

MAX_UPLOAD = 10 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")
PREVIEW_ROWS = 20
UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(xlsx|csv)$")
DEFAULT_DAYS = 180
UPLOAD_LIFETIME = 3600  # seconds an uploaded file waits for its confirmation


def uploads(request: Request) -> Path:
    """The folder of uploaded files waiting for confirmation; files older than UPLOAD_LIFETIME are
    deleted first (they hold tax codes: kept only while an admin is looking at the preview)."""
    folder = request.app.state.settings.var_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_LIFETIME
    for stale in folder.iterdir():
        if stale.is_file() and stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return folder


def _days(value: Optional[str]) -> int:
    return min(int(value), 3650) if (value or "").isdigit() else DEFAULT_DAYS


@requires("viewer")
async def registry(request: Request) -> Response:
    wanted = request.query_params.get("tim", "")[:80]
    found = certificates.search(request.app.state.db, wanted) if wanted.strip() else []
    return render(request, "certificates.html", {
        "wanted": wanted, "found": found, "statuses": CERTIFICATE_STATUS, "user": current_user(request)})


@requires("admin")
async def upload(request: Request) -> Response:
    sent = request.state.form.file("file")
    suffix = Path(sent.filename or "").suffix.lower() if sent is not None else ""
    if sent is None or suffix not in SUFFIXES:
        return redirect_with("/chung-nhan", "Vui lòng chọn tệp Excel (.xlsx) hoặc CSV.", error=True)
    content = await sent.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return redirect_with("/chung-nhan", "Tệp lớn hơn 10 MB. Vui lòng chia nhỏ tệp.", error=True)
    name = f"{secrets.token_urlsafe(24)}{suffix}"
    (uploads(request) / name).write_bytes(content)
    return RedirectResponse(f"/chung-nhan/nhap/{name}", status_code=303)


def _stored(request: Request) -> Optional[Path]:
    name = request.path_params["name"]
    path = uploads(request) / name
    return path if UPLOAD_NAME.match(name) and path.is_file() else None


@requires("admin")
async def preview(request: Request) -> Response:
    path = _stored(request)
    if path is None:
        return PlainTextResponse("Tệp đã được nhập hoặc đã hết hạn. Vui lòng tải lên lại.", status_code=404)
    parsed = parse_file(path, today=local_now().date())
    header_broken = any(error.row == 1 for error in parsed.errors)
    return render(request, "certificate_import.html", {
        "parsed": parsed, "name": path.name, "preview": parsed.records[:PREVIEW_ROWS],
        "header_broken": header_broken, "user": current_user(request)})


@requires("admin")
async def confirm(request: Request) -> Response:
    path = _stored(request)
    if path is None:
        return PlainTextResponse("Tệp đã được nhập hoặc đã hết hạn. Vui lòng tải lên lại.", status_code=404)
    skip_invalid = request.state.form.get("skip_invalid") == "1"
    parsed = parse_file(path, today=local_now().date())
    if parsed.unreadable or any(error.row == 1 for error in parsed.errors) or (parsed.errors and not skip_invalid):
        # The message was set on a response that was then dropped; it now reaches the preview page.
        return redirect_with(f"/chung-nhan/nhap/{path.name}", "Chưa nhập gì: tệp còn lỗi.", error=True)
    user = current_user(request)
    created, updated, unchanged = certificates.upsert(request.app.state.db, parsed.records, f"console:{user.login}")
    path.unlink(missing_ok=True)
    skipped = parsed.rows - len(parsed.records)
    return redirect_with("/chung-nhan", f"Đã nhập {len(parsed.records)} chứng nhận: {created} mới, {updated} cập nhật, "
                         f"{unchanged} không đổi" + (f", bỏ qua {skipped} dòng lỗi." if skipped else "."))


@requires("viewer")
async def expiring(request: Request) -> Response:
    days = _days(request.query_params.get("ngay"))
    today = local_now().date()
    rows = certificates.expiring(request.app.state.db, today, days)
    return render(request, "certificates_expiring.html", {
        "rows": rows, "days": days, "today": today, "answers": RENEWAL_CHOICE})


@requires("viewer")
async def expiring_download(request: Request) -> Response:
    days = _days(request.query_params.get("ngay"))
    return xlsx_download(reports.expiring_rows(request.app.state.db, local_now().date(), days), "Sắp hết hạn",
                         f"chung-nhan-sap-het-han-{days}-ngay.xlsx")


def routes() -> List[Route]:
    return [
        Route("/chung-nhan", registry),
        Route("/chung-nhan/nhap", upload, methods=["POST"]),
        Route("/chung-nhan/nhap/{name}", preview),
        Route("/chung-nhan/nhap/{name}/xac-nhan", confirm, methods=["POST"]),
        Route("/chung-nhan/sap-het-han", expiring),
        Route("/chung-nhan/sap-het-han.xlsx", expiring_download),
    ]
