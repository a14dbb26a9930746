"""Pre-registration storage on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import re

import openpyxl
from sqlalchemy import func, select

from bot import cli
from fakes.tax_codes import tax_code
from ocop.storage import claims, registrations
from ocop.storage.db import Database
from ocop.storage.models import AuditLog, ChatUser, PreRegistration, Producer
from ocop.vietnam_time import local_now


def submission(**changes) -> registrations.Submission:
    data = registrations.Submission(
        channel="rest", user_id="u1", subject_type="hop_tac_xa", subject_name="HTX Trà Tân Lập",
        representative="Nguyễn Thị Lan", tax_code=tax_code(1), phone="+84912345678", email=None,
        address="Ấp 3, Xã Củ Chi, Thành phố Hồ Chí Minh", ward="Xã Củ Chi", province="Thành phố Hồ Chí Minh",
        product_name="Trà mãng cầu Tân Lập", product_group="do_uong", description="Trà mãng cầu sấy lạnh",
        has_quality_documents=True,
    )
    return dataclasses.replace(data, **changes)


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_submit_writes_every_row_with_a_reference_code(db: Database) -> None:
    outcome = registrations.submit(db, submission())
    assert outcome.created
    assert re.fullmatch(rf"OCOP-{local_now().year}-\d{{6}}", outcome.reference_code)
    with db.session() as session:
        registration = session.execute(select(PreRegistration)).scalar_one()
        producer = session.execute(select(Producer)).scalar_one()
        user = session.execute(select(ChatUser)).scalar_one()
        audit = session.execute(select(AuditLog)).scalar_one()
        assert registration.reference_code == outcome.reference_code
        assert (producer.tax_code, producer.phone, producer.ward) == (tax_code(1), "+84912345678", "Xã Củ Chi")
        assert (user.channel, user.user_id, user.producer_id) == ("rest", "u1", producer.id)
        assert registration.status == "submitted" and registration.has_quality_documents
        assert audit.action == "submitted" and outcome.reference_code in audit.details
        assert tax_code(1) not in audit.details  # personal data masked


def test_the_same_chat_sending_the_same_product_gets_its_code_back(db: Database) -> None:
    first = registrations.submit(db, submission())
    again = registrations.submit(db, submission(product_name="tra mang cau  TAN LAP"))
    assert (again.created, again.reference_code) == (False, first.reference_code)
    other = registrations.submit(db, submission(product_name="Bánh pía"))
    assert other.created and other.reference_code != first.reference_code
    assert count(db, PreRegistration) == 2
    assert count(db, Producer) == 1


def test_a_stranger_with_a_known_tax_code_changes_nothing_and_learns_nothing(db: Database) -> None:
    first = registrations.submit(db, submission())
    stranger = submission(user_id="stranger", subject_name="Giả mạo", phone="+84987654321", email="x@y.vn",
                          address="Nơi khác")
    twin = registrations.submit(db, stranger)
    assert twin == registrations.Outcome(None, created=False, claim_pending=True)  # no existing code told
    new = registrations.submit(db, dataclasses.replace(stranger, product_name="Mật ong"))
    assert new.created and new.claim_pending and new.reference_code != first.reference_code
    with db.session() as session:
        producer = session.execute(select(Producer)).scalar_one()
        assert (producer.name, producer.phone, producer.email) == ("HTX Trà Tân Lập", "+84912345678", None)
        user = session.execute(select(ChatUser).where(ChatUser.user_id == "stranger")).scalar_one()
        assert user.producer_id is None
    assert [r.status for r in registrations.for_chat_user(db, "rest", "stranger")] == [claims.WAITING]
    [claim] = claims.pending(db)
    assert claim.claimed_by == "rest:stranger" and "+84987654321" not in claim.details
    assert claims.decide(db, claim.id, confirm=True, officer="cli:test") == "confirmed"
    assert [r.status for r in registrations.for_chat_user(db, "rest", "stranger")] == ["submitted"]
    assert claims.decide(db, claim.id, confirm=False, officer="cli:test") is None  # decided once


def test_officers_refuse_a_claim_from_the_command_line(db: Database, monkeypatch, capsys) -> None:
    registrations.submit(db, submission())
    registrations.submit(db, submission(user_id="stranger", product_name="Mật ong"))
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert cli.main(["claims", "list"]) == 0 and "rest:stranger" in capsys.readouterr().out
    [claim] = claims.pending(db)
    assert cli.main(["claims", "refuse", str(claim.id)]) == 0
    assert [r.status for r in registrations.for_chat_user(db, "rest", "stranger")] == ["rejected"]
    assert cli.main(["claims", "confirm", str(claim.id)]) == 2


def test_concurrent_twins_make_one_row(db: Database) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda i: registrations.submit(db, submission()), range(8)))
    assert len({o.reference_code for o in outcomes}) == 1
    assert sum(o.created for o in outcomes) == 1
    assert count(db, PreRegistration) == 1


def test_concurrent_strangers_make_one_producer_and_learn_no_code(db: Database) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda i: registrations.submit(db, submission(user_id=f"u{i}")), range(8)))
    owners = [o for o in outcomes if not o.claim_pending]
    assert len(owners) == 1 and owners[0].created
    assert all(o.reference_code is None for o in outcomes if o.claim_pending)
    assert count(db, PreRegistration) == 1 and count(db, Producer) == 1


def test_each_chat_user_sees_only_their_own(db: Database) -> None:
    registrations.submit(db, submission())
    registrations.submit(db, submission(user_id="u2", tax_code=tax_code(2), product_name="Mật ong"))
    mine = registrations.for_chat_user(db, "rest", "u1")
    assert [row.product for row in mine] == ["Trà mãng cầu Tân Lập"]
    assert registrations.for_chat_user(db, "telegram", "u1") == []


def test_export_xlsx_and_csv_with_vietnamese_headers(db: Database, tmp_path, monkeypatch) -> None:
    registrations.submit(db, submission())
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert cli.main(["export", "registrations", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã hồ sơ", "Ngày đăng ký", "Trạng thái", "Tên sản phẩm")
    assert rows[1][3] == "Trà mãng cầu Tân Lập" and rows[1][4] == "Đồ uống" and len(rows) == 2
    tomorrow = (local_now().date() + dt.timedelta(days=1)).strftime("%d/%m/%Y")  # Vietnam's date, as the export's
    csv_file = str(tmp_path / "r.csv")
    assert cli.main(["export", "registrations", "--format", "csv", "--since", tomorrow, "-o", csv_file]) == 0
    lines = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Mã hồ sơ,") and len(lines) == 1


def test_exported_text_never_becomes_a_formula(db: Database, tmp_path, monkeypatch) -> None:
    formula = '=HYPERLINK("http://x.invalid","bấm")'
    registrations.submit(db, submission(product_name=formula, description="@SUM(1)"))
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert cli.main(["export", "registrations", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")]) == 0
    cells = list(openpyxl.load_workbook(tmp_path / "r.xlsx").active.iter_rows(min_row=2))[0]
    assert (cells[3].value, cells[3].data_type) == (formula, "s")
    assert (cells[5].value, cells[5].data_type) == ("@SUM(1)", "s")
    assert cli.main(["export", "registrations", "--format", "csv", "-o", str(tmp_path / "r.csv")]) == 0
    assert "'=HYPERLINK(" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")


def test_since_is_midnight_in_vietnam(db: Database) -> None:
    registrations.submit(db, submission())
    with db.session() as session:  # 30/11 06:30 in Vietnam is 29/11 23:30 UTC
        session.execute(PreRegistration.__table__.update().values(
            created_at=dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.timezone.utc)))
    assert len(list(registrations.all_since(db, dt.date(2026, 11, 30)))) == 1
    assert list(registrations.all_since(db, dt.date(2026, 12, 1))) == []
