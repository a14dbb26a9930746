"""One sending pace for the bot: reminders and announcements share the rate, a 429 pauses both."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import List

from bot.pacing import Pacer
from bot.reminder_push import RasaReminderPush
from ocop.outbox import RetryLater
from ocop.reminders import DueReminder


class FakeRasa:
    async def trigger_intent(self, sender: str, intent: str, entities: dict) -> list:
        return [{"text": f"Nhắc hạn {entities['certificate_number']}"}]


def reminder(number: int) -> DueReminder:
    return DueReminder(number, "telegram", str(1000 + number), f"{number}/GCN", "Trà", 3,
                       dt.date(2027, 1, 1), 30, chat_user_id=number)


def busiest_second(times: List[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_reminders_and_announcements_together_stay_within_the_rate() -> None:
    sent: List[float] = []

    async def channel_push(channel: str, user_id: str, messages: list) -> None:
        sent.append(time.monotonic())

    async def scenario() -> None:
        pacer = Pacer(rate=5, per_chat_interval=0)
        push = RasaReminderPush(FakeRasa(), channel_push, pacer)  # type: ignore[arg-type]

        async def announcement(chat: int) -> None:
            await pacer.turn(chat)
            await pacer.window()
            await channel_push("telegram", str(chat), [{"text": "Thông báo"}])

        await asyncio.gather(*(push(reminder(i)) for i in range(8)), *(announcement(100 + i) for i in range(8)))

    asyncio.run(scenario())
    assert len(sent) == 16
    assert busiest_second(sent) <= 5


def test_a_flood_limit_on_a_reminder_pauses_every_send() -> None:
    sent: List[float] = []
    limited = {"done": False}

    async def channel_push(channel: str, user_id: str, messages: list) -> None:
        if not limited["done"]:
            limited["done"] = True
            raise RetryLater(1.5)
        sent.append(time.monotonic())

    async def scenario() -> float:
        pacer = Pacer(rate=50, per_chat_interval=0)
        push = RasaReminderPush(FakeRasa(), channel_push, pacer)  # type: ignore[arg-type]
        began = time.monotonic()
        try:
            await push(reminder(1))
        except RetryLater:
            pass
        await push(reminder(2))
        return began

    began = asyncio.run(scenario())
    assert sent and sent[0] - began >= 1.5
