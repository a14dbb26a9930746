"""Telegram in webhook mode: the secret-token header is checked, bad requests change nothing."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.stack import Stack, free_port
from fakes.fake_telegram import FakeTelegram
from fakes.local_server import wait_until_listening
from tests.channels.bot_process import bot_process

SECRET = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def webhook(stack: Stack, tmp_path_factory):
    fake = FakeTelegram().start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with bot_process(stack, tmp_path_factory.mktemp("bot-webhook"), TELEGRAM_BOT_TOKEN=fake.token,
                     TELEGRAM_API_BASE_URL=fake.base_url, TELEGRAM_WEBHOOK_URL=url, TELEGRAM_WEBHOOK_PORT=str(port),
                     TELEGRAM_WEBHOOK_SECRET=SECRET):
        wait_until_listening(url)
        yield fake, url
    fake.stop()


def update(update_id: int, chat: int, text: str) -> dict:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "text": text,
                                                 "chat": {"id": chat, "type": "private"},
                                                 "from": {"id": chat, "is_bot": False, "first_name": "Lan"}}}


def test_webhook_registered_with_its_secret(webhook) -> None:
    fake, url = webhook
    [(_, params)] = [call for call in fake.calls if call[0] == "setWebhook"]
    assert params["url"] == url and params["secret_token"] == SECRET


def test_unsigned_and_malformed_requests_are_refused(webhook) -> None:
    fake, url = webhook
    assert httpx.post(url, json=update(1, 3001, "ocop là gì")).status_code == 403
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
    assert httpx.post(url, json=update(2, 3001, "ocop là gì"), headers=wrong).status_code == 403
    right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert httpx.post(url, content=b"{not json", headers=right).status_code == 400
    assert httpx.post(url, json={"no": "update"}, headers=right).status_code == 400
    time.sleep(1.5)
    assert [m for m in fake.sent if int(m["chat_id"]) == 3001] == []


def test_a_signed_update_is_answered(webhook) -> None:
    fake, url = webhook
    response = httpx.post(url, json=update(10, 3002, "ocop là gì"),
                          headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == 200
    [reply] = fake.wait_for_messages(3002, 1)
    assert "Nguồn:" in reply["text"]


def test_compressed_or_huge_bodies_are_refused_unread(webhook) -> None:
    import gzip
    import json

    _, url = webhook
    right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    bomb = gzip.compress(json.dumps(update(20, 3003, "x" * 1000)).encode() + b" " * 5_000_000)
    compressed = httpx.post(url, content=bomb, headers={**right, "Content-Encoding": "gzip",
                                                         "Content-Type": "application/json"})
    assert compressed.status_code == 415
    huge = httpx.post(url, content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                      headers={**right, "Content-Type": "application/json"})
    assert huge.status_code == 413
    assert httpx.post(url, json=update(21, 3003, "ocop là gì"), headers=right).status_code == 200


def test_a_malformed_secret_header_is_a_403(webhook) -> None:
    _, url = webhook
    odd = {"X-Telegram-Bot-Api-Secret-Token": b"\xe9\xff", "Content-Type": "application/json"}
    assert httpx.post(url, json=update(30, 3004, "ocop là gì"), headers=odd).status_code == 403
