"""The officers' command line: ``ocop export registrations --format xlsx|csv [--since DD/MM/YYYY]``.

Reads the application database (``DATABASE_URL``, default SQLite under
``var/``) and writes a file officers open in Excel: Vietnamese column headers,
dates as dd/mm/yyyy. CSV is UTF-8 with a byte-order mark so that Excel shows
the accents.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence

from bot.storage import registrations


def parse_date(text: str) -> dt.date:
    """dd/mm/yyyy (as officers write it) or yyyy-mm-dd."""
    for layout in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text!r} (viết dạng dd/mm/yyyy, ví dụ 01/07/2026)")


def write_xlsx(rows: Iterable[List[Any]], path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Đăng ký sơ bộ"
    count = -1
    for count, row in enumerate(rows):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    workbook.save(path)
    return max(count, 0)


def write_csv(rows: Iterable[List[Any]], path: Path) -> int:
    count = -1
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for count, row in enumerate(rows):
            writer.writerow(row)
    return max(count, 0)


def export_registrations(args: argparse.Namespace) -> int:
    output = Path(args.output or f"dang-ky-so-bo-{dt.date.today():%Y%m%d}.{args.format}")
    rows = registrations.export_rows(since=args.since)
    count = write_xlsx(rows, output) if args.format == "xlsx" else write_csv(rows, output)
    print(f"Đã xuất {count} hồ sơ đăng ký sơ bộ ra {output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocop", description="Công cụ cho cán bộ OCOP")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="xuất dữ liệu ra Excel/CSV")
    what = export.add_subparsers(dest="what", required=True)
    regs = what.add_parser("registrations", help="các hồ sơ đăng ký sơ bộ")
    regs.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    regs.add_argument("--since", type=parse_date, help="chỉ các hồ sơ từ ngày này (dd/mm/yyyy)")
    regs.add_argument("--output", "-o", help="tên tệp (mặc định: dang-ky-so-bo-YYYYMMDD.xlsx)")
    regs.set_defaults(handler=export_registrations)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
