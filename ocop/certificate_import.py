"""Read officers' certificate lists (.xlsx or .csv) and load them into the registry.

Column headers are matched as officers write them ("Số GCN", "Số chứng nhận",
"Mã số thuế", "Hạng sao", "Ngày quyết định", "Ngày cấp" …, with or without
accents). An optional "Địa chỉ" gives the holder's commune, converted to the
current units as the registration form does (for the console's per-commune targets).
A certificate is valid 36 months from the recognition decision
("Ngày quyết định"), which often precedes the hand-over ("Ngày cấp"): without
an expiry date, the expiry is counted from the decision when the file gives
it, from the issue date otherwise. Every row is
checked first; the report lists each bad row with its number, column and
reason. The import is all or nothing: a file with errors changes nothing
unless ``skip_invalid`` is set. Certificates are keyed on their number, so
importing the same file again updates rather than duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Text, Tuple

from dateutil.relativedelta import relativedelta
from openpyxl.utils.exceptions import InvalidFileException
from stdnum.vn import mst

from ocop.address import parse_address
from ocop.storage.certificates import number_key
from ocop.text import fold, place_key
from ocop.vietnam_time import local_now

VALIDITY_MONTHS = 36

# Field → folded header spellings; the first header that matches wins.
HEADERS: Dict[Text, Tuple[Text, ...]] = {
    "number": ("so chung nhan", "so gcn", "so giay chung nhan", "ma chung nhan", "so hieu"),
    "product_name": ("ten san pham", "san pham"),
    "holder_name": ("ten chu the", "chu the", "ten don vi", "don vi", "co so", "ten co so"),
    "holder_tax_code": ("ma so thue", "mst", "ma so doanh nghiep", "ma so dkkd", "so dkkd"),
    "star_rating": ("hang sao", "so sao", "xep hang", "sao"),
    "issuing_authority": ("co quan cap", "noi cap", "don vi cap", "cap boi", "co quan cong nhan"),
    "decision_number": ("so quyet dinh", "quyet dinh", "so qd"),
    "decision_date": ("ngay quyet dinh", "ngay ra quyet dinh", "ngay qd", "ngay ky quyet dinh", "ngay cong nhan"),
    "issue_date": ("ngay cap", "ngay ky", "ngay trao"),
    "expiry_date": ("ngay het han", "het han", "hieu luc den", "co hieu luc den"),
    "status": ("trang thai", "tinh trang"),
    "holder_address": ("dia chi", "dia chi chu the", "dia chi san xuat", "dia chi co so", "dia diem san xuat"),
}
REQUIRED = ("number", "product_name", "holder_name", "holder_tax_code", "star_rating", "issuing_authority",
            "issue_date")
TITLES = {
    "number": "Số chứng nhận", "product_name": "Tên sản phẩm", "holder_name": "Chủ thể",
    "holder_tax_code": "Mã số thuế", "star_rating": "Hạng sao", "issuing_authority": "Cơ quan cấp",
    "decision_number": "Số quyết định", "decision_date": "Ngày quyết định", "issue_date": "Ngày cấp",
    "expiry_date": "Ngày hết hạn", "status": "Trạng thái", "holder_address": "Địa chỉ",
}


@dataclass
class RowError:
    row: int  # as the officer sees it in Excel (header = 1)
    column: Text
    reason: Text

    def __str__(self) -> Text:
        return f"Dòng {self.row}, cột \"{self.column}\": {self.reason}"


@dataclass
class ParsedFile:
    records: List[Dict[Text, Any]] = field(default_factory=list)
    errors: List[RowError] = field(default_factory=list)
    rows: int = 0
    unreadable: Optional[Text] = None  # the whole file could not be read: why, in Vietnamese


def _key(header: Any) -> Text:
    return " ".join(fold(str(header or "")).lower().replace("_", " ").split()).strip(" :*")


def map_headers(headers: Sequence[Any]) -> Tuple[Dict[Text, int], List[Text]]:
    """Column index of each known field, and the required fields that are missing."""
    found: Dict[Text, int] = {}
    keys = [_key(h) for h in headers]
    for name, spellings in HEADERS.items():
        for spelling in spellings:
            if spelling in keys and keys.index(spelling) not in found.values():
                found[name] = keys.index(spelling)
                break
    return found, [TITLES[name] for name in REQUIRED if name not in found]


def read_rows(path: Path) -> Iterator[List[Any]]:
    """Rows of the first sheet of an .xlsx, or of a .csv (UTF-8, with or without BOM; comma or semicolon)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
        return
    with open(path, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
        except csv.Error:  # one column, or no separator the sniffer recognises
            dialect = csv.excel
        yield from csv.reader(handle, dialect)


UNREADABLE = (
    "Không đọc được tệp {name}: {why}. Hãy lưu lại bằng Excel dưới dạng .xlsx, "
    "hoặc CSV UTF-8 (phân cách bằng dấu phẩy hoặc chấm phẩy), dòng đầu là tiêu đề cột."
)


def parse_date(value: Any) -> Optional[dt.date]:
    """dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy) or an Excel date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", str(value or ""))
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_stars(value: Any) -> Optional[int]:
    match = re.search(r"[345]", str(value or ""))
    digits = re.sub(r"\D", "", str(value or ""))
    return int(match.group()) if match and len(digits) == 1 else None


def clean_tax_code(value: Any) -> Optional[Text]:
    text = str(value or "").strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    digits = re.sub(r"\D", "", text)
    if len(digits) == 9 and text.isdigit():  # Excel dropped the leading zero
        digits = "0" + digits
    if len(digits) in (10, 13) and mst.is_valid(digits):
        return digits
    if len(digits) == 11 and text.isdigit():
        digits = "0" + digits
    if len(digits) == 12 and 1 <= int(digits[:3]) <= 96:
        return digits
    return None


def status_for(expiry: dt.date, today: dt.date, given: Text = "") -> Text:
    words = fold(given).lower()
    if "thu hoi" in words:
        return "withdrawn"
    if "cong nhan lai" in words or "gia han" in words:
        return "renewed"
    if expiry < today:
        return "expired"
    if expiry <= today + dt.timedelta(days=90):
        return "expiring"
    return "valid"


def parse_record(cells: Dict[Text, Any], row: int, today: dt.date) -> Tuple[Optional[Dict[Text, Any]], List[RowError]]:
    errors: List[RowError] = []

    def bad(name: Text, reason: Text) -> None:
        errors.append(RowError(row, TITLES[name], reason))

    text = {name: " ".join(str(value).split()) if value is not None else "" for name, value in cells.items()}
    for name in ("number", "product_name", "holder_name", "issuing_authority"):
        if not text.get(name):
            bad(name, "để trống")
    tax = clean_tax_code(cells.get("holder_tax_code"))
    if tax is None:
        bad("holder_tax_code", "không phải mã số thuế hợp lệ (10 hoặc 13 chữ số, hoặc số định danh 12 chữ số)")
    stars = parse_stars(cells.get("star_rating"))
    if stars is None:
        bad("star_rating", "hạng sao phải là 3, 4 hoặc 5")
    issue = parse_date(cells.get("issue_date"))
    if issue is None:
        bad("issue_date", "ngày không đúng dạng dd/mm/yyyy")
    decision = None
    if text.get("decision_date"):
        decision = parse_date(cells.get("decision_date"))
        if decision is None:
            bad("decision_date", "ngày không đúng dạng dd/mm/yyyy")
        elif issue is not None and decision > issue:
            bad("decision_date", "ngày quyết định công nhận không thể sau ngày cấp giấy")
    start = decision or issue  # validity runs from the recognition decision; the hand-over may come later
    expiry = None
    if text.get("expiry_date"):
        expiry = parse_date(cells.get("expiry_date"))
        if expiry is None:
            bad("expiry_date", "ngày không đúng dạng dd/mm/yyyy")
        elif start is not None and expiry <= start:
            bad("expiry_date", "ngày hết hạn phải sau ngày quyết định/ngày cấp")
    elif start is not None:
        expiry = start + relativedelta(months=VALIDITY_MONTHS)
    place = None
    if text.get("holder_address"):
        place = parse_address(text["holder_address"])
        if place is None:
            bad("holder_address",
                "không nhận ra xã/phường và tỉnh/thành phố (ghi ví dụ: \"xã Củ Chi, TP. Hồ Chí Minh\")")
    if errors:
        return None, errors
    return {
        "number": text["number"],
        "product_name": text["product_name"],
        "holder_name": text["holder_name"],
        "holder_tax_code": tax,
        "star_rating": stars,
        "issuing_authority": text["issuing_authority"],
        "decision_number": text.get("decision_number") or None,
        "decision_date": decision,
        "issue_date": issue,
        "expiry_date": expiry,
        "status": status_for(expiry, today, text.get("status", "")),
        **({"holder_address": text["holder_address"], "ward": place.ward,
            "ward_key": place_key(place.ward), "province_key": place_key(place.province)}
           if place is not None else {}),
    }, []


def parse_file(path: Path, today: Optional[dt.date] = None, progress: bool = False) -> ParsedFile:
    """Every record of the file, or the reasons each bad row was refused."""
    today = today or local_now().date()  # Vietnam's date: expiry is a date there
    result = ParsedFile()
    try:
        return _parse_rows(read_rows(path), result, today, progress)
    except UnicodeDecodeError:
        why = "tệp không phải văn bản UTF-8"
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException):
        why = "tệp hỏng hoặc không phải bảng tính Excel/CSV"
    return ParsedFile(unreadable=UNREADABLE.format(name=path.name, why=why))


def _parse_rows(rows: Iterator[List[Any]], result: ParsedFile, today: dt.date, progress: bool) -> ParsedFile:
    header = next(rows, None)
    if header is None:
        result.errors.append(RowError(1, "-", "tệp trống"))
        return result
    columns, missing = map_headers(header)
    if missing:
        result.errors.append(RowError(1, ", ".join(missing), "thiếu cột (kiểm tra dòng tiêu đề)"))
        return result
    if progress:
        from tqdm import tqdm

        rows = tqdm(rows, desc="Đọc tệp", unit=" dòng")
    seen: Dict[Text, int] = {}
    for number, raw in enumerate(rows, start=2):
        if not any(str(cell or "").strip() for cell in raw):
            continue
        result.rows += 1
        cells = {name: raw[index] if index < len(raw) else None for name, index in columns.items()}
        record, errors = parse_record(cells, number, today)
        key = number_key(record["number"]) if record is not None else ""
        if key in seen:
            errors = [RowError(number, TITLES["number"], f"trùng với dòng {seen[key]}")]
            record = None
        result.errors.extend(errors)
        if record is not None:
            seen[key] = number
            result.records.append(record)
    return result
