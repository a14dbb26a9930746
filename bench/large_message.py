"""A 100 KB message against the running assistant: its answer time, a short question beside it, Rasa's memory.

    .venv/bin/python -m bench.large_message [--kilobytes 100] [--rounds 5]

Starts the stack with the current model, then ``--rounds`` times: sends one
message of ``--kilobytes`` KB to the REST channel and, while it is being
handled, a short question from another sender. Prints the answer time of both
(p50 and worst) and the Rasa server's peak resident memory (its process tree,
sampled every 50 ms). The channels read at most 2,000 characters of a message
(``rasa_server/messages.py``), so neither should take long.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import List, Optional, Sequence

from bench.stack_footprint import tree_rss_mb
from bot.model_cache import ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack


class PeakMemory(threading.Thread):
    """Samples a process tree's resident memory until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            time.sleep(0.05)

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak_mb


def timed_send(client: RasaClient, text: str, out: List[float]) -> None:
    start = time.perf_counter()
    client.send(f"bench-{uuid.uuid4().hex[:8]}", text)
    out.append((time.perf_counter() - start) * 1000)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kilobytes", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    big_text = "ocop là gì " + "chữ " * (args.kilobytes * 1024 // 5)
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack.isolated(Path(tmp), ensure_model()).start()
        try:
            client = RasaClient(stack.rasa_url, timeout=120)
            for _ in range(10):
                client.send("warm-up", "ocop là gì")
            start_mb = tree_rss_mb(stack.pids()["rasa"])
            memory = PeakMemory(stack.pids()["rasa"])
            memory.start()
            big: List[float] = []
            short: List[float] = []
            for _ in range(args.rounds):
                sender = threading.Thread(target=timed_send, args=(client, big_text, big))
                sender.start()
                time.sleep(0.01)
                timed_send(client, "giấy chứng nhận OCOP có giá trị bao lâu", short)
                sender.join()
            peak_mb = memory.stop()
            client.close()
        finally:
            stack.stop()
    print(f"{args.kilobytes} KB message: p50 {statistics.median(big):.0f} ms, worst {max(big):.0f} ms")
    print(f"short question beside it: p50 {statistics.median(short):.0f} ms, worst {max(short):.0f} ms")
    print(f"Rasa server memory: {start_mb:.0f} MB after start-up, peak {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
