"""The officers' command line.

    ocop export registrations --format xlsx|csv [--since DD/MM/YYYY] [-o FILE]
    ocop import certificates FILE.xlsx|FILE.csv [--skip-invalid]
    ocop export renewals --format xlsx|csv [-o FILE]
    ocop report expiring --days 90 [--xlsx FILE]
    ocop officers add|remove|list [--channel telegram --user-id ID --name NAME] [--login L --role R]
    ocop broadcast --text TEXT [--province P] [--ward W] [--group G] [--stars N] [--expiring-days N] [--urgent] [--yes]
    ocop broadcast-report ID
    ocop claims list|confirm ID|refuse ID
    ocop kb check [--max-age-months N]
    ocop db upgrade|current|history

Reads the application database (``DATABASE_URL``, default SQLite under
``var/``) and writes files officers open in Excel (``ocop/reports.py``).
The schema is migrated by ``make run`` and ``ocop db upgrade``, never silently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from ocop import announcements, knowledge, knowledge_review, reports
from ocop.audiences import Audience
from ocop.choices import find_product_group
from ocop.settings import Settings
from ocop.storage import certificates, claims, console_accounts
from ocop.storage import officers as officer_list
from ocop.storage.db import Database
from ocop.vietnam_time import local_now, local_time


def parse_date(text: str) -> dt.date:
    """dd/mm/yyyy (as officers write it) or yyyy-mm-dd."""
    for layout in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text!r} (viết dạng dd/mm/yyyy, ví dụ 01/07/2026)")


def export_registrations(db: Database, args: argparse.Namespace) -> int:
    output = Path(args.output or f"dang-ky-so-bo-{local_now():%Y%m%d}.{args.format}")
    count = reports.write(reports.registration_rows(db, since=args.since), output, "Đăng ký sơ bộ")
    print(f"Đã xuất {count} hồ sơ đăng ký sơ bộ ra {output}")
    return 0


def export_renewals(db: Database, args: argparse.Namespace) -> int:
    output = Path(args.output or f"de-nghi-gia-han-{local_now():%Y%m%d}.{args.format}")
    count = reports.write(reports.renewal_rows(db), output, "Trả lời nhắc hạn")
    print(f"Đã xuất {count} đề nghị sau nhắc hạn ra {output}")
    return 0


def report_expiring(db: Database, args: argparse.Namespace) -> int:
    rows = list(reports.expiring_rows(db, local_now().date(), args.days))
    print(f"Chứng nhận hết hạn trong {args.days} ngày tới: {len(rows) - 1}")
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    if args.xlsx:
        reports.write_xlsx(rows, Path(args.xlsx), "Sắp hết hạn")
        print(f"Đã lưu {args.xlsx}")
    return 0


def import_certificates(db: Database, args: argparse.Namespace) -> int:
    from ocop.certificate_import import parse_file

    path = Path(args.file)
    if not path.exists():
        print(f"Không tìm thấy tệp {path}", file=sys.stderr)
        return 2
    parsed = parse_file(path, today=local_now().date(), progress=not args.quiet)
    if parsed.unreadable:
        print(parsed.unreadable, file=sys.stderr)
        print("Chưa nhập gì.", file=sys.stderr)
        return 2
    if parsed.errors:
        print(f"{len(parsed.errors)} lỗi trong {parsed.rows} dòng dữ liệu:", file=sys.stderr)
        for error in parsed.errors:
            print(f"  {error}", file=sys.stderr)
        if any(error.row == 1 for error in parsed.errors):  # the header: nothing can be read
            print("Chưa nhập gì. Sửa dòng tiêu đề rồi chạy lại.", file=sys.stderr)
            return 2
        if not args.skip_invalid:
            print("Chưa nhập gì. Sửa các dòng trên, hoặc chạy lại với --skip-invalid để bỏ qua chúng.", file=sys.stderr)
            return 1
    created, updated, unchanged = certificates.upsert(db, parsed.records)
    skipped = parsed.rows - len(parsed.records)
    print(f"Đã nhập {len(parsed.records)} chứng nhận: {created} mới, {updated} cập nhật, {unchanged} không đổi"
          + (f", bỏ qua {skipped} dòng lỗi" if skipped else "") + ".")
    return 0


def officers(db: Database, args: argparse.Namespace) -> int:
    if args.action == "add":
        if not (args.user_id and args.name):
            print("Cần --user-id và --name", file=sys.stderr)
            return 2
        officer_id = officer_list.add(db, args.channel, args.user_id, args.name)
        print(f"Đã thêm cán bộ {args.name} ({args.channel}:{args.user_id})")
        if args.login:
            password = os.environ.get("OCOP_OFFICER_PASSWORD") or _ask_password()
            try:
                console_accounts.set_login(db, officer_id, args.login, password, args.role, "cli")
            except ValueError as problem:
                print(problem, file=sys.stderr)
                return 2
            print(f"Đăng nhập trang quản trị: {args.login} (quyền {args.role})")
    elif args.action == "remove":
        print("Đã xóa." if officer_list.remove(db, args.channel, args.user_id) else "Không có cán bộ này.")
    else:
        for channel, user_id, name, login, role in officer_list.listing(db):
            print(f"{channel}:{user_id}\t{name}" + (f"\t{login} ({role})" if login else ""))
    return 0


def _ask_password() -> str:
    password = getpass.getpass("Mật khẩu trang quản trị: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != password:
        raise SystemExit("Hai lần nhập mật khẩu không khớp.")
    return password


def broadcast(db: Database, args: argparse.Namespace) -> int:
    group = find_product_group(args.group) if args.group else None
    audience = Audience(province=args.province, ward=args.ward, product_group=group,
                        stars=args.stars, expiring_days=args.expiring_days)
    size = announcements.count(db, audience)
    print(f"Thông báo sẽ gửi tới {size} người ({audience.describe()}).")
    if not args.yes and input("Gửi? (c/k) ").strip().lower() not in ("c", "co", "có", "y", "yes"):
        print("Đã hủy.")
        return 1
    announcement_id, size = announcements.create(db, args.text, audience, "cli", args.urgent)
    print(f"Đã xếp hàng thông báo số {announcement_id} cho {size} người; bot process sẽ gửi dần.")
    return 0


def broadcast_report(db: Database, args: argparse.Namespace) -> int:
    for status, number in sorted(announcements.report(db, args.id).items()):
        print(f"{status}\t{number}")
    return 0


def ownership_claims(db: Database, args: argparse.Namespace) -> int:
    if args.action == "list":
        rows = claims.pending(db)
        print(f"Yêu cầu xác nhận người đăng ký thuộc chủ thể đang chờ: {len(rows)}")
        for row in rows:
            print(f"#{row.id}\t{local_time(row.created_at):%d/%m/%Y %H:%M}\t{row.producer_name} "
                  f"(MST {row.tax_code})\t{row.claimed_by}\t{row.details}")
        return 0
    if args.id is None:
        print("Cần số của yêu cầu, ví dụ: ocop claims confirm 3", file=sys.stderr)
        return 2
    status = claims.decide(db, args.id, args.action == "confirm", f"cli:{args.officer}")
    if status is None:
        print(f"Không có yêu cầu #{args.id} đang chờ.", file=sys.stderr)
        return 2
    print(f"Yêu cầu #{args.id}: {'đã xác nhận' if status == 'confirmed' else 'đã từ chối'}.")
    return 0


def database(db: Database, args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        db.upgrade()
        print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất: {db.current()}")
    elif args.action == "current":
        print(db.current() or "(chưa tạo bảng nào: chạy 'ocop db upgrade')")
    else:
        print("\n".join(Database.history()))
    return 0


def knowledge_check(db: Database, args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    months = settings.kb_max_age_months if args.max_age_months is None else args.max_age_months
    findings = knowledge_review.review(knowledge.load(str(settings.knowledge_dir)),
                                       knowledge_review.superseded_decisions(settings.knowledge_dir),
                                       local_now().date(), months)
    print(knowledge_review.report(findings, months))
    return 1 if findings else 0


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
    renewals_parser = what.add_parser(
        "renewals", help="các trả lời sau nhắc hạn (đánh giá lại, nâng hạng, không đánh giá lại)")
    renewals_parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    renewals_parser.add_argument("--output", "-o", help="tên tệp")
    renewals_parser.set_defaults(handler=export_renewals)
    report = commands.add_parser("report", help="báo cáo")
    report_what = report.add_subparsers(dest="what", required=True)
    expiring = report_what.add_parser("expiring", help="chứng nhận sắp hết hạn")
    expiring.add_argument("--days", type=int, default=90)
    expiring.add_argument("--xlsx", help="lưu thêm ra tệp Excel")
    expiring.set_defaults(handler=report_expiring)
    officer = commands.add_parser("officers", help="danh sách cán bộ được phép gửi thông báo")
    officer.add_argument("action", choices=("add", "remove", "list"))
    officer.add_argument("--channel", default="telegram",
                         help="telegram, zalo_bot, zalo_oa, hoặc web (chỉ dùng trang quản trị)")
    officer.add_argument("--user-id")
    officer.add_argument("--name")
    officer.add_argument("--login", help="tên đăng nhập trang quản trị (mật khẩu: hỏi, hoặc OCOP_OFFICER_PASSWORD)")
    officer.add_argument("--role", choices=console_accounts.ROLES, default="officer")
    officer.set_defaults(handler=officers)
    send = commands.add_parser("broadcast", help="gửi thông báo tới người đăng ký nhận tin")
    send.add_argument("--text", required=True)
    send.add_argument("--province")
    send.add_argument("--ward")
    send.add_argument("--group", help="nhóm sản phẩm, ví dụ \"đồ uống\" hoặc do_uong")
    send.add_argument("--stars", type=int, choices=(3, 4, 5))
    send.add_argument("--expiring-days", type=int)
    send.add_argument("--urgent", action="store_true", help="gửi cả trong giờ nghỉ ban đêm (OCOP_QUIET_HOURS)")
    send.add_argument("--yes", action="store_true", help="không hỏi xác nhận")
    send.set_defaults(handler=broadcast)
    result = commands.add_parser("broadcast-report", help="kết quả gửi một thông báo")
    result.add_argument("id", type=int)
    result.set_defaults(handler=broadcast_report)
    load = commands.add_parser("import", help="nhập dữ liệu từ Excel/CSV")
    load_what = load.add_subparsers(dest="what", required=True)
    certs = load_what.add_parser("certificates", help="danh sách giấy chứng nhận OCOP")
    certs.add_argument("file", help="tệp .xlsx hoặc .csv, dòng đầu là tiêu đề cột")
    certs.add_argument("--skip-invalid", action="store_true", help="nhập các dòng hợp lệ, bỏ qua dòng lỗi")
    certs.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    certs.set_defaults(handler=import_certificates)
    claim = commands.add_parser("claims", help="xác nhận người đăng ký có thuộc chủ thể đã có hồ sơ không")
    claim.add_argument("action", choices=("list", "confirm", "refuse"))
    claim.add_argument("id", type=int, nargs="?")
    claim.add_argument("--officer", default="cán bộ", help="tên cán bộ quyết định (ghi vào nhật ký)")
    claim.set_defaults(handler=ownership_claims)
    kb = commands.add_parser("kb", help="kho câu trả lời (data/knowledge/)")
    kb.add_argument("action", choices=("check",),
                    help="liệt kê câu trả lời lâu chưa kiểm tra hoặc dựa trên quyết định đã hết hiệu lực")
    kb.add_argument("--max-age-months", type=int, help="mặc định OCOP_KB_MAX_AGE_MONTHS (6)")
    kb.set_defaults(handler=knowledge_check)
    schema = commands.add_parser("db", help="phiên bản cơ sở dữ liệu (Alembic)")
    schema.add_argument("action", choices=("upgrade", "current", "history"))
    schema.set_defaults(handler=database)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    db = Database(Settings.from_env().database_url)  # a command is a process: its settings are read here
    try:
        return args.handler(db, args)
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
