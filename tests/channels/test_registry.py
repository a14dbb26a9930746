"""The registry: channels built from the settings, pushes by channel name."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels import registry
from bot.channels.bridge import Bridge
from bot.rasa_client import AsyncRasaClient
from ocop.outbox import ChannelUnavailable
from ocop.settings import BotApiSettings, Settings
from ocop.storage.db import Database


def build(db: Database, settings: Settings) -> registry.Channels:
    return registry.build(settings, db, Bridge(db, AsyncRasaClient("http://127.0.0.1:9")))


def test_only_configured_channels_are_built(db: Database) -> None:
    assert build(db, Settings(database_url=db.url)).by_name == {}
    both = build(db, Settings(database_url=db.url, telegram=BotApiSettings(token="123:TEST"),
                              zalo_bot=BotApiSettings(token="999:ZALO")))
    assert sorted(both.by_name) == ["telegram", "zalo"]
    assert both.by_name["telegram"].buttons and not both.by_name["zalo"].buttons


def test_a_push_to_a_channel_not_running_here_is_unavailable(db: Database) -> None:
    channels = build(db, Settings(database_url=db.url, telegram=BotApiSettings(token="123:TEST")))
    with pytest.raises(ChannelUnavailable):
        asyncio.run(channels.push("rest", "someone", [{"text": "Thông báo"}]))


def test_an_unreachable_platform_stops_nothing_and_its_pushes_wait(db: Database) -> None:
    from fakes.fake_telegram import FakeTelegram

    fake = FakeTelegram()  # not started yet: its port refuses connections
    fake.start()
    base_url = fake.base_url
    fake.stop()
    channels = build(db, Settings(database_url=db.url,
                                  telegram=BotApiSettings(token=fake.token, api_base_url=base_url)))
    channels.retry_seconds = 0.2

    async def scenario() -> None:
        await channels.start(receive=False)  # does not raise: the process keeps running
        with pytest.raises(ChannelUnavailable):  # a reminder waits, uses up no attempt
            await channels.push("telegram", "1", [{"text": "Nhắc hạn"}])
        await channels.stop()

    asyncio.run(scenario())
