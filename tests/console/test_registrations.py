"""The pre-registration queue: filters, the workflow, the producer's notice, ownership claims."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from fakes.tax_codes import tax_code
from ocop.storage import claims, registrations
from ocop.storage.models import Announcement, AuditLog, BroadcastDelivery, PreRegistration
from tests.console.conftest import Console, csrf_of

BASE = registrations.Submission(
    channel="telegram", user_id="555", subject_type="hop_tac_xa", subject_name="HTX Trà Tân Lập",
    representative="Nguyễn Thị Lan", tax_code=tax_code(1), phone="+84912345678", email=None,
    address="Ấp 3, Xã Củ Chi, Thành phố Hồ Chí Minh", ward="Xã Củ Chi", province="Thành phố Hồ Chí Minh",
    product_name="Trà mãng cầu Tân Lập", product_group="do_uong", description="Trà mãng cầu sấy lạnh",
    has_quality_documents=True)


def submit(console: Console, **changes) -> int:
    registrations.submit(console.db, dataclasses.replace(BASE, **changes))
    with console.db.session() as session:
        return session.execute(select(PreRegistration.id).order_by(PreRegistration.id.desc())).scalars().first()


def test_the_queue_filters_by_status_commune_and_group(console: Console) -> None:
    submit(console)
    submit(console, user_id="556", tax_code=tax_code(2), subject_name="HTX Mắm", product_name="Mắm cá",
           product_group="thuc_pham", ward="Xã Cần Giờ", address="Xã Cần Giờ, Thành phố Hồ Chí Minh")
    client = console.signed_in("viewer")
    assert "2 hồ sơ phù hợp" in client.get("/ho-so").text
    only = client.get("/ho-so", params={"xa_phuong": "can gio"}).text
    assert "1 hồ sơ phù hợp" in only and "Mắm cá" in only and "Trà mãng cầu" not in only
    assert "Trà mãng cầu" in client.get("/ho-so", params={"nhom": "do_uong", "trang_thai": "submitted"}).text
    assert "0 hồ sơ phù hợp" in client.get("/ho-so", params={"trang_thai": "accepted"}).text


def test_asking_for_more_notifies_the_producers_chat_and_shows_in_my_registrations(console: Console) -> None:
    registration_id = submit(console)
    client = console.signed_in("officer")
    page = client.get(f"/ho-so/{registration_id}")
    assert "Cập nhật trạng thái" in page.text
    # The message is required for "cần bổ sung".
    refused = client.post(f"/ho-so/{registration_id}/trang-thai",
                          data={"csrf_token": csrf_of(page.text), "status": "needs_info", "message": "  "})
    assert "Vui lòng ghi rõ nội dung cần bổ sung" in refused.text
    done = client.post(f"/ho-so/{registration_id}/trang-thai", data={
        "csrf_token": csrf_of(page.text), "status": "needs_info",
        "message": "Bổ sung giấy chứng nhận an toàn thực phẩm."})
    assert "Đã cập nhật trạng thái" in done.text and "Cần bổ sung" in done.text
    with console.db.session() as session:
        notice, delivery = session.execute(select(Announcement, BroadcastDelivery).join(
            BroadcastDelivery, BroadcastDelivery.announcement_id == Announcement.id)).one()
        assert notice.kind == "registration_status" and delivery.status == "pending"
        assert "Cần bổ sung" in notice.text and "an toàn thực phẩm" in notice.text
        assert session.execute(select(AuditLog).where(
            AuditLog.action == "registration_needs_info", AuditLog.actor == "console:officer")).first()
    mine = registrations.for_chat_user(console.db, "telegram", "555")
    assert mine[0].status == "needs_info" and mine[0].message == "Bổ sung giấy chứng nhận an toàn thực phẩm."


def test_a_finished_file_cannot_be_moved_again(console: Console) -> None:
    registration_id = submit(console)
    client = console.signed_in("officer")
    token = csrf_of(client.get(f"/ho-so/{registration_id}").text)
    client.post(f"/ho-so/{registration_id}/trang-thai", data={"csrf_token": token, "status": "accepted"})
    again = client.post(f"/ho-so/{registration_id}/trang-thai", data={
        "csrf_token": token, "status": "rejected", "message": "x"})
    assert "không chuyển sang trạng thái này được" in again.text


def test_a_viewer_sees_the_file_but_cannot_change_it(console: Console) -> None:
    registration_id = submit(console)
    client = console.signed_in("viewer")
    page = client.get(f"/ho-so/{registration_id}")
    assert page.status_code == 200 and "Cập nhật trạng thái" not in page.text
    forbidden = client.post(f"/ho-so/{registration_id}/trang-thai",
                            data={"csrf_token": csrf_of(page.text), "status": "accepted"})
    assert forbidden.status_code == 403
    with console.db.session() as session:
        assert session.get(PreRegistration, registration_id).status == "submitted"


def test_an_officer_confirms_an_ownership_claim_from_the_file(console: Console) -> None:
    submit(console)
    claimed = submit(console, user_id="stranger", product_name="Mật ong")
    client = console.signed_in("officer")
    page = client.get(f"/ho-so/{claimed}")
    assert "Yêu cầu xác nhận người đăng ký thuộc chủ thể" in page.text
    claim = claims.pending(console.db)[0]
    done = client.post(f"/ho-so/yeu-cau/{claim.id}", data={
        "csrf_token": csrf_of(page.text), "decision": "confirm", "back": f"/ho-so/{claimed}"})
    assert "Đã xác nhận" in done.text
    with console.db.session() as session:
        assert session.get(PreRegistration, claimed).status == "submitted"


def test_a_change_without_the_form_token_is_refused(console: Console) -> None:
    registration_id = submit(console)
    client = console.signed_in("admin")
    response = client.post(f"/ho-so/{registration_id}/trang-thai", data={"status": "accepted"})
    assert response.status_code == 403
