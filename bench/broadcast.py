"""An announcement to 2,000 Telegram users through a fake Bot API that fails on purpose, with a kill -9.

    .venv/bin/python -m bench.broadcast [--recipients 2000] [--kill-after 700]

A fresh SQLite database gets ``--recipients`` chat users who consented to
notifications and one announcement for all of them. The bot process
(``python -m bot``, python-telegram-bot unmodified) sends it to the fake
Telegram server of ``fakes/fake_telegram.py``, which answers 5% of
the calls with 429 (retry_after 1 s), 2% with 500 and 1% with 403 (that chat
then stays blocked). After ``--kill-after`` delivered copies the bot process is
killed with SIGKILL and started again; the run ends when no delivery is left
to try. Printed: copies per recipient (duplicates, missing), rows by status,
and the request rate against the configured limit (``OCOP_BROADCAST_RATE``,
default 25/s).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence

from sqlalchemy import func, insert, select

from bot.model_cache import ROOT, rasa_env
from fakes.fake_telegram import FakeTelegram
from ocop import announcements
from ocop.audiences import Audience
from ocop.storage.db import Database
from ocop.storage.models import BroadcastDelivery, ChatUser

FIRST_CHAT = 500_000


def setup(db: Database, recipients: int) -> int:
    db.upgrade()
    now = dt.datetime.now(dt.timezone.utc)
    with db.session() as session:
        session.execute(insert(ChatUser), [
            {"channel": "telegram", "user_id": str(FIRST_CHAT + i), "notifications": True, "created_at": now}
            for i in range(recipients)
        ])
    announcement_id, size = announcements.create(db, "Thông báo thử: hội chợ OCOP ngày 05/12/2026.", Audience(),
                                                 "bench")
    assert size == recipients
    return announcement_id


def start_bot(fake: FakeTelegram, url: str, log: Path) -> subprocess.Popen:
    env = {**rasa_env(), "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
           "DATABASE_URL": url, "RASA_URL": "http://127.0.0.1:9",
           "OCOP_QUIET_HOURS": "00:00-00:00"}  # the bench measures sending, whatever the hour in Việt Nam
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def left(db: Database) -> int:
    with db.session() as session:
        return session.execute(
            select(func.count()).select_from(BroadcastDelivery)
            .where(BroadcastDelivery.status.in_(("pending", "failed", "sending")))
        ).scalar_one()


def windows(times: List[float], seconds: float = 5.0) -> List[float]:
    """Requests per second in consecutive full windows of ``seconds``."""
    if not times:
        return []
    start, rates, count = times[0], [], 0
    for moment in times:
        if moment - start >= seconds:
            rates.append(count / seconds)
            start, count = moment, 0
        count += 1
    return rates


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--kill-after", type=int, default=700)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    limit = float(os.environ.get("OCOP_BROADCAST_RATE", "25"))
    fake = FakeTelegram(failure_rates={429: 0.05, 500: 0.02, 403: 0.01}).start()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'ocop.db'}"
        db = Database(url)
        announcement_id = setup(db, args.recipients)
        log = Path(tmp) / "bot.log"
        started = time.monotonic()
        bot = start_bot(fake, url, log)
        while len(fake.sent) < args.kill_after and time.monotonic() - started < args.timeout:
            time.sleep(0.05)
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait()
        killed_at = len(fake.attempts)
        print(f"killed the bot process (SIGKILL) after {len(fake.sent)} copies; restarting", flush=True)
        bot = start_bot(fake, url, log)
        while left(db) and time.monotonic() - started < args.timeout:
            time.sleep(0.5)
        bot.send_signal(signal.SIGTERM)
        bot.wait(30)
        statuses = announcements.report(db, announcement_id)
        db.dispose()
    fake.stop()
    copies = collections.Counter(int(m["chat_id"]) for m in fake.sent)
    everyone = range(FIRST_CHAT, FIRST_CHAT + args.recipients)
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    missing = [chat for chat in everyone if chat not in fake.blocked and copies[chat] == 0]
    first, second = fake.attempts[:killed_at], fake.attempts[killed_at:]
    rates = windows(first) + windows(second)
    print(f"recipients {args.recipients}: one copy {sum(1 for c in everyone if copies[c] == 1)}, "
          f"duplicates {duplicates}, missing (not blocked, no copy) {len(missing)}, blocked {len(fake.blocked)}")
    print(f"delivery rows: {dict(sorted(statuses.items()))}")
    print(f"sendMessage requests: {len(fake.attempts)} ({len(fake.attempts) - len(fake.sent)} answered with an error)")
    if rates:
        print(f"request rate in 5-s windows: median {statistics.median(rates):.1f}/s, "
              f"min {min(rates):.1f}/s, max {max(rates):.1f}/s; limit {limit:.0f}/s "
              f"(median = {statistics.median(rates) / limit:.0%} of the limit)")
    return 0 if duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
