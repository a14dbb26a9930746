"""The Zalo Bot Platform channel end to end through a fake API server."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from sqlalchemy import select

from bot.channels.render import split_text
from bot.channels.zalo_bot import ZaloBotChannel
from bot.stack import Stack, free_port
from fakes.fake_zalo import FakeZalo
from fakes.local_server import wait_until_listening
from ocop.storage import audit, handoffs, officers
from ocop.storage.db import Database
from ocop.storage.models import Announcement, AuditLog, ChatUser
from tests.channels.bot_process import bot_process


@pytest.fixture(scope="module")
def zalo(stack: Stack, tmp_path_factory):
    fake = FakeZalo().start()
    with bot_process(stack, tmp_path_factory.mktemp("bot-zalo"), ZALO_BOT_TOKEN=fake.token,
                     ZALO_BOT_API_BASE_URL=fake.base_url):
        fake.user_says("z0", "xin chào")
        fake.wait_for_messages("z0", 1, timeout=120)
        yield fake
    fake.stop()


def test_buttons_become_a_numbered_list_and_a_number_selects(zalo: FakeZalo) -> None:
    zalo.user_says("z1", "đăng ký OCOP")
    [question] = zalo.wait_for_messages("z1", 1)
    assert "1. Doanh nghiệp" in question["text"] and "2. Hợp tác xã" in question["text"]
    zalo.user_says("z1", "2")
    notice = zalo.wait_for_messages("z1", 2)[1]["text"]
    assert "thông tin cá nhân" in notice and "1. Đồng ý" in notice  # "2" chose Hợp tác xã: the privacy notice
    zalo.user_says("z1", "1")
    reply = zalo.wait_for_messages("z1", 3)[2]["text"]
    assert "Tên đầy đủ" in reply  # "1" agreed and the form moved on


def test_long_answers_are_split_and_stickers_get_a_reply(zalo: FakeZalo) -> None:
    zalo.user_says("z2", "ocop la gi")
    messages = zalo.wait_for_messages("z2", 1)
    assert all(len(m["text"]) <= 2000 for m in messages) and "Nguồn:" in "".join(m["text"] for m in messages)
    assert re.search(r"^1\. ", messages[-1]["text"], re.M)
    zalo.user_sends_sticker("z3")
    assert "tin nhắn chữ" in zalo.wait_for_messages("z3", 1)[0]["text"]


def test_split_text_keeps_lines_whole() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 90 for i in range(60))
    pieces = split_text(text, ZaloBotChannel.max_length)
    assert all(len(p) <= 2000 for p in pieces) and "\n".join(pieces) == text


def test_an_officer_broadcasts_from_zalo_and_confirms_by_typing(zalo: FakeZalo, stack_db: Database) -> None:
    officer, subscriber = "zo1", "zs1"
    officers.add(stack_db, "zalo", officer, "Cán bộ Sở (Zalo)")
    zalo.user_says(subscriber, "/start")
    [question] = zalo.wait_for_messages(subscriber, 1)
    assert "1. Đồng ý" in question["text"]
    zalo.user_says(subscriber, "1")
    zalo.wait_for_messages(subscriber, 2)
    with stack_db.session() as session:
        assert session.execute(select(ChatUser.notifications).where(
            ChatUser.channel == "zalo", ChatUser.user_id == subscriber)).scalar_one() is True
    zalo.user_says(officer, "/broadcast\nTập huấn OCOP qua Zalo ngày 10/12/2026.")
    [draft] = zalo.wait_for_messages(officer, 1)
    assert "Thông báo sẽ gửi tới" in draft["text"] and "1. Gửi cho" in draft["text"] and "2. Hủy" in draft["text"]
    zalo.user_says(officer, "gửi")
    confirmation = zalo.wait_for_messages(officer, 2)[1]["text"]
    announcement_id = re.search(r"thông báo số (\d+)", confirmation).group(1)
    assert f"ocop broadcast-report {announcement_id}" in confirmation
    assert "Tập huấn OCOP qua Zalo" in zalo.wait_for_messages(subscriber, 3)[2]["text"]


def test_an_officer_chooses_by_number_and_lists_handoffs_on_zalo(zalo: FakeZalo, stack_db: Database) -> None:
    officer = "zo2"
    officers.add(stack_db, "zalo", officer, "Cán bộ huyện (Zalo)")
    handoffs.record(stack_db, "zalo:zh1", "asked", "Tôi cần gặp cán bộ, số 0912345678")
    zalo.user_says(officer, "/broadcast sao: 5\nHội nghị OCOP 5 sao.")
    zalo.wait_for_messages(officer, 1)
    zalo.user_says(officer, "2")  # "Hủy"
    assert "Đã hủy" in zalo.wait_for_messages(officer, 2)[1]["text"]
    zalo.user_says(officer, "gửi")  # nothing left to confirm: an ordinary message for Rasa
    assert "Đã xếp hàng" not in zalo.wait_for_messages(officer, 3)[2]["text"]
    zalo.user_says(officer, "/handoffs")
    listing = zalo.wait_for_messages(officer, 4)[3]["text"]
    assert "Yêu cầu gặp cán bộ đang mở" in listing and "0912345678" not in listing
    with stack_db.session() as session:
        assert session.execute(select(Announcement).where(Announcement.text.contains("5 sao"))).first() is None


def test_a_non_officer_is_refused_on_zalo(zalo: FakeZalo, stack_db: Database) -> None:
    zalo.user_says("zn1", "/handoffs")
    assert "chỉ dành cho cán bộ" in zalo.wait_for_messages("zn1", 1)[0]["text"]
    with stack_db.session() as session:
        assert session.execute(select(AuditLog).where(
            AuditLog.action == "refused_handoffs",
            AuditLog.actor == audit.actor_hash(stack_db, "zalo:zn1"))).first() is not None


@pytest.fixture(scope="module")
def zalo_webhook(stack: Stack, tmp_path_factory):
    fake = FakeZalo().start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo"
    with bot_process(stack, tmp_path_factory.mktemp("bot-zalo-webhook"), ZALO_BOT_TOKEN=fake.token,
                     ZALO_BOT_API_BASE_URL=fake.base_url, ZALO_BOT_WEBHOOK_URL=url, ZALO_BOT_WEBHOOK_PORT=str(port),
                     ZALO_BOT_WEBHOOK_SECRET="zsecret"):
        wait_until_listening(url)
        yield fake, url
    fake.stop()


def test_zalo_webhook_checks_its_secret(zalo_webhook) -> None:
    fake, url = zalo_webhook
    update = {"event_name": "message.text.received",
              "message": {"message_id": "1", "from": {"id": "w1"}, "chat": {"id": "w1", "chat_type": "PRIVATE"},
                          "date": 0, "text": "ocop là gì"}}
    assert httpx.post(url, json=update).status_code == 403
    assert httpx.post(url, json=update, headers={"X-Bot-Api-Secret-Token": "nope"}).status_code == 403
    assert httpx.post(url, content=b"{", headers={"X-Bot-Api-Secret-Token": "zsecret"}).status_code == 400
    assert httpx.post(url, json=update, headers={"X-Bot-Api-Secret-Token": "zsecret"}).status_code == 200
    assert "Nguồn:" in "".join(m["text"] for m in fake.wait_for_messages("w1", 1))
    assert sum(1 for m in fake.sent if m["chat_id"] == "w1") >= 1
    assert [c for c in fake.calls if c[0] == "setWebhook"][0][1] == {"url": url, "secret_token": "zsecret"}


def test_the_same_update_delivered_twice_is_answered_once(zalo: FakeZalo) -> None:
    zalo.user_says_twice("z-dup", "cảm ơn")
    zalo.wait_for_messages("z-dup", 1)
    time.sleep(2)
    assert len(zalo.wait_for_messages("z-dup", 1)) == 1
