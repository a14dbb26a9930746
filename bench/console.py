"""The officers' console under a city's worth of data: dashboard render time and page weight.

    .venv/bin/python -m bench.console [--certificates 10000] [--registrations 20000] [--requests 60]
                                      [--database-url postgresql://…]

A fresh database (SQLite under a temporary folder unless ``--database-url``)
gets ``--certificates`` certificates in force or expired, spread over the
168 current communes and wards of Ho Chi Minh City, and ``--registrations``
pre-registrations from producers of those units, over the last 14 months.
The console runs as ``make run`` starts it (``python -m web``, uvicorn); an
admin signs in over HTTP and ``GET /tien-do`` is timed ``--requests`` times
(the first, warming, request is left out). Printed: p50/p95/max of the full
round trip, and the weight of the first page an officer opens (the dashboard
HTML plus its stylesheet and script), raw and as sent with gzip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

import httpx
from sqlalchemy import insert, text

from bench.nlu_eval import percentile
from bot.model_cache import ROOT
from bot.stack import free_port
from ocop.settings import PROJECT_ROOT
from ocop.storage import console_accounts, officers
from ocop.storage.db import Database
from ocop.storage.models import Certificate, PreRegistration, Producer
from ocop.targets import load_plan
from ocop.text import place_key

PASSWORD = "mat-khau-do-hieu-nang"
STATUSES = ("submitted", "reviewing", "needs_info", "accepted", "rejected")


def fill(db: Database, certificates: int, registrations: int, seed: int = 7) -> None:
    """Certificates and pre-registrations over the city's current units, inserted in bulk."""
    rng = random.Random(seed)
    plan = load_plan(PROJECT_ROOT / "data" / "targets" / "hcmc.yml")
    units = [unit.name for unit in plan.units]
    province = plan.province
    today = dt.date.today()
    with db.session() as session:
        rows = []
        for n in range(certificates):
            decision = today - dt.timedelta(days=rng.randint(0, 4 * 365))
            ward = rng.choice(units)
            rows.append({
                "number": f"{n}/GCN-UBND", "product_name": f"Sản phẩm {n}", "holder_name": f"Chủ thể {n}",
                "holder_tax_code": f"{n:010d}", "star_rating": rng.choice((3, 3, 3, 4, 4, 5)),
                "issuing_authority": "UBND TP. Hồ Chí Minh", "decision_date": decision, "issue_date": decision,
                "expiry_date": decision + dt.timedelta(days=3 * 365), "status": "valid",
                "ward": ward, "ward_key": place_key(ward), "province_key": place_key(province),
            })
        session.execute(insert(Certificate), rows)
        producers = max(1, registrations // 4)
        session.execute(insert(Producer), [{
            "subject_type": "hop_tac_xa", "name": f"HTX {n}", "tax_code": f"9{n:09d}", "representative": "Nguyễn Văn A",
            "phone": "+84912345678", "address": "Ấp 1", "ward": (ward := rng.choice(units)), "province": province,
            "ward_key": place_key(ward), "province_key": place_key(province)} for n in range(producers)])
        ids = [row[0] for row in session.execute(Producer.__table__.select().with_only_columns(Producer.id))]
        now = dt.datetime.now(dt.timezone.utc)
        session.execute(insert(PreRegistration), [{
            "reference_code": f"OCOP-B-{n:06d}", "producer_id": ids[n % len(ids)], "product_name": f"Sản phẩm {n}",
            "product_key": f"san pham {n}", "product_group": "thuc_pham", "description": "Mô tả",
            "has_quality_documents": True, "status": rng.choice(STATUSES),
            "created_at": now - dt.timedelta(days=rng.randint(0, 420))} for n in range(registrations)])
    if db.url.startswith("postgresql"):
        # What autovacuum does within a minute of a bulk load: without statistics the planner
        # joins 20,000 pre-registrations to their producers by nested loops (0.8 s instead of 9 ms).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    officer_id = officers.add(db, "web", "bench", "Cán bộ đo hiệu năng")
    console_accounts.set_login(db, officer_id, "bench", PASSWORD, "admin", "bench")


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise TimeoutError(url)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'ocop.db'}"
        db = Database(url).upgrade()
        started = time.perf_counter()
        fill(db, args.certificates, args.registrations)
        print(f"{args.certificates} certificates, {args.registrations} pre-registrations over 168 units "
              f"({time.perf_counter() - started:.1f} s to load)", flush=True)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "OCOP_VAR_DIR": tmp, "OCOP_CONSOLE_PORT": str(port)}
        server = subprocess.Popen([sys.executable, "-m", "web"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(f"{base}/dang-nhap")
            with httpx.Client(base_url=base, timeout=30) as client:
                form = client.get("/dang-nhap").text
                token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
                client.post("/dang-nhap", data={"csrf_token": token, "login": "bench", "password": PASSWORD})
                timings, html = [], ""
                for _ in range(args.requests + 1):
                    began = time.perf_counter()
                    response = client.get("/tien-do", headers={"accept": "text/html"})
                    timings.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200 and "168 đơn vị" in response.text, response.status_code
                    html = response.text
                timings = timings[1:]
                assets = [client.get(path).content for path in ("/static/console.css",)]
                raw = len(html.encode()) + sum(len(a) for a in assets)
                gzipped = len(gzip.compress(html.encode())) + sum(len(gzip.compress(a)) for a in assets)
        finally:
            server.terminate()
            server.wait(30)
        db.dispose()
    print(f"GET /tien-do x{args.requests}: p50 {percentile(timings, 50):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
          f"max {max(timings):.0f} ms")
    print(f"first page (HTML + CSS): {raw / 1024:.0f} KB raw, {gzipped / 1024:.0f} KB with gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
