"""The bot process's log holds no token, no secret and no phone or tax number, even when sends fail."""

from __future__ import annotations

import time

from bot.stack import Stack
from fakes.fake_telegram import FakeTelegram
from fakes.fake_zalo import FakeZalo
from tests.channels.bot_process import bot_process

PHONE, TAX = "0912345678", "0312345673"


def test_failed_sends_leave_no_secret_or_personal_number_in_the_log(stack: Stack, tmp_path) -> None:
    telegram, zalo = FakeTelegram(token="777:TELEGRAM-SECRET-TOKEN").start(), FakeZalo(token="888:ZALO-SECRET").start()
    telegram.failures["sendMessage"] = [{"error_code": 500, "description": "Internal Server Error"}]
    zalo.failing_sends = 1
    try:
        with bot_process(stack, tmp_path, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url,
                         ZALO_BOT_TOKEN=zalo.token, ZALO_BOT_API_BASE_URL=zalo.base_url):
            text = f"số điện thoại của tôi {PHONE}, mã số thuế {TAX}"
            telegram.user_says(5001, text)
            zalo.user_says("z-log", text)
            telegram.user_says(5001, text)
            zalo.user_says("z-log", text)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not (telegram.sent and zalo.sent):
                time.sleep(0.5)
    finally:
        telegram.stop()
        zalo.stop()
    log = (tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace")
    assert telegram.sent and zalo.sent, log[-3000:]  # the failures happened and the channels went on
    for secret in (telegram.token, zalo.token, "TELEGRAM-SECRET", "ZALO-SECRET", *stack.secrets.values()):
        assert secret not in log
    assert PHONE not in log and TAX not in log and "345 678" not in log
