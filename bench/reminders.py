"""The daily reminder scan on a large registry: time and memory.

    .venv/bin/python -m bench.reminders                                   # SQLite, fresh file
    .venv/bin/python -m bench.reminders --database-url postgresql://postgres@127.0.0.1:5432/test

Fills a fresh database (on PostgreSQL: a schema of its own, dropped at the
end) with ``--certificates`` certificates (default 100,000) whose issue dates
spread over the last 36 months, and ``--users`` chat users (default 50,000),
each linked to one certificate. Then times one daily cycle's database work:
the status refresh, the scan that selects the due (certificate, user) pairs,
and the planning that writes their delivery rows. Prints the seconds of each
step and the process's resident memory (current and peak).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional, Sequence

import psutil
from sqlalchemy import insert, text

from ocop import reminders
from ocop.reminders import Schedule
from ocop.storage.db import Database, make_engine
from ocop.storage.models import Certificate, CertificateSubscription, ChatUser
from ocop.vietnam_time import local_now

CHUNK = 5000


def fill(db: Database, certificates: int, users: int, today: dt.date, seed: int = 7) -> None:
    db.upgrade()
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    with db.engine.begin() as connection:
        for start in range(0, certificates, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, certificates)):
                issued = today - dt.timedelta(days=rng.randrange(0, 1095))
                rows.append({
                    "id": i + 1, "number": f"{i + 1}/GCN-UBND", "product_name": f"Sản phẩm {i + 1}",
                    "holder_name": f"Chủ thể {i + 1}", "holder_tax_code": f"{i + 1:010d}", "star_rating": 3 + i % 3,
                    "issuing_authority": "UBND tỉnh", "issue_date": issued,
                    "expiry_date": issued + dt.timedelta(days=1095), "status": "valid",
                    "created_at": now, "updated_at": now,
                })
            connection.execute(insert(Certificate), rows)
        for start in range(0, users, CHUNK):
            span = range(start, min(start + CHUNK, users))
            connection.execute(insert(ChatUser), [
                {"id": i + 1, "channel": "telegram", "user_id": str(100000 + i), "created_at": now} for i in span
            ])
            connection.execute(insert(CertificateSubscription), [
                {"certificate_id": (i * 2) % certificates + 1, "chat_user_id": i + 1, "active": True, "created_at": now}
                for i in span
            ])
        if connection.dialect.name == "postgresql":
            for table in ("certificates", "chat_users", "certificate_subscriptions"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
                connection.execute(text(f"ANALYZE {table}"))


def timed(label: str, function, *args):
    started = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.2f} s", flush=True)
    return result, seconds


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (a schema of its own is used); default SQLite")
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50_000)
    args = parser.parse_args(argv)
    today = local_now().date()
    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if args.database_url:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with make_engine(args.database_url).begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            separator = "&" if "?" in args.database_url else "?"
            url = f"{args.database_url}{separator}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        db, schedule = Database(url), Schedule()
        try:
            print(f"{args.certificates:,} certificates, {args.users:,} linked users, {url.split(':')[0]}", flush=True)
            _, fill_seconds = timed("filling the database", fill, db, args.certificates, args.users, today)
            rss_before = psutil.Process().memory_info().rss
            _, refresh_seconds = timed("status refresh", reminders.refresh_statuses, db, today)
            pairs, scan_seconds = timed("scan for due reminders", reminders.due_pairs, db, today, schedule.offsets)
            planned, plan_seconds = timed("planning (writing delivery rows)", reminders.plan, db, today, schedule)
            again, replan_seconds = timed("second planning the same day", reminders.plan, db, today, schedule)
        finally:
            db.dispose()
            if schema:
                with make_engine(args.database_url).begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    rss = psutil.Process().memory_info().rss
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"due pairs in the window: {len(pairs):,}; reminders planned: {planned:,}; planned again: {again}")
    print(f"daily scan (refresh + scan + plan): {refresh_seconds + scan_seconds + plan_seconds:.2f} s")
    print(f"resident memory: {rss / 2**20:.0f} MB now, {rss_before / 2**20:.0f} MB before the scan, "
          f"peak {peak / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
