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
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional, Sequence

import yaml

from bench.nlu_eval import percentile
from bot.model_cache import ROOT, ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack
from fakes.fake_telegram import FakeTelegram

QUESTIONS = ROOT / "bench" / "data" / "answer_heldout.yml"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args(argv)
    with open(QUESTIONS, encoding="utf-8") as handle:
        questions = [item["accented"] for item in yaml.safe_load(handle)][: args.messages]
    fake = FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack.isolated(Path(tmp), ensure_model()).start()
        env = stack.bot_env(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url)
        bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                               stdout=open(Path(tmp) / "bot.log", "wb"), stderr=subprocess.STDOUT)
        try:
            fake.user_says(1, "xin chào")
            fake.wait_for_messages(1, 1, timeout=120)
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
        finally:
            bot.terminate()
            bot.wait(30)
            stack.stop()
            fake.stop()
    for label, values in (("Rasa REST (its own time)", rasa_ms), ("Telegram, update to sendMessage", telegram_ms)):
        print(f"{label}: p50 {percentile(values, 50):.1f} ms, p99 {percentile(values, 99):.1f} ms")
    print(f"added by the channel: p50 {statistics.median(telegram_ms) - statistics.median(rasa_ms):+.1f} ms "
          f"over {len(questions)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
