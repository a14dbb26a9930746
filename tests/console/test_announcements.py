"""Announcements from the console: filters, the recipient count, preview, one send, the report."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select, update

from fakes.tax_codes import tax_code
from ocop.storage import registrations
from ocop.storage.models import Announcement, BroadcastDelivery, ChatUser
from tests.console.conftest import Console, csrf_of
from tests.console.test_registrations import BASE


def subscribers(console: Console) -> None:
    """Three chats that agreed to notifications: two in Củ Chi (one drinks, one food), one in Cần Giờ."""
    for n, (ward, group) in enumerate([("Xã Củ Chi", "do_uong"), ("Xã Củ Chi", "thuc_pham"),
                                       ("Xã Cần Giờ", "do_uong")]):
        registrations.submit(console.db, dataclasses.replace(
            BASE, user_id=f"chat{n}", tax_code=tax_code(10 + n), subject_name=f"HTX {n}", ward=ward,
            address=f"{ward}, Thành phố Hồ Chí Minh", product_group=group, product_name=f"Sản phẩm {n}"))
    with console.db.session() as session:
        session.execute(update(ChatUser).values(notifications=True))


def test_the_count_follows_the_filters(console: Console) -> None:
    subscribers(console)
    client = console.signed_in("viewer")
    assert client.get("/thong-bao/dem").json()["recipients"] == 3
    assert client.get("/thong-bao/dem", params={"xa_phuong": "cu chi"}).json()["recipients"] == 2
    assert client.get("/thong-bao/dem", params={"xa_phuong": "Củ Chi", "nhom": "do_uong"}).json()["recipients"] == 1
    assert client.get("/thong-bao/dem", params={"sao": "9", "nhom": "<script>"}).json()["recipients"] == 3


def test_preview_then_one_send_then_the_report(console: Console) -> None:
    subscribers(console)
    client = console.signed_in("officer")
    page = client.get("/thong-bao")
    preview = client.post("/thong-bao/xem-truoc", data={
        "csrf_token": csrf_of(page.text), "text": "Hội chợ OCOP ngày 5/12 tại Củ Chi.", "xa_phuong": "Củ Chi"})
    assert "Trên Telegram" in preview.text and "Trên Zalo" in preview.text
    assert 'id="preview-recipients">2<' in preview.text
    with console.db.session() as session:
        assert session.execute(select(BroadcastDelivery)).first() is None  # nothing sent by a preview
    draft = preview.text.split('name="draft_id" value="')[1].split('"')[0]
    report = client.post("/thong-bao/gui", data={"csrf_token": csrf_of(preview.text), "draft_id": draft})
    assert "Đã xếp hàng thông báo cho 2 người nhận" in report.text
    assert '<meta http-equiv="refresh"' in report.text and "Đang gửi: còn 2/2 tin" in report.text
    again = client.post("/thong-bao/gui", data={"csrf_token": csrf_of(preview.text), "draft_id": draft})
    assert "đã được gửi hoặc không còn nữa" in again.text
    with console.db.session() as session:
        assert len(session.execute(select(BroadcastDelivery)).all()) == 2
        session.execute(update(BroadcastDelivery).values(status="sent"))
    done = client.get(report.url.path).text
    assert "Đã xử lý xong 2 tin" in done and '<meta http-equiv="refresh"' not in done


def test_an_empty_or_too_long_text_is_refused(console: Console) -> None:
    client = console.signed_in("officer")
    token = csrf_of(client.get("/thong-bao").text)
    for text in ("   ", "x" * 2001):
        refused = client.post("/thong-bao/xem-truoc", data={"csrf_token": token, "text": text})
        assert refused.status_code == 400 and "tối đa 2000 ký tự" in refused.text


def test_a_viewer_cannot_announce(console: Console) -> None:
    client = console.signed_in("viewer")
    page = client.get("/thong-bao")
    assert "Soạn thông báo" not in page.text
    response = client.post("/thong-bao/xem-truoc", data={"csrf_token": csrf_of(page.text), "text": "x"})
    assert response.status_code == 403
    with console.db.session() as session:
        assert session.execute(select(Announcement)).first() is None
