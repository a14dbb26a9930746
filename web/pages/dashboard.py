"""Tiến độ chỉ tiêu: each commune/ward's certified products, registrations in progress, target and gap.

Filters and sorting are query parameters (a plain GET form, no script); the
xlsx download gives the same rows with the same filters. The charts are
drawn on the server as SVG: bars per commune (the filtered rows), the stars
of the products in force, and pre-registrations per month.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Text, Tuple

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ocop import reports
from ocop.targets import KIND_LABELS, Progress, UnitProgress, load_plan, progress
from ocop.text import place_key
from ocop.vietnam_time import local_now
from web.auth import requires
from web.render import render, xlsx_download

SORTS: Dict[Text, Tuple[Text, Callable[[UnitProgress], object], bool]] = {
    "gap": ("Còn thiếu nhiều nhất", lambda p: (-p.gap, p.unit.key), False),
    "name": ("Tên xã/phường", lambda p: p.unit.key, False),
    "certified": ("Nhiều sản phẩm nhất", lambda p: (-p.certified, p.unit.key), False),
    "in_progress": ("Nhiều hồ sơ đang xử lý nhất", lambda p: (-p.in_progress, p.unit.key), False),
}
STATES = {"": "Tất cả", "missing": "Chưa đạt chỉ tiêu", "reached": "Đã đạt chỉ tiêu"}


def plan_path(request: Request) -> Path:
    return request.app.state.settings.data_dir / "targets" / "hcmc.yml"


def _current(request: Request) -> Progress:
    today = local_now().date()
    return progress(request.app.state.db, load_plan(plan_path(request)), today)


def filtered(request: Request, found: Progress) -> List[UnitProgress]:
    """The rows the query asks for: kind, state, former district, name; sorted."""
    query = request.query_params
    kind, state = query.get("loai", ""), query.get("trang_thai", "")
    district, name = query.get("quan_huyen_cu", ""), place_key(query.get("tim", ""))
    rows = [
        item for item in found.units
        if (not kind or item.unit.kind == kind)
        and (state != "missing" or not item.reached) and (state != "reached" or item.reached)
        and (not district or district in item.unit.former_districts)
        and (not name or name in place_key(item.unit.name))
    ]
    _, key, _ = SORTS.get(query.get("sap_xep", "gap"), SORTS["gap"])
    return sorted(rows, key=key)


def _bars(rows: List[UnitProgress], limit: int = 40) -> List[Dict[Text, object]]:
    """The first ``limit`` rows as bars: certified and the minimum, scaled to the widest."""
    shown = rows[:limit]
    widest = max([1] + [max(item.certified, item.target.min_products) for item in shown])
    return [{"name": item.unit.name, "certified": item.certified, "target": item.target.min_products,
             "certified_pct": 100 * item.certified / widest, "target_pct": 100 * item.target.min_products / widest,
             "reached": item.reached} for item in shown]


@requires("viewer")
async def page(request: Request) -> Response:
    found = _current(request)
    rows = filtered(request, found)
    stars = {star: sum(item.stars.get(star, 0) for item in found.units) for star in (3, 4, 5)}
    months = found.registrations_by_month
    summary = {
        "units": len(found.units),
        "reached": sum(1 for item in found.units if item.reached),
        "certified": sum(item.certified for item in found.units),
        "in_progress": sum(item.in_progress for item in found.units),
        "districts_reached": sum(1 for d in found.districts if d.gap == 0),
    }
    return render(request, "dashboard.html", {
        "plan": found.plan, "rows": rows, "summary": summary, "stars": stars,
        "stars_max": max([1, *stars.values()]), "months": months, "months_max": max([1] + [n for _, n in months]),
        "bars": _bars(rows), "districts": found.districts, "unplaced": found.unplaced_certificates,
        "kinds": KIND_LABELS, "sorts": {key: label for key, (label, _, _) in SORTS.items()}, "states": STATES,
        "district_names": [d.district for d in found.districts], "query": request.query_params,
        "now_vn": local_now().strftime("%d/%m/%Y %H:%M"),
    })


@requires("viewer")
async def download(request: Request) -> Response:
    rows = filtered(request, _current(request))
    return xlsx_download(reports.progress_rows(rows), "Tiến độ chỉ tiêu",
                         f"tien-do-chi-tieu-{local_now():%Y%m%d}.xlsx")


def routes() -> List[Route]:
    return [Route("/tien-do", page), Route("/tien-do.xlsx", download)]
