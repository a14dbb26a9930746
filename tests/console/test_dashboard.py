"""Tiến độ chỉ tiêu: computed from imported certificates and pre-registrations, per current commune."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl

from fakes.tax_codes import tax_code
from ocop import certificate_import
from ocop.storage import certificates, registrations
from ocop.vietnam_time import local_now
from tests.console.conftest import Console

HEADER = "Số GCN,Tên sản phẩm,Chủ thể,Mã số thuế,Hạng sao,Cơ quan cấp,Ngày quyết định,Ngày cấp,Địa chỉ\n"


def import_rows(console: Console, tmp_path: Path, rows: str) -> None:
    path = tmp_path / "gcn.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    parsed = certificate_import.parse_file(path)
    assert not parsed.errors, parsed.errors
    certificates.upsert(console.db, parsed.records)


def register(console: Console, number: int, ward: str) -> None:
    registrations.submit(console.db, registrations.Submission(
        channel="telegram", user_id=f"u{number}", subject_type="hop_tac_xa", subject_name=f"HTX số {number}",
        representative="Nguyễn Thị Lan", tax_code=tax_code(100 + number), phone="+84912345678", email=None,
        address=f"Ấp 1, {ward}, Thành phố Hồ Chí Minh", ward=ward, province="Thành phố Hồ Chí Minh",
        product_name=f"Sản phẩm {number}", product_group="thuc_pham", description="Mô tả",
        has_quality_documents=True))


def row_of(html: str, unit: str, cell: str = "td") -> str:
    start = html.index(f"<{cell}>{unit}</{cell}>" if cell == "td" else f'<th scope="row">{unit}</th>')
    return html[start: html.index("</tr>", start)]


def cells(row: str) -> list:
    return [part.split("</td>")[0].strip() for part in row.split('<td class="n">')[1:]]


def test_the_dashboard_counts_products_in_force_per_current_commune(console: Console, tmp_path: Path) -> None:
    year = dt.date.today().year - 1
    import_rows(console, tmp_path, (
        # A former address (xã Tân Thông Hội, huyện Củ Chi) counts for today's xã Củ Chi.
        f"1/GCN,Trà A,HTX A,{tax_code(1)},4,UBND TP,01/03/{year},15/03/{year},"
        "\"Ấp 2, xã Tân Thông Hội, huyện Củ Chi, TP. Hồ Chí Minh\"\n"
        f"2/GCN,Mắm B,HTX B,{tax_code(2)},3,UBND TP,01/03/{year},15/03/{year},\"xã Củ Chi, TP. Hồ Chí Minh\"\n"
        # Expired long ago: not counted.
        f"3/GCN,Bánh C,HTX C,{tax_code(3)},3,UBND huyện,01/03/2019,15/03/2019,\"xã Củ Chi, TP. Hồ Chí Minh\"\n"
        f"4/GCN,Trà D,HTX D,{tax_code(4)},3,UBND TP,01/03/{year},15/03/{year},\"Phường Sài Gòn, TP. Hồ Chí Minh\"\n"
        # No address: counted as unplaced.
        f"5/GCN,Gạo E,HTX E,{tax_code(5)},5,Bộ NN,01/03/{year},15/03/{year},\n"
    ))
    register(console, 1, "Xã Củ Chi")
    register(console, 2, "Xã Cần Giờ")
    html = console.signed_in("viewer").get("/tien-do").text

    assert "168 đơn vị hành chính cấp xã" in html
    # 3★, 4★, 5★, total, in progress, target, gap
    assert cells(row_of(html, "Xã Củ Chi")) == ["1", "1", "0", "2", "1", "2–3", "Đạt"]
    assert cells(row_of(html, "Xã Cần Giờ")) == ["0", "0", "0", "0", "1", "2–3", "2"]
    assert cells(row_of(html, "Phường Sài Gòn")) == ["1", "0", "0", "1", "0", "1", "Đạt"]
    assert "1 sản phẩm còn hiệu lực chưa rõ xã/phường" in html
    district = row_of(html, "Huyện Củ Chi", cell="th")
    assert cells(district)[:3] == ["1", "2", "1"]  # one 4-star product; rural target 2; one missing


def test_filters_sorting_and_the_excel_download_agree(console: Console, tmp_path: Path) -> None:
    year = dt.date.today().year - 1
    import_rows(console, tmp_path, "".join(
        f"{n}/GCN,SP {n},HTX {n},{tax_code(n)},3,UBND TP,01/03/{year},15/03/{year},\"Xã Bình Chánh, TP. Hồ Chí Minh\"\n"
        for n in range(1, 4)))
    client = console.signed_in("viewer")
    html = client.get("/tien-do", params={"loai": "commune", "trang_thai": "reached"}).text
    assert "1 đơn vị phù hợp bộ lọc" in html and "<td>Xã Bình Chánh</td>" in html
    missing = client.get("/tien-do", params={"loai": "ward", "trang_thai": "missing", "sap_xep": "name"}).text
    assert "113 đơn vị phù hợp bộ lọc" in missing
    assert missing.index("<td>Phường An Đông</td>") < missing.index("<td>Phường Xuân Hòa</td>")

    download = client.get("/tien-do.xlsx", params={"loai": "commune", "sap_xep": "certified"})
    assert download.headers["content-disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Xã/phường/đặc khu" and len(rows) == 1 + 54
    assert rows[1][0] == "Xã Bình Chánh" and rows[1][3] == 3 and rows[1][-1] == "Đạt"


def test_an_address_the_import_cannot_place_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "gcn.csv"
    path.write_text(HEADER + f"1/GCN,Trà,HTX,{tax_code(1)},4,UBND,01/03/2025,15/03/2025,không rõ ở đâu\n",
                    encoding="utf-8")
    parsed = certificate_import.parse_file(path)
    assert [str(error) for error in parsed.errors] == [
        'Dòng 2, cột "Địa chỉ": không nhận ra xã/phường và tỉnh/thành phố (ghi ví dụ: "xã Củ Chi, TP. Hồ Chí Minh")']


def test_registrations_per_month_are_charted(console: Console) -> None:
    register(console, 7, "Xã Củ Chi")
    html = console.signed_in("viewer").get("/tien-do").text
    this_month = local_now().strftime("%m/%Y")  # Vietnam's month, as the chart's
    assert f"<title>{this_month}: 1</title>" in html


def test_the_name_filter_finds_a_commune_with_or_without_accents(console: Console) -> None:
    client = console.signed_in("viewer")
    for typed in ("Củ Chi", "cu chi", "CỦ CHI"):
        html = client.get("/tien-do", params={"tim": typed}).text
        assert "<td>Xã Củ Chi</td>" in html and "<td>Xã Cần Giờ</td>" not in html, typed
