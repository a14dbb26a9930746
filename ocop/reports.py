"""What officers read: Vietnamese labels, export columns, and the xlsx/csv writers.

Storage returns data; this module turns it into rows with Vietnamese
headers, dates as dd/mm/yyyy and labels instead of keys. CSV is UTF-8 with a
byte-order mark so that Excel shows the accents. Text typed by producers
never becomes a formula: a cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written as text in xlsx and prefixed with ``'``
in CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Optional, Sequence, Text

from ocop.choices import label
from ocop.storage import certificates, registrations, renewals
from ocop.storage.db import Database
from ocop.targets import KIND_LABELS
from ocop.vietnam_time import local_time

REGISTRATION_STATUS = {
    "submitted": "Đã tiếp nhận, chờ UBND xã/phường xem xét",
    "reviewing": "Đang xem xét",
    "needs_info": "Cần bổ sung",
    "accepted": "Đã chuyển hội đồng đánh giá cấp xã",
    "rejected": "Không đủ điều kiện",
    "waiting_claim": "Chờ cán bộ xác nhận người đăng ký thuộc chủ thể",
}
CERTIFICATE_STATUS = {
    "valid": "còn hiệu lực",
    "expiring": "sắp hết hạn",
    "expired": "đã hết hạn",
    "renewed": "đã được công nhận lại",
    "withdrawn": "đã bị thu hồi",
}
RENEWAL_CHOICE = {"renew": "Đánh giá lại", "upgrade": "Nâng hạng sao", "decline": "Không đánh giá lại"}

REGISTRATION_COLUMNS = (
    ("Mã hồ sơ", lambda r, p: r.reference_code),
    ("Ngày đăng ký", lambda r, p: local_time(r.created_at).strftime("%d/%m/%Y %H:%M")),
    ("Trạng thái", lambda r, p: REGISTRATION_STATUS.get(r.status, r.status)),
    ("Tên sản phẩm", lambda r, p: r.product_name),
    ("Nhóm sản phẩm", lambda r, p: label("product_groups", r.product_group)),
    ("Mô tả", lambda r, p: r.description),
    ("Có hồ sơ chất lượng/tiêu chuẩn", lambda r, p: "Có" if r.has_quality_documents else "Chưa có"),
    ("Loại chủ thể", lambda r, p: label("subject_types", p.subject_type)),
    ("Tên chủ thể", lambda r, p: p.name),
    ("Mã số thuế/ĐKKD", lambda r, p: p.tax_code),
    ("Người đại diện", lambda r, p: p.representative),
    ("Điện thoại", lambda r, p: p.phone),
    ("Email", lambda r, p: p.email or ""),
    ("Địa chỉ", lambda r, p: p.address),
    ("Xã/phường", lambda r, p: p.ward or ""),
    ("Tỉnh/thành phố", lambda r, p: p.province or ""),
)
RENEWAL_COLUMNS = ("Ngày trả lời", "Số chứng nhận", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Ngày hết hạn",
                   "Đề nghị", "Kênh", "Trạng thái")
EXPIRING_COLUMNS = ("Số chứng nhận", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Ngày hết hạn", "Còn (ngày)",
                    "Liên lạc qua chat", "Số lần đã nhắc", "Nhắc gần nhất", "Trả lời của chủ thể")


def registration_rows(db: Database, since: Optional[dt.date] = None) -> Iterator[List[Any]]:
    """Header, then one row per pre-registration (oldest first)."""
    yield [title for title, _ in REGISTRATION_COLUMNS]
    for registration, producer in registrations.all_since(db, since):
        yield [column(registration, producer) for _, column in REGISTRATION_COLUMNS]


def renewal_rows(db: Database) -> Iterator[List[Any]]:
    """Header, then every answer to a reminder."""
    yield list(RENEWAL_COLUMNS)
    for request, certificate, user in renewals.all_answers(db):
        yield [
            local_time(request.created_at).strftime("%d/%m/%Y %H:%M"), certificate.number, certificate.product_name,
            certificate.holder_name, certificate.star_rating, certificate.expiry_date.strftime("%d/%m/%Y"),
            RENEWAL_CHOICE.get(request.choice, request.choice), user.channel,
            "Chưa xử lý" if request.status == "open" else request.status,
        ]


def expiring_rows(db: Database, today: dt.date, days: int) -> Iterator[List[Any]]:
    """Header, then certificates expiring within ``days`` (or expired, not renewed)."""
    yield list(EXPIRING_COLUMNS)
    for c in certificates.expiring(db, today, days):
        yield [c.number, c.product_name, c.holder_name, c.star_rating, c.expiry_date.strftime("%d/%m/%Y"),
               (c.expiry_date - today).days, f"Có ({c.reachable_on})" if c.reachable_on else "Không",
               c.reminders_sent, local_time(c.last_reminded_at).strftime("%d/%m/%Y") if c.last_reminded_at else "",
               RENEWAL_CHOICE.get(c.answer, c.answer or "Chưa trả lời")]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def write_xlsx(rows: Iterable[Sequence[Any]], path: Path, title: Text = "Dữ liệu") -> int:
    """Rows to an .xlsx with a bold, frozen header; the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    count = -1
    for row in rows:
        sheet.append(list(row))
        count += 1
        for cell in sheet[sheet.max_row]:
            if _looks_like_formula(cell.value):
                cell.data_type = "s"  # text, never evaluated
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    workbook.save(path)
    return max(count, 0)


def write_csv(rows: Iterable[Sequence[Any]], path: Path) -> int:
    """Rows to a UTF-8 (with BOM) CSV; the number of data rows."""
    count = -1
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(["'" + value if _looks_like_formula(value) else value for value in row])
            count += 1
    return max(count, 0)


def write(rows: Iterable[Sequence[Any]], path: Path, title: Text = "Dữ liệu") -> int:
    """xlsx or csv by the file's extension."""
    return write_csv(rows, path) if path.suffix.lower() == ".csv" else write_xlsx(rows, path, title)


PROGRESS_COLUMNS = ("Xã/phường/đặc khu", "Loại", "Thuộc quận/huyện cũ", "Sản phẩm 3 sao", "Sản phẩm 4 sao",
                    "Sản phẩm 5 sao", "Tổng sản phẩm còn hiệu lực", "Hồ sơ đang xử lý", "Chỉ tiêu tối thiểu",
                    "Chỉ tiêu phấn đấu", "Còn thiếu", "Đạt chỉ tiêu")


def progress_rows(units: Iterable[Any]) -> Iterator[List[Any]]:
    """Header, then one row per commune/ward of ``ocop.targets.progress`` (as the console shows them)."""
    yield list(PROGRESS_COLUMNS)
    for item in units:
        yield [item.unit.name, KIND_LABELS[item.unit.kind], ", ".join(item.unit.former_districts),
               item.stars.get(3, 0), item.stars.get(4, 0), item.stars.get(5, 0), item.certified, item.in_progress,
               item.target.min_products, item.target.goal_products or "", item.gap, "Đạt" if item.reached else "Chưa"]
