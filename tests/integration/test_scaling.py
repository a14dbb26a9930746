"""Two Rasa servers share conversations safely through Rasa's Redis lock store.

Both servers use the same tracker store; the same producer's messages reach
either server at the same time (as behind a load balancer). With the lock
store each turn is handled whole before the next one starts; without it the
two servers would write interleaved turns into one conversation.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List

from sqlalchemy import text as sql

from bot.rasa_client import RasaClient
from bot.stack import Stack, free_port
from rasa_server.tracker_store import CHECKPOINT
from tests.integration.test_preregistration import history_of

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def stored_events(stack: Stack, sender: str) -> List[dict]:
    history = history_of(stack)
    try:
        with history.engine.connect() as connection:
            rows = connection.execute(sql("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
            return [json.loads(data) for data in rows.scalars()]
    finally:
        history.dispose()


def turns(events: List[dict]) -> List[List[dict]]:
    """The events split at each user message; the user message a checkpoint of rasa_server/tracker_store.py
    repeats is left out."""
    split: List[List[dict]] = []
    for event in events:
        if event["event"] == "user" and not (event.get("metadata") or {}).get(CHECKPOINT):
            split.append([])
        if split:
            split[-1].append(event)
    return split


def test_two_rasa_servers_never_interleave_one_conversation(trained_model, tmp_path_factory) -> None:
    var = tmp_path_factory.mktemp("var-two-servers")
    first = dataclasses.replace(Stack.isolated(var, trained_model), redis_url=REDIS_URL)
    second = dataclasses.replace(first, rasa_port=free_port(), action_port=free_port(), log_dir=var / "logs-2",
                                 processes={}, secrets={})
    first.start()
    try:
        second.start()
        try:
            sender = f"one-producer-{uuid.uuid4().hex[:8]}"  # no lock left in Redis by an earlier run
            messages = [("giấy chứng nhận OCOP có giá trị bao lâu?" if i % 2 else f"cảm ơn lần {i}") for i in range(16)]

            def say(index: int) -> list:
                server = (first, second)[index % 2]
                with RasaClient(server.rasa_url) as client:
                    return client.send(sender, messages[index])

            with ThreadPoolExecutor(len(messages)) as pool:
                replies = list(pool.map(say, range(len(messages))))
        finally:
            second.stop()
    finally:
        first.stop()
    assert all(replies), "every message was answered"
    conversation = turns(stored_events(first, f"rest:{sender}"))
    assert sorted(turn[0]["text"] for turn in conversation) == sorted(messages)
    for turn in conversation:  # one user message, its actions, then listening again: nothing in between
        real = [e for e in turn if e["event"] == "user" and not (e.get("metadata") or {}).get(CHECKPOINT)]
        assert real == [turn[0]]
        assert turn[-1]["event"] == "action" and turn[-1]["name"] == "action_listen", turn
