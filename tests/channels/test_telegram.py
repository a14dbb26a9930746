"""The Telegram channel end to end: fake Bot API server → bot process (python-telegram-bot) → Rasa → back."""

from __future__ import annotations

import re
import time
from typing import Iterator

import httpx
import pytest
from sqlalchemy import select, update

from bot.rasa_client import RasaClient
from bot.stack import Stack, free_port
from fakes.fake_telegram import FakeTelegram
from fakes.tax_codes import new_tax_code
from ocop.storage import officers
from ocop.storage.db import Database
from ocop.storage.models import Announcement, AuditLog, ChatUser, Officer, PreRegistration, Producer
from ocop.text import place_key
from tests.channels.bot_process import bot_process


@pytest.fixture(scope="module")
def telegram(stack: Stack, tmp_path_factory) -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    logs, port = tmp_path_factory.mktemp("bot"), free_port()
    fake.bot_log, fake.metrics_url = logs / "bot.log", f"http://127.0.0.1:{port}"  # for the observability test
    with bot_process(stack, logs, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url,
                     OCOP_METRICS_PORT=str(port)):
        fake.user_says(1, "/start")  # the bot is up once it answers
        fake.wait_for_messages(1, 1, timeout=120)
        yield fake
    fake.stop()


def texts(messages) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(message) -> list:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def test_faq_and_a_button_tap(telegram: FakeTelegram) -> None:
    chat = 1001
    telegram.user_says(chat, "ocop la gi")
    [answer] = telegram.wait_for_messages(chat, 1)
    assert "Nguồn:" in answer["text"]
    follow_up = buttons(answer)[0]
    telegram.user_taps(chat, follow_up["callback_data"])
    messages = telegram.wait_for_messages(chat, 2)
    assert "Nguồn:" in messages[1]["text"] and messages[1]["text"] != answer["text"]
    edits = [params for method, params in telegram.calls if method == "editMessageReplyMarkup"
             and int(params["chat_id"]) == chat]
    assert edits and "reply_markup" not in edits[-1]  # the tapped keyboard is gone
    assert any(method == "setMyCommands" for method, _ in telegram.calls)


def consent_of(db: Database, chat: int) -> object:
    with db.session() as session:
        return session.execute(select(ChatUser.notifications).where(
            ChatUser.channel == "telegram", ChatUser.user_id == str(chat))).scalar_one()


def test_start_consent_stop(telegram: FakeTelegram, stack_db: Database) -> None:
    chat = 1002
    telegram.user_says(chat, "/start")
    [consent] = telegram.wait_for_messages(chat, 1)
    assert "thông báo" in consent["text"] and len(buttons(consent)) == 2
    telegram.user_taps(chat, buttons(consent)[0]["callback_data"])
    telegram.wait_for_messages(chat, 2)
    assert consent_of(stack_db, chat) is True
    telegram.user_says(chat, "/stop")
    assert "Đã ngừng" in telegram.wait_for_messages(chat, 3)[2]["text"]
    assert consent_of(stack_db, chat) is False


def test_non_text_edits_and_repeats(telegram: FakeTelegram) -> None:
    chat = 1003
    telegram.user_sends_photo(chat)
    assert "tin nhắn chữ" in telegram.wait_for_messages(chat, 1)[0]["text"]
    telegram.user_says(chat, "xin chào", edited=True)
    telegram.user_says_twice(chat, "cảm ơn")
    time.sleep(2)
    messages = telegram.wait_for_messages(chat, 2)
    assert len(messages) == 2  # the edit and the repeated update got nothing


def test_pre_registration_through_telegram(telegram: FakeTelegram, stack: Stack, stack_db: Database) -> None:
    chat, tax = 1004, new_tax_code("07")
    script = ["đăng ký OCOP", "hợp tác xã", "đồng ý", "HTX Dệt thổ cẩm Mai Châu", "Hà Thị Mai", tax, "0912 345 678",
              "không có", "bản Lác, xã Mai Châu, tỉnh Phú Thọ", "Khăn thổ cẩm Mai Châu", "thổ cẩm",
              "Khăn dệt tay từ sợi bông nhuộm màu tự nhiên", "có"]
    count = 0
    for text in script:
        telegram.user_says(chat, text)
        count = len(telegram.wait_for_messages(chat, count + 1))
        time.sleep(0.3)  # let a reply of several messages arrive whole
        count = len(telegram.wait_for_messages(chat, count))
    telegram.user_says(chat, "xác nhận")
    reply = texts(telegram.wait_for_messages(chat, count + 1)[count:])
    code = re.search(r"OCOP-\d{4}-\d{6}", reply).group()
    with stack_db.session() as session:
        row = session.execute(
            select(PreRegistration).join(ChatUser, PreRegistration.chat_user_id == ChatUser.id)
            .where(ChatUser.channel == "telegram", ChatUser.user_id == str(chat))
        ).scalar_one()
        assert row.reference_code == code
    # Someone on the REST channel naming themselves after that chat sees nothing of it.
    with RasaClient(stack.rasa_url) as rest:
        spoof = "\n".join(r.get("text") or "" for r in rest.send(f"telegram:{chat}", "hồ sơ của tôi"))
    assert code not in spoof and "chưa có hồ sơ" in spoof


