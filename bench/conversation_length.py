"""The cost of a turn as one conversation grows: turn 1 against turn 1,000.

    .venv/bin/python -m bench.conversation_length [--turns 1000] [--database-url postgresql://…]

Starts the stack (action server + Rasa, cached model; SQLite unless
``--database-url``) and has one producer ask FAQ questions one after the
other, ``--turns`` times, within one session (no idle hour in between).
Every 10th request is also the first turn of a fresh conversation, so that
turn 1 is measured at the same moments as the long conversation's turns
(this machine's speed drifts by a fifth over a minute). Prints the p50 of
the long conversation's first and last ``--window`` turns, and of the fresh
first turns made during that last stretch. Rasa loads and reads the whole
current session every turn; the tracker store of
``rasa_server/tracker_store.py`` starts a checkpoint session once a session
holds more than ``max_session_events`` events, so the last turns should cost
what a first turn does (bar: within 20%).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence

from bot.model_cache import ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack

QUESTIONS = ["ocop là gì", "giấy chứng nhận OCOP có giá trị bao lâu?", "sản phẩm OCOP được chấm mấy sao",
             "đăng ký OCOP ở đâu", "cảm ơn"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--window", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack.isolated(Path(tmp), ensure_model(), database_url=args.database_url).start()
        latencies: List[float] = []
        fresh: List[float] = []  # (first turns of new conversations, at the long conversation's turn index)
        fresh_at: List[int] = []
        try:
            with RasaClient(stack.rasa_url) as client:
                for i in range(20):  # warm-up, another conversation
                    client.send("warm-up", QUESTIONS[i % len(QUESTIONS)])
                sender = f"long-{int(time.time())}"
                for turn in range(args.turns):
                    started = time.perf_counter()
                    assert client.send(sender, QUESTIONS[turn % len(QUESTIONS)])
                    latencies.append((time.perf_counter() - started) * 1000)
                    if turn % 10 == 0:
                        started = time.perf_counter()
                        assert client.send(f"{sender}-fresh-{turn}", QUESTIONS[turn % len(QUESTIONS)])
                        fresh.append((time.perf_counter() - started) * 1000)
                        fresh_at.append(turn)
        finally:
            stack.stop()
    first = statistics.median(latencies[:args.window])
    last = statistics.median(latencies[-args.window:])
    middle = statistics.median(latencies[len(latencies) // 2 - args.window // 2:][:args.window])
    turn_one = statistics.median([ms for ms, at in zip(fresh, fresh_at) if at >= args.turns - 5 * args.window])
    change = (last - turn_one) / turn_one * 100
    database = (args.database_url or "sqlite").split("://")[0]
    print(f"{args.turns} turns of one conversation on {database}: p50 of turns 1–{args.window} {first:.1f} ms, "
          f"around turn {args.turns // 2} {middle:.1f} ms, of the last {args.window} {last:.1f} ms")
    print(f"turn 1 of fresh conversations during the last {5 * args.window} turns: p50 {turn_one:.1f} ms; "
          f"the last turns against it: {change:+.0f}% "
          f"(bar within 20%: {'reached' if abs(change) <= 20 else 'NOT reached'})")
    return 0 if abs(change) <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
