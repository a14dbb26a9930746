"""Whole pre-registration conversations through the trained model, Rasa and the action server.

Each test talks to the REST channel as a producer would and then checks the
rows in the application database (``db_stack_db``). ``db_stack`` runs every
test on SQLite and, when TEST_DATABASE_URL is set, again on PostgreSQL.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import List, Sequence, Tuple

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.rasa_client import RasaClient
from bot.stack import Stack
from fakes.tax_codes import new_tax_code
from ocop.conversation_history import ConversationHistory, tracker_store_url
from ocop.settings import Settings
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, PreRegistration, Producer
from ocop.text import has_diacritics

CODE = re.compile(r"OCOP-\d{4}-\d{6}")


class Producer_:
    """One producer chatting through the REST channel."""

    def __init__(self, client: RasaClient) -> None:
        self.client = client
        self.sender = f"form-{uuid.uuid4().hex}"
        self.last = ""

    def say(self, text: str) -> str:
        replies = self.client.send(self.sender, text)
        self.last = "\n".join(r.get("text") or "" for r in replies)
        assert self.last, f"no reply to {text!r}"
        assert has_diacritics(self.last), self.last
        return self.last


@pytest.fixture
def client(db_stack: Stack):
    with RasaClient(db_stack.rasa_url) as rasa_client:
        yield rasa_client


def rows(db: Database, tax_code: str) -> List[PreRegistration]:
    with db.session() as session:
        return list(
            session.execute(
                select(PreRegistration).join(Producer).where(Producer.tax_code == tax_code)
            ).scalars()
        )


ACCENTED: Sequence[Tuple[str, str]] = (
    ("tôi muốn đăng ký OCOP cho sản phẩm của hợp tác xã", "loại chủ thể"),
    ("hợp tác xã", "thông tin cá nhân"),  # the privacy notice comes before the first personal question
    ("đồng ý", "Tên đầy đủ"),
    ("Hợp tác xã Nông nghiệp Tân Lập", "người đại diện"),
    ("Nguyễn Thị Lan", "Mã số thuế"),
    ("{tax}", "Số điện thoại"),
    ("0912 345 678", "Email"),
    ("không có", "Địa chỉ"),
    ("ấp 2, xã Tân Thông Hội, huyện Củ Chi, TP. Hồ Chí Minh", "Tên sản phẩm"),
    ("Trà mãng cầu Tân Lập", "nhóm nào"),
    ("trà", "mô tả"),
    ("Trà từ lá mãng cầu xiêm sấy lạnh, đóng túi lọc 2g, hộp 20 túi", "hồ sơ chất lượng"),
    ("có", "kiểm tra lại"),
)
UNACCENTED: Sequence[Tuple[str, str]] = (
    ("dang ky ocop cho co so nha em", "loại chủ thể"),
    ("ho kinh doanh", "thông tin cá nhân"),
    ("dong y", "Tên đầy đủ"),
    ("Co so banh pia Tu Huong", "người đại diện"),
    ("tran van hung", "Mã số thuế"),
    ("{tax}", "Số điện thoại"),
    ("+84 28 3829 1234", "Email"),
    ("tuhuong.banhpia@gmail.com", "Địa chỉ"),
    ("so 12 ap 3 xa cu chi tp hcm", "Tên sản phẩm"),
    ("Banh pia sau rieng", "nhóm nào"),
    ("banh", "mô tả"),
    ("banh pia nhan sau rieng va dau xanh, hop 4 cai", "hồ sơ chất lượng"),
    ("chua co", "kiểm tra lại"),
)


def fill(producer: Producer_, script: Sequence[Tuple[str, str]], tax: str) -> None:
    for text, expected in script:
        reply = producer.say(text.format(tax=tax))
        assert expected.lower() in reply.lower(), (text, reply)


@pytest.mark.parametrize("script", [ACCENTED, UNACCENTED], ids=["accented", "unaccented"])
def test_happy_path_stores_one_row_and_gives_a_reference_code(client, db_stack_db: Database, script) -> None:
    producer, tax = Producer_(client), new_tax_code()
    fill(producer, script, tax)
    assert tax in producer.last.replace("-", "")  # the summary shows every value
    assert rows(db_stack_db, tax) == []  # nothing is written before confirmation
    reply = producer.say("xác nhận")
    code = CODE.search(reply).group()
    [row] = rows(db_stack_db, tax)
    assert row.reference_code == code and row.status == "submitted"
    with db_stack_db.session() as session:
        stored = session.execute(select(Producer).where(Producer.tax_code == tax)).scalar_one()
        user = session.execute(select(ChatUser).where(ChatUser.user_id == producer.sender)).scalar_one()
        assert user.producer_id == stored.id and user.channel == "rest"
    assert stored.province == "Thành phố Hồ Chí Minh" and stored.ward == "Xã Củ Chi"
    if script is ACCENTED:
        assert (stored.subject_type, stored.phone, stored.email) == ("hop_tac_xa", "+84912345678", None)
        assert (row.product_group, row.has_quality_documents) == ("do_uong", True)
        assert stored.representative == "Nguyễn Thị Lan"
    else:
        assert (stored.subject_type, stored.phone) == ("ho_kinh_doanh", "+842838291234")
        assert stored.email == "tuhuong.banhpia@gmail.com"
        assert (row.product_group, row.has_quality_documents) == ("thuc_pham", False)
    mine = producer.say("hồ sơ của tôi")
    assert code in mine
    assert code not in Producer_(client).say("hồ sơ của tôi")  # only one's own


def history_of(stack: Stack) -> ConversationHistory:
    """The conversations the stack's Rasa keeps."""
    settings = Settings(database_url=stack.database_url or "", var_dir=stack.var_dir)
    return ConversationHistory(tracker_store_url(settings))


