"""A reminder pushed through Rasa, the producer's answer stored as a renewal request."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from sqlalchemy import select

from bot import cli
from bot.rasa_client import AsyncRasaClient, RasaClient
from bot.reminder_push import RasaReminderPush
from bot.scheduler import ReminderCycle
from bot.stack import Stack
from ocop.reminders import Schedule
from ocop.storage import certificates
from ocop.storage.db import Database
from ocop.storage.models import Certificate, ReminderDelivery, RenewalRequest
from ocop.vietnam_time import VIETNAM, local_now
from tests.reminder_offsets import OFFSETS


def test_reminder_content_buttons_and_the_answer(db_stack: Stack, db_stack_db: Database, tmp_path, monkeypatch) -> None:
    today = local_now().date()
    number, tax, user = f"{uuid.uuid4().int % 100000}/GCN-UBND", "0100109106", f"rem-{uuid.uuid4().hex}"
    db = db_stack_db
    certificates.upsert(db, [{
        "number": number, "product_name": "Mật ong rừng U Minh", "holder_name": "HTX Ong mật U Minh",
        "holder_tax_code": tax, "star_rating": 4, "issuing_authority": "UBND tỉnh Cà Mau", "decision_number": None,
        "issue_date": today - dt.timedelta(days=1015), "expiry_date": today + dt.timedelta(days=80),
        "status": "expiring",
    }])
    assert certificates.link(db, "rest", user, number, tax)

    pushed = []

    async def channel_push(channel: str, uid: str, messages: list) -> None:
        pushed.append((channel, uid, messages))

    async def two_cycles() -> None:
        # As the bot process runs them: the cycle in a worker thread, each push back on the event loop.
        rasa = AsyncRasaClient(db_stack.rasa_url, jwt_secret=db_stack.secrets["RASA_JWT_SECRET"])
        cycle = ReminderCycle(db, RasaReminderPush(rasa, channel_push), Schedule(OFFSETS))
        try:
            await cycle(morning)
            await cycle(morning + dt.timedelta(hours=2))  # nothing twice
        finally:
            await rasa.close()

    morning = dt.datetime.combine(today, dt.time(9), tzinfo=VIETNAM)
    asyncio.run(two_cycles())
    assert len(pushed) == 1
    channel, uid, messages = pushed[0]
    text = "\n".join(m.get("text") or "" for m in messages)
    assert (channel, uid) == ("rest", user)
    expiry = (today + dt.timedelta(days=80)).strftime("%d/%m/%Y")
    assert all(fact in text for fact in ("Mật ong rừng U Minh", "4 sao", expiry, "còn 80 ngày", "logo OCOP")), text
    titles = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert titles == ["Đăng ký đánh giá lại", "Đề nghị nâng hạng sao", "Không đánh giá lại"]
    with db.session() as session:
        [delivery] = session.execute(
            select(ReminderDelivery).join(ReminderDelivery.certificate).where(ReminderDelivery.offset_days == 90)
            .where(ReminderDelivery.chat_user.has(user_id=user))
        ).scalars().all()
        assert delivery.status == "sent"

    with RasaClient(db_stack.rasa_url) as client:
        reply = "\n".join(r.get("text") or "" for r in client.send(user, "Đề nghị nâng hạng sao"))
    assert "nâng hạng sao" in reply and "Mật ong rừng U Minh" in reply
    with db.session() as session:
        choices = session.execute(
            select(RenewalRequest.choice).where(RenewalRequest.chat_user.has(user_id=user))
        ).scalars().all()
    assert choices == ["upgrade"]

    monkeypatch.setenv("DATABASE_URL", db_stack.database_url)
    assert cli.main(["export", "renewals", "--format", "csv", "-o", str(tmp_path / "r.csv")]) == 0
    exported = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert number in exported and "Nâng hạng sao" in exported
    assert cli.main(["report", "expiring", "--days", "90", "--xlsx", str(tmp_path / "e.xlsx")]) == 0
    assert (tmp_path / "e.xlsx").exists()


def test_two_reminders_answered_in_reverse_order_each_on_its_own_certificate(db_stack: Stack,
                                                                              db_stack_db: Database) -> None:
    today = local_now().date()
    user, tax = f"rem2-{uuid.uuid4().hex}", "0100109106"
    numbers = {}
    for product, days in (("Trà mãng cầu Tân Lập", 30), ("Mắm tôm Cà Mau", 7)):
        number = f"{uuid.uuid4().int % 100000}/GCN-UBND"
        numbers[product] = number
        certificates.upsert(db_stack_db, [{
            "number": number, "product_name": product, "holder_name": "HTX Tân Lập", "holder_tax_code": tax,
            "star_rating": 3, "issuing_authority": "UBND TP. Hồ Chí Minh", "decision_number": None,
            "issue_date": today - dt.timedelta(days=1095 - days), "expiry_date": today + dt.timedelta(days=days),
            "status": "expiring",
        }])
        assert certificates.link(db_stack_db, "rest", user, number, tax)
    pushed = []

    async def channel_push(channel: str, uid: str, messages: list) -> None:
        pushed.append(messages)

    async def one_cycle() -> None:
        rasa = AsyncRasaClient(db_stack.rasa_url, jwt_secret=db_stack.secrets["RASA_JWT_SECRET"])
        try:
            await ReminderCycle(db_stack_db, RasaReminderPush(rasa, channel_push), Schedule(OFFSETS))(
                dt.datetime.combine(today, dt.time(9), tzinfo=VIETNAM))
        finally:
            await rasa.close()

    asyncio.run(one_cycle())
    assert len(pushed) == 2 and all(len(messages) == 1 for messages in pushed)  # the two reminders, nothing else
    about = {}
    for [message] in pushed:
        product = next(p for p in numbers if p in message["text"])
        about[product] = {b["title"]: b["payload"] for b in message["buttons"]}
        assert all(numbers[product] in payload for payload in about[product].values())
    first, second = [next(p for p in numbers if p in messages[0]["text"]) for messages in pushed]
    with RasaClient(db_stack.rasa_url) as client:
        def tap(payload: str) -> str:
            return "".join(r.get("text") or "" for r in client.send(user, payload))

        assert second in tap(about[second]["Không đánh giá lại"])  # the second reminder first
        assert first in tap(about[first]["Đăng ký đánh giá lại"])
        # A hand-made button naming a certificate this chat is not linked to records nothing.
        assert "không tìm thấy" in tap('/renewal_answer{"renewal_choice": "renew", "certificate_number": "1/GCN-X"}')
    with db_stack_db.session() as session:
        answers = dict(session.execute(
            select(Certificate.product_name, RenewalRequest.choice).join(RenewalRequest.certificate)
            .where(RenewalRequest.chat_user.has(user_id=user))).all())
    assert answers == {second: "decline", first: "renew"}
