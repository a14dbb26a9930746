"""The REST channel: callers are REST identities only, and bad or huge input is handled politely."""

from __future__ import annotations

import dataclasses

import httpx

from bot.stack import Stack
from fakes.tax_codes import new_tax_code
from ocop.storage import registrations
from ocop.storage.db import Database

SUBMISSION = registrations.Submission(
    channel="telegram", user_id="4242", subject_type="hop_tac_xa", subject_name="HTX Trà Tân Lập",
    representative="Nguyễn Thị Lan", tax_code="", phone="+84912345678", email=None,
    address="Ấp 3, Xã Củ Chi, Thành phố Hồ Chí Minh", ward="Xã Củ Chi", province="Thành phố Hồ Chí Minh",
    product_name="Trà mãng cầu", product_group="do_uong", description="Trà sấy lạnh", has_quality_documents=True,
)


def reply_text(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def post(stack: Stack, body, **kwargs) -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60, **kwargs)


def test_a_rest_sender_named_like_a_telegram_chat_is_not_that_chat(stack: Stack, stack_db: Database) -> None:
    registered = registrations.submit(stack_db, dataclasses.replace(SUBMISSION, tax_code=new_tax_code()))
    spoof = post(stack, {"sender": "telegram:4242", "message": "hồ sơ của tôi"}).json()
    assert registered.reference_code not in reply_text(spoof) and "chưa có hồ sơ" in reply_text(spoof)
    claimed = post(stack, {"sender": "x", "message": "hồ sơ của tôi", "input_channel": "telegram",
                           "metadata": {"channel": "telegram", "user_id": "4242"}}).json()
    assert registered.reference_code not in reply_text(claimed)


def test_malformed_bodies_get_400(stack: Stack) -> None:
    assert post(stack, ["not", "an", "object"]).status_code == 400
    assert post(stack, {"sender": 5, "message": "ocop là gì"}).status_code == 400
    assert post(stack, {"sender": "s", "message": {"text": "x"}}).status_code == 400
    assert post(stack, {"sender": "s" * 200, "message": "x"}).status_code == 400
    assert httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=b"{oops",
                      headers={"Content-Type": "application/json"}).status_code == 400


def test_control_characters_are_removed_and_long_messages_cut(stack: Stack) -> None:
    answer = post(stack, {"sender": "ctl", "message": "ocop\x00 là\x07 gì"})
    assert answer.status_code == 200 and "OCOP" in reply_text(answer.json())
    huge = post(stack, {"sender": "huge", "message": "ocop là gì " + "a" * 100_000})
    assert huge.status_code == 200
    assert "2.000 ký tự" in huge.json()[0]["text"]
