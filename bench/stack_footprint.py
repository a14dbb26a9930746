"""Training time, memory and parse latency of the whole running assistant.

    .venv/bin/python -m bench.stack_footprint [--skip-train]

1. ``rasa train`` of the full project (NLU + dialogue), timed, into a temporary
   folder (the cached model in models/ is not touched);
2. the stack (action server + Rasa server) started with that model; resident
   memory (RSS of each process tree) measured after start-up and after 1,000
   parses;
3. ``POST /model/parse`` latency p50/p99 over the held-out utterances.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict

import psutil

from bench.data.heldout import load_heldout
from bench.nlu_eval import percentile
from bot.model_cache import ensure_model, train
from bot.rasa_client import RasaClient
from bot.stack import Stack


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its children, in MB."""
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 1e6


def memory(stack: Stack) -> Dict[str, float]:
    usage = {name: tree_rss_mb(pid) for name, pid in stack.pids().items()}
    usage["total"] = sum(usage.values())
    return usage


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-train", action="store_true", help="use the cached model")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        if args.skip_train:
            model = ensure_model()
        else:
            started = time.perf_counter()
            model = train(out_dir=Path(tmp))
            print(f"rasa train (full project): {time.perf_counter() - started:.0f} s", flush=True)
        stack = Stack.isolated(Path(tmp) / "var", model).start()
        try:
            time.sleep(5)
            idle = memory(stack)
            print("RSS after start-up (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in idle.items()))
            texts = [text for e in load_heldout() for text, _ in e.variants.values()]
            latencies = []
            with RasaClient(stack.rasa_url, jwt_secret=stack.secrets["RASA_JWT_SECRET"]) as client:
                for text in texts[:50]:
                    client.parse(text)
                for text in texts[:1000]:
                    started = time.perf_counter()
                    client.parse(text)
                    latencies.append((time.perf_counter() - started) * 1000)
            busy = memory(stack)
            print("RSS after 1,000 parses (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in busy.items()))
            print(f"POST /model/parse over {len(latencies)} held-out texts: "
                  f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
                  f"mean {statistics.mean(latencies):.1f} ms")
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
