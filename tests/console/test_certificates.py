"""The certificate registry in the browser: upload, preview of every row error, all-or-nothing import."""

from __future__ import annotations

import datetime as dt
import os
import time

from sqlalchemy import func, select

from fakes.tax_codes import tax_code
from ocop.storage.models import AuditLog, Certificate
from tests.console.conftest import Console, csrf_of

HEADER = "Số GCN,Tên sản phẩm,Chủ thể,Mã số thuế,Hạng sao,Cơ quan cấp,Ngày quyết định,Ngày cấp,Địa chỉ\n"


def good_row(n: int, year: int = 2025) -> str:
    return (f"{n}/GCN,Sản phẩm {n},HTX {n},{tax_code(n)},4,UBND TP,01/03/{year},15/03/{year},"
            "\"Xã Củ Chi, TP. Hồ Chí Minh\"\n")


def upload(client, text: str, name: str = "gcn.csv"):
    page = client.get("/chung-nhan")
    return client.post("/chung-nhan/nhap", data={"csrf_token": csrf_of(page.text)},
                       files={"file": (name, text.encode("utf-8"), "text/csv")})


def certificate_count(console: Console) -> int:
    with console.db.session() as session:
        return session.execute(select(func.count()).select_from(Certificate)).scalar_one()


def test_a_file_with_errors_is_previewed_and_nothing_is_written(console: Console) -> None:
    client = console.signed_in("admin")
    text = HEADER + good_row(1) + "2/GCN,SP,HTX,123,7,UBND,01/03/2025,15/03/2025,\n" + good_row(1)
    preview = upload(client, text)
    assert preview.status_code == 200
    assert "Dòng" in preview.text and "hạng sao phải là 3, 4 hoặc 5" in preview.text
    assert "không phải mã số thuế hợp lệ" in preview.text and "trùng với dòng 2" in preview.text
    assert "Bỏ qua dòng lỗi và nhập 1 dòng hợp lệ" in preview.text
    assert certificate_count(console) == 0


def test_a_clean_file_is_imported_after_confirmation_only(console: Console) -> None:
    client = console.signed_in("admin")
    preview = upload(client, HEADER + good_row(1) + good_row(2))
    assert "Xác nhận nhập 2 chứng nhận" in preview.text and "Xã Củ Chi" in preview.text
    assert certificate_count(console) == 0
    action = preview.text.split('action="/chung-nhan/nhap/')[1].split('"')[0]
    done = client.post(f"/chung-nhan/nhap/{action}", data={"csrf_token": csrf_of(preview.text)})
    assert "Đã nhập 2 chứng nhận: 2 mới" in done.text
    assert certificate_count(console) == 2
    with console.db.session() as session:
        assert session.execute(select(AuditLog).where(AuditLog.action == "imported",
                                                      AuditLog.actor == "console:admin")).first()
    # The stored upload is gone: confirming twice imports nothing twice.
    assert client.post(f"/chung-nhan/nhap/{action}", data={"csrf_token": csrf_of(preview.text)}).status_code == 404
    found = client.get("/chung-nhan", params={"tim": "san pham 2"}).text
    assert "2/GCN" in found and "1 chứng nhận phù hợp" in found


def test_an_officer_or_viewer_cannot_import(console: Console) -> None:
    for role in ("viewer", "officer"):
        client = console.signed_in(role)
        assert "Nhập danh sách chứng nhận" not in client.get("/chung-nhan").text
        assert upload(client, HEADER + good_row(1)).status_code == 403
    assert certificate_count(console) == 0


def test_only_spreadsheets_are_accepted(console: Console) -> None:
    client = console.signed_in("admin")
    refused = upload(client, "#!/bin/sh", name="x.sh")
    assert "Vui lòng chọn tệp Excel (.xlsx) hoặc CSV." in refused.text


def test_upload_names_cannot_reach_other_files(console: Console) -> None:
    client = console.signed_in("admin")
    assert client.get("/chung-nhan/nhap/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/chung-nhan/nhap/short.csv").status_code == 404


def test_expiring_certificates_list_reminders_and_answers(console: Console) -> None:
    client = console.signed_in("admin")
    year = dt.date.today().year - 3
    preview = upload(client, HEADER + good_row(1, year) + good_row(2, 2099 - 3))
    action = preview.text.split('action="/chung-nhan/nhap/')[1].split('"')[0]
    client.post(f"/chung-nhan/nhap/{action}", data={"csrf_token": csrf_of(preview.text)})
    page = client.get("/chung-nhan/sap-het-han", params={"ngay": "400"}).text
    assert "1/GCN" in page and "2/GCN" not in page and "Chưa trả lời" in page
    download = client.get("/chung-nhan/sap-het-han.xlsx", params={"ngay": "400"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/vnd.openxml")


def test_an_unconfirmed_upload_is_deleted_after_an_hour(console: Console) -> None:
    client = console.signed_in("admin")
    preview = upload(client, HEADER + good_row(1))
    name = preview.text.split('action="/chung-nhan/nhap/')[1].split('"')[0].split("/")[0]
    stored = console.settings.var_dir / "uploads" / name
    assert stored.exists()
    old = time.time() - 2 * 3600
    os.utime(stored, (old, old))
    assert client.get(f"/chung-nhan/nhap/{name}").status_code == 404
    assert not stored.exists()
