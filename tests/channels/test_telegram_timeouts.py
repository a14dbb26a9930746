"""A Telegram send that times out is not sent again (it may have arrived): no duplicates."""

from __future__ import annotations

import asyncio

import pytest
from telegram.ext import ApplicationBuilder

from bot.channels.bridge import Bridge
from bot.channels.telegram import TelegramChannel
from bot.rasa_client import AsyncRasaClient
from fakes.fake_telegram import FakeTelegram
from ocop.outbox import DeliveryUnknown
from ocop.settings import BotApiSettings
from ocop.storage.db import Database


def test_timeout_becomes_delivery_unknown(db: Database) -> None:
    fake = FakeTelegram(failure_rates={"timeout": 1.0}, slow_seconds=3).start()
    try:
        settings = BotApiSettings(token=fake.token, api_base_url=fake.base_url)
        channel = TelegramChannel(settings, db, Bridge(db, AsyncRasaClient("http://127.0.0.1:9")))
        channel.application = ApplicationBuilder().token(fake.token).base_url(f"{fake.base_url}/bot") \
            .write_timeout(0.5).read_timeout(0.5).build()

        async def push() -> None:
            await channel.application.initialize()
            try:
                await channel.push("42", [{"text": "Thông báo"}])
            finally:
                await channel.application.shutdown()

        with pytest.raises(DeliveryUnknown):
            asyncio.run(push())
        assert [int(m["chat_id"]) for m in fake.sent] == [42]  # it did arrive: resending would duplicate it
    finally:
        fake.stop()
