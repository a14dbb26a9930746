"""The expiry reminder and the producer's answer to it.

The bot process records the delivery (state ``sending``) and triggers the
intent ``EXTERNAL_certificate_reminder`` on the producer's conversation, the
certificate's number as an entity (slot ``reminded_certificate``); the rule
starts ``renewal_form``, whose question (``action_ask_renewal_choice``) is the
reminder of that certificate. Its three buttons carry the choice and the
certificate (intent ``renewal_answer``), so a tap is recorded for the
certificate of its own reminder, in whatever order the producer answers. The
answer to the latest reminder is read from free text too ("đánh giá lại",
"nâng sao", "thôi không gia hạn"). Every answer is stored as a renewal
request for officers (``ocop export renewals``), only for a certificate this
chat is linked to, and confirmed to the producer.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.chat_account import chat_account
from actions.form_turns import FormTurns, answered_slot, message_text
from actions.runtime import database
from ocop.storage import renewals
from ocop.text import fold
from ocop.vietnam_time import local_now

FORM = "renewal_form"
SLOT = "renewal_choice"
REMINDED = "reminded_certificate"
REMINDER_INTENT = "EXTERNAL_certificate_reminder"
TAP_INTENT = "renewal_answer"
# What an ``extract_<slot>`` or ``validate_<slot>`` hook returns: slot values.
Slots = Dict[Text, Any]
CHOICES = {
    "renew": "Đăng ký đánh giá lại",
    "upgrade": "Đề nghị nâng hạng sao",
    "decline": "Không đánh giá lại",
}
KEYWORDS = (
    ("decline", (
        "khong co nhu cau", "khong gia han", "khong can", "thoi khong", "khong danh gia lai", "ngung", "khong tiep tuc",
    )),
    ("upgrade", ("nang hang", "nang sao", "len sao", "nang len", "them sao", "len 4 sao", "len 5 sao")),
    ("renew", ("danh gia lai", "cong nhan lai", "gia han", "tai danh gia", "xet lai", "tiep tuc")),
)


def read_choice(text: Text) -> Optional[Text]:
    words = " ".join(fold(text).lower().split())
    for choice, phrases in KEYWORDS:
        if any(phrase in words for phrase in phrases):
            return choice
    return None


def reminder_text(view: renewals.ReminderView, today: dt.date) -> Text:
    days = (view.expiry_date - today).days
    when = f"còn {days} ngày" if days > 0 else ("hết hạn hôm nay" if days == 0 else f"đã hết hạn {-days} ngày")
    return (
        f"Nhắc hạn chứng nhận OCOP: sản phẩm \"{view.product_name}\" ({view.star_rating} sao, giấy chứng nhận số "
        f"{view.number}) hết hạn ngày {view.expiry_date:%d/%m/%Y} – {when}.\n"
        "Hồ sơ đánh giá lại nộp tại UBND xã/phường nơi sản xuất, không sớm hơn 180 ngày và không muộn hơn 120 ngày "
        "trước ngày hết hạn (QĐ 26/2026/QĐ-TTg, Điều 7). Nếu không được đánh giá lại, từ ngày hết hạn sản phẩm không "
        "được dùng logo OCOP kèm số sao nữa.\n"
        "Bạn muốn làm gì?"
    )


def tap_payload(choice: Text, number: Text) -> Text:
    """What a reminder's button sends: the choice and the certificate it is about."""
    return f"/{TAP_INTENT}" + json.dumps({"renewal_choice": choice, "certificate_number": number}, ensure_ascii=False)


class ActionAskRenewalChoice(Action):
    """The reminder of ``reminded_certificate``: product, stars, expiry, days left, consequences, three buttons."""

    def name(self) -> Text:
        return "action_ask_renewal_choice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        view = renewals.reminder_view(database(), *chat_account(tracker), tracker.get_slot(REMINDED))
        if view is None:  # unlinked since: an answer will record nothing and say so
            dispatcher.utter_message(text="Chứng nhận này không còn liên kết với tài khoản của bạn. "
                                          "Nhắn \"hủy\", hoặc \"gặp cán bộ\" nếu cần hỗ trợ.")
            return []
        dispatcher.utter_message(
            text=reminder_text(view, local_now().date()) + "\n(bấm một nút, hoặc nhắn \"hủy\" để trả lời sau)",
            buttons=[{"title": title, "payload": tap_payload(choice, view.number)}
                     for choice, title in CHOICES.items()],
        )
        return []


class ValidateRenewalForm(FormTurns):
    """Reads the producer's choice from a button or free text."""

    shaped_slots = frozenset({SLOT})
    digression_intents = frozenset({TAP_INTENT})  # a tapped button is recorded by its own rule

    def name(self) -> Text:
        return "validate_renewal_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == REMINDER_INTENT and tracker.get_slot("requested_slot"):
            return [SlotSet(SLOT, None)]  # a newer reminder: the question is asked again, about it
        return await super().run(dispatcher, tracker, domain)

    def extract_renewal_choice(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return {SLOT: message_text(tracker)} if answered_slot(tracker, FORM) == SLOT else {}

    def validate_renewal_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        choice = read_choice(str(value))
        if choice is None:
            dispatcher.utter_message(text="Xin lỗi, tôi chưa rõ. Bạn chọn: " + "; ".join(CHOICES.values()) + ".")
        return {SLOT: choice}


ANSWERS = {
    "renew": (
        "Đã ghi nhận đề nghị đánh giá lại sản phẩm \"{product}\" để cán bộ OCOP nắm. Hồ sơ công nhận lại "
        "nộp tại UBND xã/phường nơi sản xuất, theo đợt đánh giá của địa phương: bạn hỏi UBND xã/phường "
        "thời điểm nộp và mẫu giấy tờ."
    ),
    "upgrade": (
        "Đã ghi nhận đề nghị nâng hạng sao cho sản phẩm \"{product}\" để cán bộ OCOP nắm. Hồ sơ nâng hạng "
        "nộp tại UBND xã/phường nơi sản xuất, theo chu trình OCOP của địa phương."
    ),
    "decline": (
        "Đã ghi nhận: bạn không đề nghị đánh giá lại sản phẩm \"{product}\". "
        "Sau ngày hết hạn, sản phẩm không được dùng logo OCOP nữa. Nếu đổi ý, bạn cứ nhắn cho tôi."
    ),
}


class ActionRecordRenewalChoice(Action):
    """Store the answer as a renewal request for officers, then confirm it."""

    def name(self) -> Text:
        return "action_record_renewal_choice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        channel, user_id = chat_account(tracker)
        if (tracker.latest_message.get("intent") or {}).get("name") == TAP_INTENT:
            entities = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}
            choice, number = entities.get("renewal_choice"), entities.get("certificate_number")
        else:
            choice, number = tracker.get_slot(SLOT), tracker.get_slot(REMINDED)
        product = renewals.record(database(), channel, user_id, number, choice) if choice in CHOICES else None
        if product is None:
            dispatcher.utter_message(
                text="Xin lỗi, tôi không tìm thấy chứng nhận được nhắc. Bạn nhắn \"gặp cán bộ\" để được hỗ trợ nhé."
            )
        else:
            dispatcher.utter_message(text=ANSWERS[choice].format(product=product))
        return [SlotSet(SLOT, None)]
