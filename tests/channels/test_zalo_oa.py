"""The Zalo Official Account channel: signed webhooks, token refresh stored atomically, reply window."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time

import httpx
import pytest
from sqlalchemy import select

from bot.channels.bridge import Bridge
from bot.channels.registry import Channels
from bot.channels.zalo_oa import ZaloOaChannel, signature
from bot.rasa_client import AsyncRasaClient
from bot.senders import AnnouncementSender
from bot.stack import Stack, free_port
from fakes.fake_zalo_oa import FakeZaloOa
from fakes.local_server import wait_until_listening
from ocop import announcements
from ocop.audiences import Audience
from ocop.outbox import NeedsTemplate
from ocop.settings import ZaloOaSettings
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, OaToken
from tests.channels.bot_process import bot_process

APP_ID, SECRET = "1234567890", "oa-secret-key"


@pytest.fixture(scope="module")
def oa(stack: Stack, tmp_path_factory):
    fake = FakeZaloOa().start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo-oa"
    with bot_process(stack, tmp_path_factory.mktemp("bot-oa"), ZALO_OA_APP_ID=APP_ID, ZALO_OA_SECRET_KEY=SECRET,
                     ZALO_OA_REFRESH_TOKEN="r1", ZALO_OA_API_BASE_URL=fake.base_url,
                     ZALO_OA_OAUTH_BASE_URL=fake.base_url, ZALO_OA_WEBHOOK_PORT=str(port)):
        wait_until_listening(url)
        yield fake, url
    fake.stop()


def event(user: str, text: str) -> bytes:
    return json.dumps({"app_id": APP_ID, "event_name": "user_send_text", "timestamp": str(int(time.time() * 1000)),
                       "sender": {"id": user}, "recipient": {"id": "oa"}, "message": {"text": text}}).encode()


def post(url: str, body: bytes, signed: bool = True) -> int:
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-ZEvent-Signature"] = signature(APP_ID, body, json.loads(body)["timestamp"], SECRET)
    return httpx.post(url, content=body, headers=headers).status_code


def wait_for(fake: FakeZaloOa, user: str, count: int) -> list:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        mine = [m for m in fake.sent if m["user_id"] == user]
        if len(mine) >= count:
            return mine
        time.sleep(0.05)
    raise TimeoutError(user)


def test_unsigned_or_malformed_events_are_refused(oa) -> None:
    fake, url = oa
    assert post(url, event("u1", "ocop là gì"), signed=False) == 403
    forged = event("u1", "ocop là gì")
    assert httpx.post(url, content=forged, headers={"X-ZEvent-Signature": "mac=00"}).status_code == 403
    assert httpx.post(url, content=b"{oops", headers={"X-ZEvent-Signature": "mac=00"}).status_code == 400
    time.sleep(1)
    assert fake.sent == []


def test_reply_and_token_refresh_stored(oa, stack_db: Database) -> None:
    fake, url = oa
    assert post(url, event("u2", "ocop là gì")) == 200
    assert "Nguồn:" in wait_for(fake, "u2", 1)[0]["text"]
    fake.expire_access_token()
    assert post(url, event("u2", "giấy chứng nhận ocop có thời hạn bao lâu")) == 200
    assert "36 tháng" in wait_for(fake, "u2", 2)[1]["text"]
    with stack_db.session() as session:
        stored = session.execute(select(OaToken)).scalar_one()
    assert fake.refreshes == 2 and stored.refresh_token == fake.refresh_token == "r3"


def test_push_outside_the_reply_window_needs_a_template(db: Database) -> None:
    with db.session() as session:
        session.add_all([
            ChatUser(channel="zalooa", user_id="old", notifications=True,
                     last_inbound_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)),
            ChatUser(channel="zalooa", user_id="recent", notifications=True,
                     last_inbound_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)),
        ])
    fake = FakeZaloOa().start()
    settings = ZaloOaSettings(app_id=APP_ID, secret_key=SECRET, refresh_token="r1", api_base_url=fake.base_url,
                              oauth_base_url=fake.base_url, webhook_port=free_port())
    channel = ZaloOaChannel(settings, db, Bridge(db, AsyncRasaClient("http://127.0.0.1:9")))
    announcement_id, _ = announcements.create(db, "Thông báo", Audience(), "test")

    async def scenario() -> None:
        await channel.start()
        assert await channel.can_push("recent") and not await channel.can_push("old")
        with pytest.raises(NeedsTemplate):
            await channel.push("old", [{"text": "Thông báo"}])
        sender = AnnouncementSender(announcements.outbox(db), Channels([channel]).push, rate=1000,
                                    per_chat_interval=0)
        await sender.deliver_due()
        await channel.stop()

    try:
        asyncio.run(scenario())
    finally:
        fake.stop()
    assert announcements.report(db, announcement_id) == {"needs_template": 1, "sent": 1}
    assert [m["user_id"] for m in fake.sent] == ["recent"]  # nothing was attempted for "old"


def test_replays_and_stale_events_are_acknowledged_and_ignored(oa) -> None:
    fake, url = oa
    fresh = json.loads(event("u-replay", "ocop là gì"))
    fresh["message"]["msg_id"] = f"m-{time.time_ns()}"
    body = json.dumps(fresh).encode()
    assert post(url, body) == 200 and post(url, body) == 200  # the same msg_id twice
    stale = json.loads(event("u-stale", "ocop là gì"))
    stale["timestamp"] = str(int((time.time() - 600) * 1000))
    assert post(url, json.dumps(stale).encode()) == 200
    wait_for(fake, "u-replay", 1)
    time.sleep(2)
    assert len([m for m in fake.sent if m["user_id"] == "u-replay"]) == 1
    assert [m for m in fake.sent if m["user_id"] == "u-stale"] == []
    odd = {"Content-Type": "application/json", "X-ZEvent-Signature": b"mac=\xe9\xe9\xff"}
    assert httpx.post(url, content=event("u-odd", "x"), headers=odd).status_code == 403
