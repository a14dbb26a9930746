"""Personal data through the trained model: the privacy notice, erasure on request, session expiry.

Each test talks to the REST channel as a producer would, then checks the
application database and the conversation Rasa keeps (on SQLite and, when
TEST_DATABASE_URL is set, on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.rasa_client import RasaClient
from bot.stack import Stack
from fakes.tax_codes import new_tax_code
from ocop import retention
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, ErasureRequest, Producer
from tests.integration.test_preregistration import (
    CODE,
    Producer_,
    complete_until_summary,
    history_of,
    rows,
    stored_conversation,
)


@pytest.fixture
def client(db_stack: Stack):
    with RasaClient(db_stack.rasa_url) as rasa_client:
        yield rasa_client


def chat_users(db: Database, sender: str) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(ChatUser)
                               .where(ChatUser.user_id == sender)).scalar_one()


def test_the_notice_comes_before_personal_questions_and_declining_keeps_nothing(client, db_stack_db: Database) -> None:
    producer = Producer_(client)
    producer.say("đăng ký OCOP")
    notice = producer.say("hợp tác xã")
    assert "thông tin cá nhân" in notice and "90 ngày" in notice and "xóa dữ liệu của tôi" in notice
    assert "người đại diện" not in notice.split("Trước khi")[0]  # no personal question before it
    assert "Đồng ý" in producer.say("để xem đã")  # unclear: asked again
    reply = producer.say("không đồng ý")
    assert "không lưu thông tin nào" in reply and "Tên đầy đủ" not in reply
    assert "không có mẫu đăng ký" in producer.say("0912345678").lower()  # the form is over
    assert chat_users(db_stack_db, producer.sender) == 0


def test_the_agreement_is_stored_with_the_registration(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    complete_until_summary(producer, tax)
    assert CODE.search(producer.say("xác nhận"))
    [row] = rows(db_stack_db, tax)
    assert row.privacy_notice and row.privacy_agreed_at is not None


def test_erasure_on_request_erases_the_records_and_then_the_conversation(client, db_stack: Stack,
                                                                        db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    complete_until_summary(producer, tax, "Mật ong hoa cà phê")
    code = CODE.search(producer.say("xác nhận")).group()
    question = producer.say("xoa du lieu cua toi")
    assert "Việc xóa không hoàn tác được" in question
    assert rows(db_stack_db, tax) != []  # nothing erased before the yes
    reply = producer.say("đồng ý")
    assert "Đã xóa dữ liệu" in reply and "1 hồ sơ đăng ký sơ bộ" in reply and "thông tin đơn vị" in reply
    assert rows(db_stack_db, tax) == [] and chat_users(db_stack_db, producer.sender) == 0
    with db_stack_db.session() as session:
        assert session.execute(select(Producer).where(Producer.tax_code == tax)).first() is None
        requested = session.execute(select(ErasureRequest.requested_at)
                                    .where(ErasureRequest.sender_id == f"rest:{producer.sender}")).scalar_one()
    assert "Mật ong hoa cà phê" in stored_conversation(db_stack, producer.sender)
    history = history_of(db_stack)
    try:  # the bot process's job, a minute later
        assert retention.erase_requested_conversations(db_stack_db, history, requested + dt.timedelta(minutes=1)) >= 1
    finally:
        history.dispose()
    assert stored_conversation(db_stack, producer.sender) == ""
    assert code not in producer.say("hồ sơ của tôi")  # starts afresh


def test_anything_but_a_clear_yes_erases_nothing(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    complete_until_summary(producer, tax, "Cà phê Cầu Đất")
    code = CODE.search(producer.say("xác nhận")).group()
    producer.say("xóa thông tin cá nhân của tôi")
    assert "chưa xóa gì" in producer.say("thôi, không xóa")
    assert code in producer.say("hồ sơ của tôi") and len(rows(db_stack_db, tax)) == 1


def test_erasure_asked_for_inside_the_form_ends_the_form_first(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    for text in ("đăng ký ocop", "hợp tác xã", "đồng ý", "HTX Chè Tân Cương", "Đỗ Văn An", tax):
        producer.say(text)
    reply = producer.say("tôi muốn xóa dữ liệu của mình")
    assert "Đã hủy đăng ký sơ bộ" in reply and "Việc xóa không hoàn tác được" in reply
    assert "Đã xóa dữ liệu" in producer.say("có")
    assert rows(db_stack_db, tax) == []


def test_a_conversation_idle_for_an_hour_starts_afresh_without_the_answers(client, db_stack: Stack) -> None:
    producer, tax = Producer_(client), new_tax_code()
    for text in ("đăng ký ocop", "hợp tác xã", "đồng ý", "HTX Chè Tân Cương", "Đỗ Văn An"):
        producer.say(text)
    history = history_of(db_stack)
    try:  # two hours pass: Rasa reads each event's time from its JSON
        with history.engine.begin() as connection:
            stored = connection.execute(sql("SELECT id, data FROM events WHERE sender_id = :s"),
                                        {"s": f"rest:{producer.sender}"}).all()
            for row_id, data in stored:
                event = json.loads(data)
                event["timestamp"] -= 7200
                connection.execute(sql("UPDATE events SET data = :d, timestamp = :t WHERE id = :i"),
                                   {"d": json.dumps(event), "t": event["timestamp"], "i": row_id})
    finally:
        history.dispose()
    reply = producer.say(tax)
    assert "Số điện thoại" not in reply  # the form did not go on with the old answers
    assert "không có việc gì" in producer.say("hủy").lower()  # no form is running any more
