"""Many producers filling the pre-registration form at once through the REST channel.

    .venv/bin/python -m bench.registration_load [--producers 50] [--database-url URL] [--url http://…]

Without ``--url`` it starts the stack (action server + Rasa) with the cached
model on free ports, on a fresh SQLite database or on ``--database-url``
(PostgreSQL: Rasa's tracker store and the application tables). Every simulated
producer has its own tax code and sends the whole conversation, one message
after the reply to the previous one. Printed: turn latency p50/p95/p99, the
wall time, and the database check: one row per producer, no duplicates, no
losses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import httpx
from sqlalchemy import select

from bench.nlu_eval import RESULTS, percentile
from bot.model_cache import ensure_model
from bot.stack import Stack
from fakes.tax_codes import tax_code
from ocop.storage.db import Database
from ocop.storage.models import PreRegistration, Producer


def script(index: int, tax: str) -> List[str]:
    return [
        "đăng ký OCOP", "hợp tác xã", "đồng ý", f"Hợp tác xã thử tải số {index}", "Nguyễn Văn An", tax,
        f"09{index:08d}"[:10] if index else "0912345678", "không có",
        "ấp 2, xã Tân Thông Hội, huyện Củ Chi, TP. Hồ Chí Minh", f"Mật ong rừng số {index}", "mật ong",
        "Mật ong rừng tràm nguyên chất, chai 500 ml", "có", "xác nhận",
    ]


async def producer(client: httpx.AsyncClient, index: int, tax: str, latencies: List[float]) -> Optional[str]:
    sender = f"load-{uuid.uuid4().hex}"
    reply = ""
    for text in script(index, tax):
        started = time.perf_counter()
        response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        reply = "\n".join(m.get("text") or "" for m in response.json())
    return reply if "OCOP-" in reply else None


async def run_all(url: str, taxes: List[str]) -> Dict[str, object]:
    latencies: List[float] = []
    limits = httpx.Limits(max_connections=len(taxes))
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        replies = await asyncio.gather(*(producer(client, i, tax, latencies) for i, tax in enumerate(taxes)))
        wall = time.perf_counter() - started
    return {"latencies": latencies, "wall_s": wall, "confirmed": sum(r is not None for r in replies)}


def check_rows(database_url: str, taxes: List[str]) -> Dict[str, int]:
    db = Database(database_url)
    with db.session() as session:
        rows = session.execute(
            select(Producer.tax_code, PreRegistration.reference_code)
            .join(PreRegistration, PreRegistration.producer_id == Producer.id)
            .where(Producer.tax_code.in_(taxes))
        ).all()
    per_tax: Dict[str, int] = {}
    for tax, _ in rows:
        per_tax[tax] = per_tax.get(tax, 0) + 1
    return {
        "rows": len(rows),
        "lost": sum(1 for tax in taxes if tax not in per_tax),
        "duplicated": sum(n - 1 for n in per_tax.values() if n > 1),
        "distinct_codes": len({code for _, code in rows}),
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=50)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--url", help="a running assistant (then --database-url is its database)")
    args = parser.parse_args(argv)
    run = int(time.time()) % 1000
    taxes = [tax_code(run * 10_000 + i) for i in range(args.producers)]
    with tempfile.TemporaryDirectory() as tmp:
        stack = None
        url, database_url = args.url, args.database_url
        if url is None:
            stack = Stack.isolated(Path(tmp), ensure_model(), database_url=database_url).start()
            url, database_url = stack.rasa_url, stack.database_url
        try:
            result = asyncio.run(run_all(url, taxes))
            rows = check_rows(database_url or "", taxes)
        finally:
            if stack is not None:
                stack.stop()
    latencies = result["latencies"]
    turns = len(latencies)
    print(f"{args.producers} producers x {turns // args.producers} turns = {turns} turns in {result['wall_s']:.1f} s "
          f"({turns / result['wall_s']:.1f} turns/s); database: {database_url.split('://')[0]}")
    print(f"turn latency p50 {percentile(latencies, 50):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
          f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms")
    print(f"confirmed with a reference code: {result['confirmed']}/{args.producers}; rows {rows['rows']}, "
          f"lost {rows['lost']}, duplicated {rows['duplicated']}, distinct codes {rows['distinct_codes']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {k: v for k, v in result.items() if k != "latencies"}
    summary.update(rows, p50=percentile(latencies, 50), p99=percentile(latencies, 99))
    (RESULTS / "registration_load.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    ok = rows["lost"] == 0 and rows["duplicated"] == 0 and result["confirmed"] == args.producers
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
