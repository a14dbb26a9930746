"""A long conversation keeps a bounded session (rasa_server/tracker_store.py) and loses nothing the dialogue needs."""

from __future__ import annotations

import json
import uuid
from typing import List

from sqlalchemy import text as sql

from bot.rasa_client import RasaClient
from bot.stack import TRACKER_STORE, Stack
from tests.integration.test_preregistration import history_of


def latest_session(stack: Stack, sender: str) -> List[dict]:
    """The events Rasa will load for the next turn: those from the latest session_started on."""
    history = history_of(stack)
    try:
        with history.engine.connect() as connection:
            events = [json.loads(d) for d in connection.execute(
                sql("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}).scalars()]
    finally:
        history.dispose()
    starts = [i for i, e in enumerate(events) if e["event"] == "session_started"]
    return events[starts[-1]:] if starts else events


def test_a_long_conversation_keeps_a_bounded_session_and_its_form(stack: Stack) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    with RasaClient(stack.rasa_url) as client:
        def say(message: str) -> str:
            return "\n".join(r.get("text") or "" for r in client.send(sender, message))

        for i in range(30):
            say(("ocop là gì", "cảm ơn", "giấy chứng nhận OCOP có giá trị bao lâu?")[i % 3])
        assert len(latest_session(stack, f"rest:{sender}")) <= TRACKER_STORE["max_session_events"] + 20
        # A form started in one checkpoint session goes on in the next ones.
        say("đăng ký OCOP")
        say("hợp tác xã")
        say("đồng ý")
        for _ in range(12):  # questions in the middle of the form, enough for several checkpoints
            assert "Tên đầy đủ" in say("giấy chứng nhận OCOP có giá trị bao lâu?")
        assert "người đại diện" in say("HTX Chè Tân Cương")
    assert len(latest_session(stack, f"rest:{sender}")) <= TRACKER_STORE["max_session_events"] + 20