def stored_conversation(stack: Stack, sender: str) -> str:
    """Every event Rasa keeps of the REST conversation of ``sender``, as text."""
    history = history_of(stack)
    try:
        with history.engine.connect() as connection:
            rows = connection.execute(sql("SELECT data FROM events WHERE sender_id = :s"), {"s": f"rest:{sender}"})
            return "\n".join(json.dumps(json.loads(data), ensure_ascii=False) for data in rows.scalars())
    finally:
        history.dispose()


def test_the_conversation_keeps_no_personal_answer_once_stored(client, db_stack: Stack) -> None:
    producer, tax = Producer_(client), new_tax_code()
    fill(producer, ACCENTED, tax)
    assert tax in stored_conversation(db_stack, producer.sender)  # kept while the form runs
    assert CODE.search(producer.say("xác nhận"))
    kept = stored_conversation(db_stack, producer.sender)
    assert "Trà mãng cầu" in kept  # the conversation itself is still there
    for personal in (tax, "0912345678", "0912 345 678", "Nguyễn Thị Lan"):
        assert personal not in kept


def test_every_validation_error_is_explained_and_the_question_asked_again(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    producer.say("đăng ký OCOP")
    assert "loại chủ thể" in producer.say("con mèo").lower()
    producer.say("doanh nghiệp")
    producer.say("đồng ý")
    producer.say("Công ty TNHH Nấm Xanh")
    reply = producer.say("Lan 123")
    assert "chữ cái" in reply and "người đại diện" in reply
    producer.say("Lê Thị Lan")
    reply = producer.say("0100109107")
    assert "10 chữ số" in reply and "Mã số thuế" in reply
    reply = producer.say("12345")
    assert "10 chữ số" in reply
    producer.say(tax)
    reply = producer.say("0123")
    assert "0xxxxxxxxx" in reply and "Số điện thoại" in reply
    producer.say("0987.654.321")
    reply = producer.say("abc@")
    assert "Email chưa đúng" in reply
    producer.say("nam.xanh@example.vn")
    reply = producer.say("gần chợ")
    assert "xã/phường" in reply and "Địa chỉ" in reply
    producer.say("Thôn Đoài, xã Tiên Dược, huyện Sóc Sơn, Hà Nội")
    producer.say("Nấm linh chi sấy khô")
    reply = producer.say("xyz")
    assert "6 nhóm" in reply
    producer.say("dược liệu")
    reply = producer.say("ngon")
    assert "mô tả" in reply.lower()
    producer.say("Nấm linh chi đỏ trồng trên gỗ, sấy khô, túi 500g")
    reply = producer.say("hmm")
    assert "có" in reply and "chưa có" in reply
    reply = producer.say("đã có")
    assert "Xã Sóc Sơn" in reply and "Thành phố Hà Nội" in reply  # converted address shown
    assert CODE.search(producer.say("đồng ý"))
    assert len(rows(db_stack_db, tax)) == 1


def complete_until_summary(producer: Producer_, tax: str, product: str = "Mật ong rừng U Minh") -> None:
    for text in ("dang ky ocop", "htx", "ok", "HTX Ong mật U Minh", "Phạm Văn Tư", tax, "0912345678", "ko co",
                 "ấp 5, xã U Minh, tỉnh Cà Mau", product, "mật ong", "Mật ong rừng tràm, chai 500ml", "có"):
        producer.say(text)


def test_correction_at_the_summary_changes_one_field(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    complete_until_summary(producer, tax)
    reply = producer.say("sửa số điện thoại thành 0987 654 321")
    assert "0987 654 321" in reply and "kiểm tra lại" in reply
    assert CODE.search(producer.say("xác nhận"))
    with db_stack_db.session() as session:
        assert session.execute(select(Producer.phone).where(Producer.tax_code == tax)).scalar_one() == "+84987654321"


def test_cancel_writes_nothing(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    for text in ("đăng ký ocop", "hợp tác xã", "đồng ý", "HTX Chè Tân Cương", "Đỗ Văn An", tax):
        producer.say(text)
    assert "Đã hủy" in producer.say("hủy")
    assert rows(db_stack_db, tax) == []
    assert "không có việc gì" in producer.say("hủy").lower()
    assert "không có mẫu đăng ký" in producer.say("0912345678").lower()


def test_cancel_at_the_summary_writes_nothing(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    complete_until_summary(producer, tax)
    assert "Đã hủy" in producer.say("thôi hủy đi")
    assert rows(db_stack_db, tax) == []


def test_a_question_in_the_middle_is_answered_and_the_form_resumes(client, db_stack_db: Database) -> None:
    producer, tax = Producer_(client), new_tax_code()
    for text in ("đăng ký ocop", "tổ hợp tác", "dong y", "Tổ hợp tác Cói Kim Sơn", "Vũ Thị Hoa"):
        producer.say(text)
    reply = producer.say("giấy chứng nhận OCOP có giá trị bao lâu vậy?")
    assert "36 tháng" in reply and "Nguồn:" in reply
    assert "Mã số thuế" in reply  # the same question again
    reply = producer.say(tax)
    assert "Số điện thoại" in reply


def test_same_tax_code_and_product_gives_the_existing_code(client, db_stack_db: Database) -> None:
    tax = new_tax_code()
    first = Producer_(client)
    complete_until_summary(first, tax, "Mắm tôm Cà Mau")
    code = CODE.search(first.say("xác nhận")).group()
    complete_until_summary(first, tax, "mam tom ca mau")
    reply = first.say("xác nhận")
    assert code in reply and "đã được đăng ký" in reply
    assert len(rows(db_stack_db, tax)) == 1


def test_another_chat_with_a_known_tax_code_waits_for_an_officer(client, db_stack_db: Database) -> None:
    tax = new_tax_code()
    owner = Producer_(client)
    complete_until_summary(owner, tax, "Mắm tôm Cà Mau")
    code = CODE.search(owner.say("xác nhận")).group()
    stranger = Producer_(client)
    complete_until_summary(stranger, tax, "mam tom ca mau")
    reply = stranger.say("xác nhận")
    assert code not in reply and "cán bộ sẽ xác nhận" in reply
    assert code not in stranger.say("hồ sơ của tôi")
    assert len(rows(db_stack_db, tax)) == 1


def test_unregistered_household_is_told_how_to_register_and_nothing_is_stored(client, db_stack_db: Database) -> None:
    producer = Producer_(client)
    producer.say("em muốn đăng ký ocop")
    reply = producer.say("hộ gia đình, chưa có đăng ký kinh doanh")
    assert "hộ kinh doanh" in reply and "UBND xã/phường" in reply and "chưa lưu" in reply
    assert "Tên đầy đủ" not in reply  # the form stopped
    with db_stack_db.session() as session:
        assert session.execute(
            select(func.count()).select_from(ChatUser).where(ChatUser.user_id == producer.sender)
        ).scalar_one() == 0


def test_conversation_resumes_after_a_restart(trained_model, tmp_path_factory) -> None:
    """The tracker lives in the database: a Rasa restart mid-form loses nothing."""
    var = tmp_path_factory.mktemp("var-restart")
    stack = Stack.isolated(var, trained_model).start()
    try:
        with RasaClient(stack.rasa_url) as rasa_client:
            producer = Producer_(rasa_client)
            for text in ("đăng ký ocop", "doanh nghiệp", "đồng ý", "Công ty CP Gốm Bát Tràng"):
                producer.say(text)
            sender = producer.sender
    finally:
        stack.stop()
    stack = Stack.isolated(var, trained_model).start()
    try:
        with RasaClient(stack.rasa_url) as rasa_client:
            producer = Producer_(rasa_client)
            producer.sender = sender
            assert "Mã số thuế" in producer.say("Nguyễn Văn Bình")
    finally:
        stack.stop()
