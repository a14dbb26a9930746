"""Linking a chat user to a certificate, looking it up and unsubscribing, through the REST channel."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from bot.rasa_client import RasaClient
from bot.stack import Stack
from fakes.tax_codes import new_tax_code
from ocop.storage import certificates
from ocop.storage.db import Database
from ocop.storage.models import CertificateSubscription, ChatUser


@pytest.fixture
def certificate(db_stack_db: Database):
    """A 4-star certificate issued 34 months ago, in the stack's registry."""
    number = f"{uuid.uuid4().int % 100000}/GCN-UBND"
    tax = new_tax_code("06")
    issued = dt.date.today() - dt.timedelta(days=34 * 30)
    certificates.upsert(db_stack_db, [{
        "number": number, "product_name": "Trà mãng cầu Tân Lập", "holder_name": "HTX Tân Lập",
        "holder_tax_code": tax, "star_rating": 4, "issuing_authority": "UBND TP. Hồ Chí Minh",
        "decision_number": None, "issue_date": issued, "expiry_date": issued + dt.timedelta(days=1095),
        "status": "expiring",
    }])
    return number, tax


def say(client: RasaClient, sender: str, text: str) -> str:
    return "\n".join(r.get("text") or "" for r in client.send(sender, text))


def subscriptions(db: Database, sender: str) -> int:
    with db.session() as session:
        return session.execute(
            select(func.count()).select_from(CertificateSubscription).join(ChatUser)
            .where(ChatUser.user_id == sender, CertificateSubscription.active.is_(True))
        ).scalar_one()


@pytest.fixture
def client(db_stack: Stack):
    with RasaClient(db_stack.rasa_url) as rasa_client:
        yield rasa_client


def test_subscribe_needs_matching_number_and_tax_code(client, db_stack_db: Database, certificate) -> None:
    number, tax = certificate
    sender = f"cert-{uuid.uuid4().hex}"
    assert "Số giấy chứng nhận" in say(client, sender, "nhắc tôi khi chứng nhận sắp hết hạn")
    assert "Mã số thuế" in say(client, sender, number)
    reply = say(client, sender, "0100109106")  # a valid code, but not the holder's
    assert "không khớp" in reply and subscriptions(db_stack_db, sender) == 0
    say(client, sender, number)
    reply = say(client, sender, tax)
    assert "Trà mãng cầu Tân Lập" in reply and "4 sao" in reply and "180, 150, 125 và 30 ngày" in reply
    assert subscriptions(db_stack_db, sender) == 1
    assert number in say(client, sender, "tra cứu chứng nhận của tôi")
    assert "Đã hủy nhắc hạn" in say(client, sender, "hủy nhắc hạn")
    assert subscriptions(db_stack_db, sender) == 0


def test_lookup_with_the_number_in_the_request_and_cancel(client, db_stack_db: Database, certificate) -> None:
    number, _ = certificate
    sender = f"cert-{uuid.uuid4().hex}"
    assert "Mã số thuế" in say(client, sender, f"tra cứu giấy chứng nhận số {number} của tôi")
    assert "Đã hủy" in say(client, sender, "hủy")
    assert subscriptions(db_stack_db, sender) == 0
    assert "không nhận nhắc hạn" in say(client, sender, "hủy nhắc hạn")


def test_a_question_or_help_while_linking_is_answered_and_the_question_asked_again(client, certificate) -> None:
    number, _ = certificate
    sender = f"cert-{uuid.uuid4().hex}"
    say(client, sender, "nhắc tôi khi chứng nhận sắp hết hạn")
    reply = say(client, sender, "giấy chứng nhận OCOP có giá trị bao lâu vậy?")
    assert "36 tháng" in reply and "Số giấy chứng nhận" in reply
    reply = say(client, sender, "trợ giúp")
    assert "Trợ lý OCOP có thể giúp bạn" in reply and "Số giấy chứng nhận" in reply
    assert "Mã số thuế" in say(client, sender, number)