def consent(telegram: FakeTelegram, chat: int) -> None:
    telegram.user_says(chat, "/start")
    [question] = telegram.wait_for_messages(chat, 1)
    telegram.user_taps(chat, buttons(question)[0]["callback_data"])
    telegram.wait_for_messages(chat, 2)


def test_officer_broadcasts_to_a_filtered_audience(telegram: FakeTelegram, stack_db: Database) -> None:
    officer, in_ca_mau, elsewhere = 2001, 2002, 2003
    with stack_db.session() as session:
        session.add(Officer(channel="telegram", user_id=str(officer), name="Cán bộ Sở"))
    for chat in (in_ca_mau, elsewhere):
        consent(telegram, chat)
    with stack_db.session() as session:
        for chat, province in ((in_ca_mau, "Tỉnh Cà Mau"), (elsewhere, "Thành phố Hà Nội")):
            producer = Producer(subject_type="hop_tac_xa", name=f"HTX {chat}", tax_code=new_tax_code("08"),
                                representative="Lê Văn Tám", phone="+84912345678", address=province,
                                ward="Xã U Minh", province=province, ward_key=place_key("Xã U Minh"),
                                province_key=place_key(province))
            session.add(producer)
            session.flush()
            session.execute(update(ChatUser).where(ChatUser.user_id == str(chat)).values(producer_id=producer.id))
    telegram.user_says(officer, "/broadcast tỉnh: Cà Mau\nHội chợ OCOP Cà Mau khai mạc ngày 05/12/2026.")
    [draft] = telegram.wait_for_messages(officer, 1)
    assert "tới 1 người" in draft["text"]
    telegram.user_taps(officer, buttons(draft)[0]["callback_data"])
    confirmation = telegram.wait_for_messages(officer, 2)[1]["text"]
    announcement_id = re.search(r"thông báo số (\d+)", confirmation).group(1)
    assert "Đã xếp hàng" in confirmation and f"ocop broadcast-report {announcement_id}" in confirmation
    received = telegram.wait_for_messages(in_ca_mau, 3)[2]
    assert "Hội chợ OCOP Cà Mau" in received["text"]
    time.sleep(1.5)
    assert len(telegram.wait_for_messages(elsewhere, 2)) == 2  # consent messages only


def test_a_non_officer_is_refused(telegram: FakeTelegram, stack_db: Database) -> None:
    chat = 2004
    telegram.user_says(chat, "/broadcast Thông báo giả mạo")
    assert "chỉ dành cho cán bộ" in telegram.wait_for_messages(chat, 1)[0]["text"]
    with stack_db.session() as session:
        assert session.execute(select(Announcement).where(Announcement.text.contains("giả mạo"))).first() is None
        assert session.execute(select(AuditLog).where(AuditLog.action == "refused_broadcast")).first() is not None


def test_a_group_chat_is_nobody_and_never_an_officer(telegram: FakeTelegram, stack_db: Database) -> None:
    officers.add(stack_db, "telegram", "-9001", "Nhóm (không phải cán bộ)")
    telegram.member_says_in_group(-9001, 4321, "/broadcast Thông báo thử")
    [reply] = telegram.wait_for_messages(-9001, 1)
    assert "trò chuyện riêng" in reply["text"]
    time.sleep(1)
    assert len(telegram.wait_for_messages(-9001, 1)) == 1
    with stack_db.session() as session:
        assert session.execute(select(Announcement).where(Announcement.text == "Thông báo thử")).first() is None


def test_health_metrics_and_the_cycle_summary_in_the_log(telegram: FakeTelegram) -> None:
    telegram.user_says(1011, "ocop la gi")
    telegram.wait_for_messages(1011, 1)
    health = httpx.get(f"{telegram.metrics_url}/healthz").json()
    assert health == {"status": "ok", "channels": ["telegram"], "leader": True}
    metrics = httpx.get(f"{telegram.metrics_url}/metrics").text
    received = re.search(r'^ocop_messages_in_total\{channel="telegram"\} (\d+)', metrics, re.M)
    assert received and float(received.group(1)) >= 2  # /start and the question at least
    assert re.search(r'^ocop_messages_out_total\{channel="telegram"\} [1-9]', metrics, re.M)
    assert re.search(r"^ocop_rasa_roundtrip_seconds_count [1-9]", metrics, re.M)
    assert 'ocop_outbox_depth{kind="reminder"}' in metrics and "ocop_scheduler_leader 1.0" in metrics
    log = telegram.bot_log.read_text(encoding="utf-8")
    assert re.search(r" INFO ocop\.reminders: Reminder cycle: \d+ planned", log)  # INFO lines reach the log
