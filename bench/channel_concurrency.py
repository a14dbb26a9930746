"""Every chat at once through the Telegram channel: 200 chats ask one question at the same moment.

    .venv/bin/python -m bench.channel_concurrency [--chats 200] [--send-delay 0.25]

Starts the stack (action server + Rasa, cached model) and the bot process
against the fake Bot API of ``fakes/fake_telegram.py``, which answers every
``sendMessage`` after ``--send-delay`` seconds (a real round trip to
Telegram). First Rasa's own rate on this run: the same number of questions
sent at once straight to Rasa (the bot channel's own endpoint), one per sender. Then the same
questions as Telegram updates in one ``getUpdates`` batch, timed per chat from
the batch to that chat's reply. Bar (issue 12): all answered within 1.3 ×
(chats ÷ Rasa's own turns/s).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import List, Optional, Sequence

from bench.nlu_eval import percentile
from bench.telegram_stack import telegram_stack
from bot.rasa_client import AsyncRasaClient
from bot.stack import Stack
from fakes.fake_telegram import FakeTelegram

QUESTION = "giấy chứng nhận OCOP có giá trị bao lâu?"


async def rasa_rate(stack: Stack, chats: int) -> float:
    """Turns per second of the Rasa server alone: ``chats`` questions at once, one per sender."""
    client = AsyncRasaClient(stack.rasa_url, jwt_secret=stack.secrets["RASA_JWT_SECRET"],
                             bot_channel_secret=stack.secrets["BOT_CHANNEL_SECRET"])
    try:
        await asyncio.gather(*(client.send_as("telegram", str(800_000 + i), QUESTION) for i in range(20)))
        started = time.perf_counter()
        await asyncio.gather(*(client.send_as("telegram", str(900_000 + i), QUESTION) for i in range(chats)))
        return chats / (time.perf_counter() - started)
    finally:
        await client.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--send-delay", type=float, default=0.25)
    args = parser.parse_args(argv)
    fake = FakeTelegram(send_delay=args.send_delay).start()
    with telegram_stack(fake) as stack:
        rate = asyncio.run(rasa_rate(stack, args.chats))
        chats = list(range(50_000, 50_000 + args.chats))
        queued = time.monotonic()
        fake.users_say([(chat, QUESTION) for chat in chats])
        per_chat: List[float] = [fake.wait_for_messages(chat, 1, timeout=300)[0]["_received_at"] - queued
                                 for chat in chats]
    everything = max(per_chat)
    bar = 1.3 * args.chats / rate
    print(f"Rasa alone: {args.chats} questions at once in {args.chats / rate:.2f} s = {rate:.1f} turns/s")
    print(f"Telegram, {args.chats} chats at once (sendMessage {args.send_delay * 1000:.0f} ms): all answered in "
          f"{everything:.2f} s; per chat p50 {percentile(per_chat, 50):.2f} s, p95 {percentile(per_chat, 95):.2f} s; "
          f"sends in flight at most {fake.most_in_flight}")
    print(f"bar: ≤ 1.3 × {args.chats} / {rate:.1f} = {bar:.2f} s — "
          f"{'reached' if everything <= bar else 'NOT reached'}")
    return 0 if everything <= bar else 1


if __name__ == "__main__":
    sys.exit(main())
