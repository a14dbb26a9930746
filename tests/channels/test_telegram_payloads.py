"""Button payloads longer than Telegram's 64-byte callback_data: a short key, kept in the database."""

from __future__ import annotations

import asyncio

from bot.channels.bridge import Bridge
from bot.channels.telegram import CALLBACK_LIMIT, TelegramChannel
from bot.rasa_client import AsyncRasaClient
from ocop.settings import BotApiSettings
from ocop.storage.db import Database

LONG = '/choose_certificate{"certificate_number": "318/GCN-UBND", "product_name": "Trà mãng cầu Tân Lập"}'


def channel(db: Database) -> TelegramChannel:
    return TelegramChannel(BotApiSettings(token="123:TEST"), db, Bridge(db, AsyncRasaClient("http://127.0.0.1:9")))


def test_a_long_payload_round_trips_through_the_database(db: Database) -> None:
    key = asyncio.run(channel(db).callback_data(LONG))
    assert key != LONG and len(key.encode()) <= CALLBACK_LIMIT
    restarted = Database(db.url)  # another bot process, or the same one after a restart
    try:
        assert asyncio.run(channel(restarted).payload_of(key)) == LONG
    finally:
        restarted.dispose()


def test_short_payloads_and_foreign_data_pass_as_they_are(db: Database) -> None:
    telegram = channel(db)
    assert asyncio.run(telegram.callback_data("/affirm")) == "/affirm"
    assert asyncio.run(telegram.payload_of("/affirm")) == "/affirm"
    assert asyncio.run(telegram.payload_of("p:unknown")) == "p:unknown"
