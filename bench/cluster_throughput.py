"""Throughput of ``make cluster`` against one Rasa server, and a Rasa server killed under load.

    .venv/bin/python -m bench.cluster_throughput [--seconds 30] [--senders 50]
        [--database-url postgresql://postgres@127.0.0.1:5432/ocop_bench]

Starts the cluster of ``bot/cluster.py`` (2 action servers, 2 Rasa servers
behind nginx, PostgreSQL tracker store, Redis lock store) on a database of
its own (created when missing). ``--senders`` producers each ask FAQ
questions one after the other for ``--seconds``: first straight to one Rasa
server (port 5105), then through nginx (both servers). Then the same load
through nginx while one Rasa server is killed with SIGKILL: every message
must be answered or get an error the bot process turns into "send it again",
and no conversation may hold interleaved turns. Prints turns/s, p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.nlu_eval import percentile
from bot.cluster import BALANCED_RASA, DEFAULT_REDIS, RASA_PORTS, Cluster
from bot.model_cache import ensure_model
from ocop.storage.db import make_engine

QUESTIONS = ["ocop là gì", "giấy chứng nhận OCOP có giá trị bao lâu?", "sản phẩm OCOP được chấm theo mấy sao",
             "đăng ký OCOP ở đâu", "hồ sơ tham gia OCOP gồm những gì"]


def database(url: str) -> str:
    """``url``, its database created when missing."""
    name = make_url(url).database
    admin = make_engine(str(make_url(url).set(database="postgres")))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


async def load(port: int, senders: int, seconds: float, tag: str, during=None) -> Dict[str, object]:
    """``senders`` producers asking one question after another for ``seconds``."""
    latencies: List[float] = []
    failures = 0
    reasons: Dict[str, int] = {}
    deadline = time.monotonic() + seconds

    async def producer(index: int, client: httpx.AsyncClient) -> None:
        nonlocal failures
        turn = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await client.post("/webhooks/rest/webhook", json={
                    "sender": f"{tag}-{index}", "message": QUESTIONS[turn % len(QUESTIONS)]})
                if response.status_code == 200 and response.json():
                    latencies.append(time.perf_counter() - started)
                else:
                    failures += 1
                    reasons[f"HTTP {response.status_code} {response.text[:60]}"] = reasons.get(
                        f"HTTP {response.status_code} {response.text[:60]}", 0) + 1
            except httpx.HTTPError as error:
                failures += 1
                reasons[type(error).__name__] = reasons.get(type(error).__name__, 0) + 1
            turn += 1

    limits = httpx.Limits(max_connections=senders, max_keepalive_connections=senders)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits) as client:
        tasks = [asyncio.create_task(producer(i, client)) for i in range(senders)]
        if during is not None:
            await asyncio.sleep(seconds / 3)
            during()
        await asyncio.gather(*tasks)
    return {"turns": len(latencies), "failures": failures, "reasons": reasons, "rate": len(latencies) / seconds,
            "p50": percentile([x * 1000 for x in latencies], 50) if latencies else 0,
            "p99": percentile([x * 1000 for x in latencies], 99) if latencies else 0}


def interleaved(database_url: str, tag: str) -> int:
    """Conversations of ``tag`` holding a user message inside another turn."""
    engine = make_engine(database_url)
    bad = 0
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, data FROM events WHERE sender_id LIKE :t ORDER BY id"),
                                  {"t": f"rest:{tag}-%"}).all()
    engine.dispose()
    last: Dict[str, str] = {}
    for sender, data in rows:
        event = json.loads(data)
        kind = event["event"] if event["event"] != "action" else event.get("name")
        if kind == "user" and last.get(sender) not in (None, "action_listen", "session_started"):
            bad += 1
        last[sender] = kind
    return bad


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/ocop_bench"))
    args = parser.parse_args(argv)
    url = database(args.database_url)
    tmp = tempfile.mkdtemp(prefix="ocop-cluster-")  # kept: the logs are in {tmp}/cluster/logs
    cluster = Cluster(Path(tmp), url, os.environ.get("REDIS_URL", DEFAULT_REDIS), ensure_model()).start()
    try:
        asyncio.run(load(RASA_PORTS[0], args.senders, 5, "warm"))
        one = asyncio.run(load(RASA_PORTS[0], args.senders, args.seconds, f"one{int(time.time())}"))
        both = asyncio.run(load(BALANCED_RASA, args.senders, args.seconds, f"two{int(time.time())}"))
        victim = cluster.processes.processes[f"rasa-{RASA_PORTS[1]}"]
        tag = f"kill{int(time.time())}"
        killed = asyncio.run(load(BALANCED_RASA, args.senders, args.seconds, tag,
                                  during=lambda: os.killpg(victim.pid, signal.SIGKILL)))
        mixed = interleaved(url, tag)
    finally:
        cluster.stop()
    for label, result in (("one Rasa server (5105)", one), ("two Rasa servers through nginx (5005)", both),
                          ("through nginx, one server killed a third of the way", killed)):
        print(f"{label}: {result['rate']:.1f} turns/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
              f"{result['turns']} answered, {result['failures']} refused/failed {result['reasons'] or ''}")
    print(f"logs: {tmp}/cluster/logs")
    ratio = both["rate"] / one["rate"] if one["rate"] else 0
    print(f"two servers / one: {ratio:.2f}x (bar ≥ 1.5x: {'reached' if ratio >= 1.5 else 'NOT reached'}); "
          f"conversations with interleaved turns after the kill: {mixed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
