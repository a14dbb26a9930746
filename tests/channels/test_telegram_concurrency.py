"""Every chat at once, each chat in order: the Telegram channel against a fake Bot API with real round trips.

The fake answers every ``sendMessage`` after 250 ms, as Telegram's servers
roughly do; handled one update at a time, 200 chats would wait 50 s for the
last answer.
"""

from __future__ import annotations

import json
import time
from typing import Iterator, List

import pytest
from sqlalchemy import text as sql

from bot.stack import Stack
from fakes.fake_telegram import FakeTelegram
from rasa_server.tracker_store import CHECKPOINT
from tests.channels.bot_process import bot_process
from tests.integration.test_preregistration import history_of

VALIDITY = "giấy chứng nhận OCOP có giá trị bao lâu?"


@pytest.fixture(scope="module")
def telegram(stack: Stack, tmp_path_factory) -> Iterator[FakeTelegram]:
    fake = FakeTelegram(send_delay=0.25).start()
    with bot_process(stack, tmp_path_factory.mktemp("bot-concurrency"), TELEGRAM_BOT_TOKEN=fake.token,
                     TELEGRAM_API_BASE_URL=fake.base_url):
        fake.user_says(1, "/start")  # the bot is up once it answers
        fake.wait_for_messages(1, 1, timeout=120)
        yield fake
    fake.stop()


def user_texts(stack: Stack, sender: str) -> List[str]:
    """What Rasa received from ``sender``, in the order it stored it."""
    history = history_of(stack)
    try:
        with history.engine.connect() as connection:
            rows = connection.execute(sql("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                                          "ORDER BY id"), {"s": sender}).scalars()
            return [event["text"] for event in map(json.loads, rows)
                    if not (event.get("metadata") or {}).get(CHECKPOINT)]  # not the repeats of checkpoints
    finally:
        history.dispose()


def test_twenty_messages_of_one_chat_in_one_batch_are_answered_in_order(telegram: FakeTelegram, stack: Stack) -> None:
    chat = 2001
    said = [VALIDITY if i % 2 == 0 else f"cảm ơn lần {i}" for i in range(20)]
    telegram.users_say([(chat, text) for text in said])
    replies = telegram.wait_for_messages(chat, 20, timeout=120)
    assert user_texts(stack, f"telegram:{chat}") == said  # Rasa got them in the order they were typed
    answered_validity = ["36 tháng" in reply["text"] for reply in replies[:20]]
    assert answered_validity == [i % 2 == 0 for i in range(20)]  # each answer right after its question


def test_two_hundred_chats_at_once_are_answered_concurrently(telegram: FakeTelegram) -> None:
    chats = list(range(3000, 3200))
    started = time.monotonic()
    telegram.users_say([(chat, "xin chào") for chat in chats])
    for chat in chats:
        assert telegram.wait_for_messages(chat, 1, timeout=120)
    elapsed = time.monotonic() - started
    # One at a time, the sends alone would take 200 × 0.25 s = 50 s; several were in flight together.
    assert telegram.most_in_flight >= 10, (telegram.most_in_flight, elapsed)
