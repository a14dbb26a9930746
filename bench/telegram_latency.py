"""What the Telegram channel adds to a reply: fake Bot API → bot process → Rasa → fake Bot API.

    .venv/bin/python -m bench.telegram_latency [--messages 200]

Starts the stack (action server + Rasa, cached model) and the bot process
against the fake Telegram server of ``fakes/fake_telegram.py``. Each
held-out FAQ question (accented) is sent twice, one after the other: straight
to Rasa's REST channel (Rasa's own time), and as a Telegram update, timed from
the moment the fake server queues it to the moment it receives the reply's
``sendMessage``. Prints both distributions and the difference of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from typing import Optional, Sequence

import yaml

from bench.nlu_eval import percentile
from bench.telegram_stack import telegram_stack
from bot.model_cache import ROOT
from bot.rasa_client import RasaClient
from fakes.fake_telegram import FakeTelegram

QUESTIONS = ROOT / "bench" / "data" / "answer_heldout.yml"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args(argv)
    with open(QUESTIONS, encoding="utf-8") as handle:
        questions = [item["accented"] for item in yaml.safe_load(handle)][: args.messages]
    fake = FakeTelegram().start()
    with telegram_stack(fake) as stack:
        rasa_ms, telegram_ms = [], []
        with RasaClient(stack.rasa_url, jwt_secret=stack.secrets["RASA_JWT_SECRET"]) as client:
            for _ in range(20):  # warm-up
                client.send(f"warm-{uuid.uuid4().hex}", "ocop là gì")
            for index, text in enumerate(questions):
                started = time.perf_counter()
                client.send(f"rest-{uuid.uuid4().hex}", text)
                rasa_ms.append((time.perf_counter() - started) * 1000)
                chat = 10_000 + index  # a fresh conversation, as for REST
                queued = time.monotonic()
                fake.user_says(chat, text)
                [reply] = fake.wait_for_messages(chat, 1)
                telegram_ms.append((reply["_received_at"] - queued) * 1000)
    for label, values in (("Rasa REST (its own time)", rasa_ms), ("Telegram, update to sendMessage", telegram_ms)):
        print(f"{label}: p50 {percentile(values, 50):.1f} ms, p99 {percentile(values, 99):.1f} ms")
    print(f"added by the channel: p50 {statistics.median(telegram_ms) - statistics.median(rasa_ms):+.1f} ms "
          f"over {len(questions)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
