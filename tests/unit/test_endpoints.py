"""The endpoints Rasa is started with follow the environment: tracker store, lock store, no secret on disk."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.stack import LOCK_STORE, TRACKER_STORE, lock_store_config, write_endpoints


def test_sqlite_and_no_redis_by_default(tmp_path: Path) -> None:
    endpoints = yaml.safe_load(write_endpoints(5055, tmp_path, None).read_text(encoding="utf-8"))
    assert endpoints["tracker_store"] == {**TRACKER_STORE, "dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    assert "lock_store" not in endpoints  # one Rasa server: its in-memory lock is enough
    assert endpoints["action_endpoint"]["headers"] == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}


def test_postgresql_and_redis_from_the_urls_without_their_passwords(tmp_path: Path) -> None:
    path = write_endpoints(5055, tmp_path, "postgresql://ocop:pg-secret@db.internal:5433/ocop",
                           "redis://:redis-secret@cache.internal:6380/2")
    text = path.read_text(encoding="utf-8")
    assert "pg-secret" not in text and "redis-secret" not in text
    endpoints = yaml.safe_load(text)
    assert endpoints["tracker_store"] == {**TRACKER_STORE, "dialect": "postgresql", "url": "db.internal", "port": 5433,
                                         "db": "ocop", "username": "ocop", "password": "${OCOP_TRACKER_PASSWORD}"}
    assert endpoints["lock_store"] == {"type": LOCK_STORE, "url": "cache.internal", "port": 6380, "db": 2,
                                       "key_prefix": "ocop", "use_ssl": False, "password": "${OCOP_LOCK_PASSWORD}"}


def test_redis_defaults() -> None:
    assert lock_store_config("redis://127.0.0.1") == {"type": LOCK_STORE, "url": "127.0.0.1", "port": 6379, "db": 0,
                                                     "key_prefix": "ocop", "use_ssl": False}
    assert lock_store_config("rediss://cache:6390/0")["use_ssl"] is True
