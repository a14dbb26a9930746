"""Officers' chat commands without a platform: drafts in the database, confirmation, refusals."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import cli, officers
from ocop.storage import handoffs
from ocop.storage import officers as officer_list
from ocop.storage.db import Database
from ocop.storage.models import Announcement, AuditLog, ChatUser

OFFICER = ("telegram", "7001")


def setup(db: Database) -> None:
    officer_list.add(db, *OFFICER, "Cán bộ Sở")
    with db.session() as session:
        session.add_all([ChatUser(channel="zalo", user_id=f"s{i}", notifications=True) for i in range(3)])


def say(db: Database, text: str, who=OFFICER) -> list:
    return officers.handle(db, *who, text)


def test_a_draft_is_confirmed_after_a_restart_and_only_once(db: Database, monkeypatch, capsys) -> None:
    setup(db)
    [draft] = say(db, "/broadcast@ocop_bot\nHội chợ OCOP ngày 05/12/2026.")
    assert "tới 3 người" in draft["text"]
    send, cancel = (b["payload"] for b in draft["buttons"])
    assert len(send.encode()) <= 64 and len(cancel.encode()) <= 64  # fit Telegram's callback_data
    restarted = Database(db.url)  # the bot process restarted between the draft and the tap
    try:
        [done] = say(restarted, send)
        announcement_id = re.search(r"thông báo số (\d+)", done["text"]).group(1)
        assert f"ocop broadcast-report {announcement_id}" in done["text"] and "cho 3 người" in done["text"]
        suggested = re.search(r"ocop (broadcast-report \d+)", done["text"]).group(1).split()
        monkeypatch.setenv("DATABASE_URL", db.url)
        assert cli.main(suggested) == 0  # the command the bot suggests runs
        assert "pending\t3" in capsys.readouterr().out
        assert "hết hiệu lực" in say(restarted, send)[0]["text"]  # a second tap sends nothing
    finally:
        restarted.dispose()
    with db.session() as session:
        assert len(session.execute(select(Announcement)).all()) == 1


def test_typing_gui_confirms_the_newest_draft_unless_cancelled(db: Database) -> None:
    setup(db)
    [draft] = say(db, "/broadcast sao: 4\nTập huấn")
    assert "gửi" in draft["text"]
    assert "Đã hủy" in say(db, draft["buttons"][1]["payload"])[0]["text"]
    assert say(db, "gửi") is None  # nothing to confirm: Rasa answers it
    say(db, "/broadcast\nHội nghị")
    assert "ocop broadcast-report" in say(db, "Gửi")[0]["text"]
    assert say(db, "gui") is None  # used already


def test_non_officers_are_refused_and_audited(db: Database) -> None:
    setup(db)
    stranger = ("zalo", "s1")
    assert "chỉ dành cho cán bộ" in say(db, "/broadcast Thông báo giả mạo", stranger)[0]["text"]
    assert "chỉ dành cho cán bộ" in say(db, "/handoffs", stranger)[0]["text"]
    assert say(db, "gửi", stranger) is None  # an ordinary word for everyone else
    assert say(db, "ocop là gì", stranger) is None
    with db.session() as session:
        rows = session.execute(select(AuditLog.action, AuditLog.actor).order_by(AuditLog.id)).all()
    assert [action for action, _ in rows] == ["refused_broadcast", "refused_handoffs"]
    assert len({actor for _, actor in rows}) == 1 and "s1" not in rows[0][1] and rows[0][1].startswith("h:")


def test_usage_and_handoffs(db: Database) -> None:
    setup(db)
    assert "Cú pháp" in say(db, "/broadcast")[0]["text"]
    assert say(db, "/handoffs")[0]["text"].startswith("Yêu cầu gặp cán bộ đang mở: 0")


def test_handoffs_show_the_chat_fit_a_message_and_can_be_closed(db: Database) -> None:
    setup(db)
    for i in range(40):
        handoffs.record(db, f"zalo:user{i}", "asked", "Tôi cần hỏi về hồ sơ OCOP của hợp tác xã " + "rất dài " * 30)
    replies = say(db, "/handoffs")
    assert len(replies) > 1 and all(len(r["text"]) <= 4096 for r in replies)
    listing = "\n".join(r["text"] for r in replies)
    assert "zalo:user39" in listing and "zalo:user0" in listing
    first = handoffs.open_requests(db)[-1]
    assert "Đã đóng" in say(db, f"/handoff_close {first.id} đã gọi điện")[0]["text"]
    assert first.id not in [h.id for h in handoffs.open_requests(db)]
    assert "Không có yêu cầu" in say(db, f"/handoff_close {first.id}")[0]["text"]


def test_an_announcement_marked_urgent_stays_urgent_once_confirmed(db: Database) -> None:
    setup(db)
    [ordinary] = say(db, "/broadcast\nHội chợ OCOP ngày 05/12/2026.")
    assert "chờ đến sáng" in ordinary["text"]
    [urgent] = say(db, "/broadcast\nKhẩn\nLũ lớn: hoãn hội chợ OCOP ngày 05/12/2026.")
    assert "KHẨN" in urgent["text"] and "Lũ lớn" in urgent["text"] and "Khẩn\n" not in urgent["text"]
    for draft in (ordinary, urgent):
        say(db, draft["buttons"][0]["payload"])
    with db.session() as session:
        rows = session.execute(select(Announcement.text, Announcement.urgent).order_by(Announcement.id)).all()
    assert [(text[:6], flag) for text, flag in rows] == [("Hội ch", False), ("Lũ lớn", True)]
