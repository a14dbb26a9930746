"""Scrubbing, erasing and expiring Rasa's stored conversations (its ``events`` table)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert, select

from ocop.conversation_history import REMOVED, ConversationHistory

NOW = dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc).timestamp()


def events_table(url: str, history: ConversationHistory) -> Table:
    """The columns of Rasa 3.6's SQLTrackerStore table."""
    table = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
                  Column("type_name", String(255)), Column("timestamp", Float), Column("intent_name", String(255)),
                  Column("action_name", String(255)), Column("data", Text))
    table.create(history.engine)
    return table


def store(history: ConversationHistory, table: Table, sender: str, *events: dict, at: float = NOW) -> None:
    with history.engine.begin() as connection:
        for event in events:
            connection.execute(insert(table).values(sender_id=sender, type_name=event["event"], timestamp=at,
                                                    data=json.dumps({**event, "timestamp": at})))


def test_scrub_removes_form_answers_and_masks_numbers(tmp_path: Path) -> None:
    history = ConversationHistory(f"sqlite:///{tmp_path / 'tracker.db'}")
    table = events_table("", history)
    store(history, table, "telegram:1",
          {"event": "slot", "name": "requested_slot", "value": "representative"},
          {"event": "user", "text": "Nguyễn Thị Lan", "parse_data": {"text": "Nguyễn Thị Lan", "entities": []}},
          {"event": "slot", "name": "representative", "value": "Nguyễn Thị Lan"},
          {"event": "slot", "name": "requested_slot", "value": "product_name"},
          {"event": "user", "text": "Trà mãng cầu", "parse_data": {"text": "Trà mãng cầu", "entities": []}},
          {"event": "user", "text": "sửa số điện thoại thành 0912345678",
           "parse_data": {"entities": [{"entity": "phone", "value": "0912345678"}]}},
          {"event": "bot", "text": "• Số điện thoại: 0912 345 678"})
    store(history, table, "telegram:2", {"event": "user", "text": "mst 0312345673"})
    assert history.scrub("telegram:1") == 4
    with history.engine.connect() as connection:
        rows = [json.loads(r) for r in connection.execute(
            select(table.c.data).where(table.c.sender_id == "telegram:1").order_by(table.c.id)).scalars()]
        other = json.loads(connection.execute(select(table.c.data).where(table.c.sender_id == "telegram:2")).scalar())
    assert rows[1]["text"] == rows[1]["parse_data"]["text"] == REMOVED
    assert rows[2]["value"] == REMOVED
    assert rows[4]["text"] == "Trà mãng cầu"  # not personal
    assert "0912345678" not in json.dumps(rows[5]) and "345 678" not in rows[6]["text"]
    assert rows[0]["timestamp"] == NOW  # the rest of each event is untouched
    assert other["text"] == "mst 0312345673"  # other conversations are not touched


def test_erase_and_purge(tmp_path: Path) -> None:
    history = ConversationHistory(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert history.erase("x") == 0 and history.purge_before(dt.datetime.now(dt.timezone.utc)) == 0  # no table yet
    table = events_table("", history)
    old = NOW - 100 * 86400
    store(history, table, "rest:a", {"event": "user", "text": "cũ"}, at=old)
    store(history, table, "rest:a", {"event": "user", "text": "mới"})
    store(history, table, "rest:b", {"event": "user", "text": "khác"})
    cutoff = dt.datetime.fromtimestamp(NOW, dt.timezone.utc) - dt.timedelta(days=90)
    assert history.purge_before(cutoff) == 1
    assert history.erase("rest:a") == 1
    with history.engine.connect() as connection:
        assert connection.execute(select(table.c.sender_id)).scalars().all() == ["rest:b"]
