"""``ChatOrder``: work of one chat in arrival order, work of different chats at the same time."""

from __future__ import annotations

import asyncio
import random
from typing import Dict, List

from telegram import Chat, Message, Update

from bot.channels.ordering import ChatOrder
from bot.channels.telegram import ChatOrderedUpdates


def test_each_chat_in_order_all_chats_at_once() -> None:
    done: Dict[int, List[int]] = {}
    running = {"now": 0, "most": 0}
    delays = random.Random(7)

    async def work(chat: int, number: int, delay: float) -> None:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(delay)  # later updates of the chat would overtake this one if not held back
        done.setdefault(chat, []).append(number)
        running["now"] -= 1

    async def main() -> ChatOrder:
        order = ChatOrder()
        for number in range(20):
            for chat in range(10):
                order.run(chat, work(chat, number, delays.uniform(0, 0.02)))
        await order.drain(30)
        return order

    order = asyncio.run(main())
    assert all(numbers == list(range(20)) for numbers in done.values()) and len(done) == 10
    assert running["most"] == 10  # one per chat at a time, every chat at once
    assert order.busy_chats == 0  # nothing kept for chats with no work left


def test_a_failure_does_not_stop_the_chat() -> None:
    done: List[str] = []

    async def fail() -> None:
        raise RuntimeError("one bad update")

    async def note(text: str) -> None:
        done.append(text)

    async def main() -> None:
        order = ChatOrder()
        order.run("a", note("first"))
        order.run("a", fail())
        order.run("a", note("third"))
        await order.drain(5)

    asyncio.run(main())
    assert done == ["first", "third"]


def test_telegram_updates_of_one_chat_wait_for_each_other() -> None:
    seen: List[str] = []

    def update(update_id: int, chat_id: int) -> Update:
        chat = Chat(chat_id, Chat.PRIVATE)
        return Update(update_id, message=Message(update_id, date=None, chat=chat, text=str(update_id)))

    async def handle(label: str, delay: float) -> None:
        await asyncio.sleep(delay)
        seen.append(label)

    async def main() -> None:
        processor = ChatOrderedUpdates()
        await asyncio.gather(processor.process_update(update(1, 5), handle("5a", 0.05)),
                             processor.process_update(update(2, 5), handle("5b", 0.0)),
                             processor.process_update(update(3, 6), handle("6a", 0.0)))

    asyncio.run(main())
    assert seen.index("5a") < seen.index("5b") and seen[0] == "6a"  # chat 6 did not wait for chat 5
