"""Certificate import (officers' Excel/CSV) and linking chat users, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli
from ocop.certificate_import import parse_file
from ocop.settings import PROJECT_ROOT
from ocop.storage import certificates
from ocop.storage.db import Database
from ocop.storage.models import AuditLog, Certificate

SAMPLES = PROJECT_ROOT / "data" / "samples"
HEADER = ["so gcn", "ten san pham", "chu the", "ma so thue", "hang sao", "co quan cap", "ngay cap"]
GOOD = ["318/GCN-UBND", "Trà mãng cầu", "HTX Tân Lập", "0100109106", "4 sao", "UBND TP. Hồ Chí Minh", "15/03/2024"]


def write_csv(path: Path, *rows) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def count(db: Database) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(Certificate)).scalar_one()


def test_sample_file_imports_and_reimport_updates(db: Database, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert cli.main(["import", "certificates", str(SAMPLES / "certificates.xlsx"), "--quiet"]) == 0
    assert "5 mới" in capsys.readouterr().out
    with db.session() as session:
        before = {c.number: c.updated_at for c in session.execute(select(Certificate)).scalars()}
    assert cli.main(["import", "certificates", str(SAMPLES / "certificates.csv"), "--quiet"]) == 0
    assert "0 mới, 0 cập nhật, 5 không đổi" in capsys.readouterr().out
    with db.session() as session:
        assert {c.number: c.updated_at for c in session.execute(select(Certificate)).scalars()} == before
    with db.session() as session:
        tea = session.execute(select(Certificate).where(Certificate.number == "318/GCN-UBND")).scalar_one()
        # valid 36 months from the recognition decision, not from the later hand-over
        assert (tea.star_rating, tea.decision_date, tea.issue_date, tea.expiry_date) == (
            4, dt.date(2024, 2, 28), dt.date(2024, 3, 15), dt.date(2027, 2, 28))
        cake = session.execute(select(Certificate).where(Certificate.number == "1123/GCN-UBND")).scalar_one()
        assert (cake.decision_date, cake.expiry_date) == (None, dt.date(2026, 12, 10))  # no decision date: from issue


def test_errors_are_reported_per_row_and_nothing_changes(db: Database, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url)
    bad = write_csv(
        tmp_path / "bad.csv",
        GOOD,
        ["45/GCN", "Mật ong", "HTX U Minh", "0100109107", "4", "UBND xã", "02/01/2024"],
        ["46/GCN", "Mắm", "Cơ sở Hòa", "0100109106", "2 sao", "UBND xã", "31/02/2024"],
    )
    assert cli.main(["import", "certificates", str(bad), "--quiet"]) == 1
    report = capsys.readouterr().err
    assert 'Dòng 3, cột "Mã số thuế"' in report
    assert 'Dòng 4, cột "Hạng sao"' in report and 'Dòng 4, cột "Ngày cấp"' in report
    assert count(db) == 0  # all or nothing
    assert cli.main(["import", "certificates", str(bad), "--quiet", "--skip-invalid"]) == 0
    assert "bỏ qua 2 dòng lỗi" in capsys.readouterr().out
    assert count(db) == 1


def test_missing_columns_and_duplicate_numbers(tmp_path: Path) -> None:
    with open(tmp_path / "x.csv", "w", encoding="utf-8") as handle:
        handle.write("Tên sản phẩm;Ngày cấp\nTrà;01/01/2024\n")
    [error] = parse_file(tmp_path / "x.csv").errors
    assert error.row == 1 and "Số chứng nhận" in error.column
    parsed = parse_file(write_csv(tmp_path / "d.csv", GOOD, GOOD))
    assert [str(e) for e in parsed.errors] == ['Dòng 3, cột "Số chứng nhận": trùng với dòng 2']


def test_linking_needs_number_and_tax_code(db: Database, tmp_path: Path) -> None:
    records = parse_file(write_csv(tmp_path / "c.csv", GOOD)).records
    certificates.upsert(db, records)
    assert certificates.link(db, "rest", "u1", "318/gcn-ubnd", "0312345673") is None
    view = certificates.link(db, "rest", "u1", "318/GCN-UBND", "0100109106")
    assert view is not None and view.expiry_date == dt.date(2027, 3, 15)
    assert [c.number for c in certificates.linked(db, "rest", "u1")] == ["318/GCN-UBND"]
    assert certificates.linked(db, "rest", "u2") == []
    assert certificates.unlink_all(db, "rest", "u1") == 1
    assert certificates.linked(db, "rest", "u1") == []


def test_numbers_differing_only_in_case_are_one_certificate(tmp_path: Path) -> None:
    lower = [GOOD[0].lower(), *GOOD[1:]]
    parsed = parse_file(write_csv(tmp_path / "d.csv", GOOD, lower))
    assert [str(e) for e in parsed.errors] == ['Dòng 3, cột "Số chứng nhận": trùng với dòng 2']


def test_a_new_holder_unlinks_the_chats_of_the_former_one(db: Database, tmp_path: Path) -> None:
    certificates.upsert(db, parse_file(write_csv(tmp_path / "a.csv", GOOD)).records)
    assert certificates.link(db, "rest", "u1", "318/GCN-UBND", "0100109106") is not None
    moved = [*GOOD[:3], "0312345673", *GOOD[4:]]
    assert certificates.upsert(db, parse_file(write_csv(tmp_path / "b.csv", moved)).records) == (0, 1, 0)
    assert certificates.linked(db, "rest", "u1") == []


def test_unreadable_files_get_a_vietnamese_error_and_exit_2(db: Database, tmp_path: Path, monkeypatch,
                                                             capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url)
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    one_column = tmp_path / "mot-cot.csv"
    one_column.write_text("so gcn\n318/GCN-UBND\n", encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(";".join(HEADER).encode() + b"\n318;Tr\xe0;HTX;0100109106;4;UBND;15/03/2024\n")
    for path in (broken, one_column, latin):
        assert cli.main(["import", "certificates", str(path), "--quiet"]) == 2
        error = capsys.readouterr().err
        assert ("Không đọc được tệp" in error or "thiếu cột" in error) and "Traceback" not in error
    assert count(db) == 0


def test_five_wrong_guesses_a_day_then_a_wait(db: Database, tmp_path: Path) -> None:
    certificates.upsert(db, parse_file(write_csv(tmp_path / "c.csv", GOOD)).records)
    for guess in range(5):
        assert certificates.link(db, "telegram", "666", "318/GCN-UBND", f"010010910{guess}") is None
    with pytest.raises(certificates.TooManyAttempts):
        certificates.link(db, "telegram", "666", "318/GCN-UBND", "0100109106")  # even the right one
    assert certificates.link(db, "telegram", "777", "318/GCN-UBND", "0100109106") is not None  # others are not held
    with db.session() as session:
        refused = session.execute(select(AuditLog).where(AuditLog.action == "link_refused")).scalars().all()
    assert len(refused) == 5 and len({row.actor for row in refused}) == 1
    assert refused[0].actor.startswith("h:") and "666" not in refused[0].actor


def test_a_decision_dated_after_the_hand_over_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            [*HEADER, "Ngay quyet dinh"],
            [*GOOD, "20/03/2024"],  # decided after it was handed over: a typo somewhere
        ])
    parsed = parse_file(path)
    assert [str(error) for error in parsed.errors] == [
        'Dòng 2, cột "Ngày quyết định": ngày quyết định công nhận không thể sau ngày cấp giấy']
