"""The Zalo Bot Platform channel end to end through a fake API server."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.channels.zalo_bot import split_text
from bot.stack import Stack, free_port
from tests.channels.bot_process import bot_process
from tests.channels.fake_zalo import FakeZalo
from tests.channels.local_server import wait_until_listening


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
    reply = zalo.wait_for_messages("z1", 2)[1]["text"]
    assert "Tên đầy đủ" in reply  # "2" chose Hợp tác xã and the form moved on


def test_long_answers_are_split_and_stickers_get_a_reply(zalo: FakeZalo) -> None:
    zalo.user_says("z2", "ocop la gi")
    messages = zalo.wait_for_messages("z2", 1)
    assert all(len(m["text"]) <= 2000 for m in messages) and "Nguồn:" in "".join(m["text"] for m in messages)
    assert re.search(r"^1\. ", messages[-1]["text"], re.M)
    zalo.user_sends_sticker("z3")
    assert "tin nhắn chữ" in zalo.wait_for_messages("z3", 1)[0]["text"]


def test_split_text_keeps_lines_whole() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 90 for i in range(60))
    pieces = split_text(text)
    assert all(len(p) <= 2000 for p in pieces) and "\n".join(pieces) == text


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
