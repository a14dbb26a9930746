"""10,000 chats each receiving an expiry reminder in one morning: outbox cost, then the whole path.

    .venv/bin/python -m bench.reminder_morning                     # both parts, SQLite
    .venv/bin/python -m bench.reminder_morning --database-url postgresql://postgres@127.0.0.1:5432/ocop_bench \\
        --outbox-only                                             # part 1 on PostgreSQL

1. The outbox alone (``ocop/reminders.py``, ``ocop/outbox.py``): a fresh
   database with ``--chats`` certificates due in 30 days, each linked to its
   own chat; times the planning, the scan for due rows (``Outbox.due``) and
   the claim + finish of every row with a push that does nothing.
2. The whole path: the stack (action server, Rasa with the cached model), the
   bot process and the fake Bot API of ``fakes/fake_telegram.py``
   (``--send-delay`` per ``sendMessage``) on the same kind of database; the
   bot process's start-up cycle pushes every reminder through Rasa
   (``trigger_intent``) and Telegram. Prints the time to the last reminder,
   the busiest 1-second window against the configured rate
   (``OCOP_BROADCAST_RATE``), chats reminded twice and chats not reminded.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from sqlalchemy import insert, text

from bench.telegram_stack import telegram_stack
from bot.stack import Stack
from fakes.fake_telegram import FakeTelegram
from ocop import reminders
from ocop.reminders import Schedule
from ocop.storage.db import Database, make_engine
from ocop.storage.models import Certificate, CertificateSubscription, ChatUser
from ocop.vietnam_time import local_now

CHUNK = 5000
FIRST_CHAT = 700_000


def fill(db: Database, chats: int, today: dt.date) -> None:
    """``chats`` certificates expiring in 30 days, each linked to its own Telegram chat."""
    now = dt.datetime.now(dt.timezone.utc)
    expiry = today + dt.timedelta(days=30)
    with db.engine.begin() as connection:
        for start in range(0, chats, CHUNK):
            span = range(start, min(start + CHUNK, chats))
            connection.execute(insert(Certificate), [{
                "id": i + 1, "number": f"{i + 1}/QĐ-UBND", "product_name": f"Sản phẩm {i + 1}",
                "holder_name": f"Chủ thể {i + 1}", "holder_tax_code": f"{i + 1:010d}", "star_rating": 3 + i % 3,
                "issuing_authority": "UBND tỉnh", "issue_date": expiry - dt.timedelta(days=1095),
                "expiry_date": expiry, "status": "valid", "created_at": now, "updated_at": now,
            } for i in span])
            connection.execute(insert(ChatUser), [
                {"id": i + 1, "channel": "telegram", "user_id": str(FIRST_CHAT + i), "created_at": now} for i in span])
            connection.execute(insert(CertificateSubscription), [
                {"certificate_id": i + 1, "chat_user_id": i + 1, "active": True, "created_at": now} for i in span])
        if connection.dialect.name == "postgresql":
            for table in ("certificates", "chat_users", "certificate_subscriptions"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
                connection.execute(text(f"ANALYZE {table}"))


def outbox_cost(url: str, chats: int) -> None:
    db, schedule = Database(url), Schedule(quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0))
    try:
        db.upgrade()
        today = local_now().date()
        fill(db, chats, today)
        now = dt.datetime.now(dt.timezone.utc)
        started = time.perf_counter()
        planned = reminders.plan(db, today, schedule, now)
        plan_seconds = time.perf_counter() - started
        box = reminders.outbox(db)
        started = time.perf_counter()
        due = box.due(now)
        scan_seconds = time.perf_counter() - started
        started = time.perf_counter()
        outcome = reminders.deliver(db, lambda reminder: None, now, schedule)
        deliver_seconds = time.perf_counter() - started
    finally:
        db.dispose()
    print(f"1. outbox alone ({url.split(':')[0]}): {planned:,} reminders planned in {plan_seconds:.2f} s; "
          f"scan for due rows {scan_seconds * 1000:.0f} ms ({len(due):,} rows); claim + finish of every row "
          f"{deliver_seconds:.1f} s = {deliver_seconds / max(1, len(due)) * 1000:.2f} ms per reminder {outcome}",
          flush=True)


def whole_path(chats: int, send_delay: float, rate: float) -> bool:
    fake = FakeTelegram(send_delay=send_delay).start()
    marks: Dict[str, float] = {}

    def prepare(stack: Stack) -> None:
        db = Database(stack.database_url or "")
        try:
            fill(db, chats, local_now().date())
        finally:
            db.dispose()
        marks["bot started"] = time.monotonic()

    wanted = {str(FIRST_CHAT + i) for i in range(chats)}
    with telegram_stack(fake, prepare, OCOP_BROADCAST_RATE=str(rate), OCOP_QUIET_HOURS="00:00-00:00"):
        deadline = time.monotonic() + 4 * 3600
        while time.monotonic() < deadline:
            reminded = {str(m["chat_id"]) for m in list(fake.sent)} & wanted
            if len(reminded) == chats:
                break
            time.sleep(5)
        time.sleep(5)  # anything sent twice would come now
        sent = [m for m in list(fake.sent) if str(m["chat_id"]) in wanted]
    per_chat = collections.Counter(str(m["chat_id"]) for m in sent)
    times: List[float] = sorted(fake.attempts)  # when each sendMessage reached the platform
    busiest, first = 0, 0
    for last, moment in enumerate(times):  # the most sends within any 1-second window
        while moment - times[first] >= 1.0:
            first += 1
        busiest = max(busiest, last - first + 1)
    took = max(m["_received_at"] for m in sent) - marks["bot started"] if sent else float("nan")
    twice = sum(1 for count in per_chat.values() if count > 1)
    missing = chats - len(per_chat)
    print(f"2. whole path (SQLite, Rasa trigger_intent, fake Telegram {send_delay * 1000:.0f} ms per send): "
          f"{len(per_chat):,} of {chats:,} chats reminded in {took:.0f} s from the bot's start "
          f"({len(per_chat) / took:.1f} reminders/s); busiest 1-s window {busiest} (rate {rate:g}); "
          f"chats reminded twice: {twice}; chats not reminded: {missing}", flush=True)
    return busiest <= rate and twice == 0 and missing == 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL URL for part 1 (a schema of its own); default SQLite")
    parser.add_argument("--outbox-only", action="store_true", help="part 1 only")
    parser.add_argument("--send-delay", type=float, default=0.05)
    parser.add_argument("--rate", type=float, default=25.0, help="the bot's messages per second")
    args = parser.parse_args(argv)
    if local_now().time() < dt.time(7, 0) or local_now().time() >= dt.time(21, 0):
        print("(quiet hours in Việt Nam now: the bench turns them off for its bot process)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with make_engine(args.database_url).begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            separator = "&" if "?" in args.database_url else "?"
            try:
                outbox_cost(f"{args.database_url}{separator}options=-csearch_path%3D{schema}", args.chats)
            finally:
                with make_engine(args.database_url).begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        else:
            outbox_cost(f"sqlite:///{Path(tmp) / 'outbox.db'}", args.chats)
    if args.outbox_only:
        return 0
    return 0 if whole_path(args.chats, args.send_delay, args.rate) else 1


if __name__ == "__main__":
    sys.exit(main())
