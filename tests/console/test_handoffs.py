"""Hand-offs in the console: the conversation excerpt, a reply queued to the chat, closing with a note."""

from __future__ import annotations

import json
import time

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert, select

from ocop.conversation_history import tracker_store_url
from ocop.storage import handoffs
from ocop.storage.db import make_engine
from ocop.storage.models import Announcement, AuditLog, HandoffRequest
from tests.console.conftest import Console, csrf_of


def conversation(console: Console, sender: str, lines) -> None:
    """Rasa's tracker store table ``events`` with a few user/bot events (the columns the console reads)."""
    engine = make_engine(tracker_store_url(console.settings))
    events = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
                   Column("type_name", String(255)), Column("timestamp", Float), Column("data", Text))
    events.create(engine, checkfirst=True)
    with engine.begin() as connection:
        for kind, text in lines:
            connection.execute(insert(events).values(
                sender_id=sender, type_name=kind, timestamp=time.time(),
                data=json.dumps({"event": kind, "text": text, "timestamp": time.time()})))
    engine.dispose()


def test_an_officer_reads_replies_and_closes(console: Console) -> None:
    conversation(console, "telegram:777", [("user", "giấy của em hết hạn rồi, sđt em 0987654321"),
                                            ("bot", "Bạn muốn nộp hồ sơ đánh giá lại?"),
                                            ("user", "cho em gặp cán bộ")])
    handoffs.record(console.db, "telegram:777", "asked", "cho em gặp cán bộ")
    client = console.signed_in("officer")
    inbox = client.get("/ho-tro").text
    assert "1 yêu cầu đang mở" in inbox and "Telegram" in inbox
    handoff_id = handoffs.open_requests(console.db)[0].id
    page = client.get(f"/ho-tro/{handoff_id}")
    assert "giấy của em hết hạn rồi" in page.text and "0987654321" not in page.text  # masked
    done = client.post(f"/ho-tro/{handoff_id}/tra-loi", data={
        "csrf_token": csrf_of(page.text), "text": "Chào anh, cán bộ xã sẽ gọi lại trong hôm nay."})
    assert "Đã gửi trả lời" in done.text
    with console.db.session() as session:
        reply = session.execute(select(Announcement).where(Announcement.kind == "handoff_reply")).scalar_one()
        assert reply.text.startswith("Chào anh") and reply.created_by == "console:officer"
    closed = client.post(f"/ho-tro/{handoff_id}/dong", data={"csrf_token": csrf_of(page.text),
                                                              "note": "Đã gọi điện hướng dẫn."})
    assert "Đã đóng yêu cầu" in closed.text and "0 yêu cầu đang mở" in closed.text
    with console.db.session() as session:
        row = session.get(HandoffRequest, handoff_id)
        assert row.status == "closed" and row.closed_note == "Đã gọi điện hướng dẫn." and row.closed_by
        assert session.execute(select(AuditLog).where(AuditLog.action == "handoff_closed")).first()
    again = client.post(f"/ho-tro/{handoff_id}/tra-loi", data={"csrf_token": csrf_of(page.text), "text": "x"})
    assert "đã được đóng" in again.text


def test_a_viewer_reads_but_cannot_reply(console: Console) -> None:
    handoffs.record(console.db, "telegram:778", "repeated_fallback", "asdf")
    client = console.signed_in("viewer")
    handoff_id = handoffs.open_requests(console.db)[0].id
    page = client.get(f"/ho-tro/{handoff_id}")
    assert "Không còn lịch sử trò chuyện" in page.text and "Gửi trả lời" not in page.text
    assert client.post(f"/ho-tro/{handoff_id}/tra-loi", data={
        "csrf_token": csrf_of(page.text), "text": "x"}).status_code == 403
