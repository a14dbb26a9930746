"""A Telegram send that times out is not sent again (it may have arrived): no duplicates."""

from __future__ import annotations

import asyncio

from telegram.ext import ApplicationBuilder

from bot.channels.telegram import TelegramChannel
from ocop.outbox import DeliveryUnknown
from tests.channels.fake_telegram import FakeTelegram


def test_timeout_becomes_delivery_unknown() -> None:
    fake = FakeTelegram(failure_rates={"timeout": 1.0}, slow_seconds=3).start()
    try:
        channel = TelegramChannel(fake.token, "http://127.0.0.1:9", fake.base_url)
        channel.application = ApplicationBuilder().token(fake.token).base_url(f"{fake.base_url}/bot") \
            .write_timeout(0.5).read_timeout(0.5).build()

        async def send() -> None:
            await channel.application.initialize()
            try:
                await channel.send(42, [{"text": "Thông báo"}])
            finally:
                await channel.application.shutdown()

        try:
            asyncio.run(send())
            raise AssertionError("expected DeliveryUnknown")
        except DeliveryUnknown:
            pass
        assert [int(m["chat_id"]) for m in fake.sent] == [42]  # it did arrive: resending would duplicate it
    finally:
        fake.stop()
