"""Link a chat user to their OCOP certificate, look it up, stop the reminders.

"nhắc tôi khi chứng nhận sắp hết hạn" and "tra cứu chứng nhận của tôi" start
``certificate_link_form``: it asks for the certificate number and the holder's
tax code, and links the chat user only when both match the registry (no one
reads another producer's data). A user already linked who asks to look up gets
the list at once. "hủy nhắc hạn" stops every reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import validators as v
from actions.chat_account import chat_account
from actions.form_turns import REQUESTED_SLOT, FormTurns, answered_slot, message_text
from actions.runtime import conversation_history, database, settings
from ocop.reports import CERTIFICATE_STATUS
from ocop.storage import certificates
from ocop.vietnam_time import local_now

logger = logging.getLogger(__name__)

FORM = "certificate_link_form"
SLOTS = ["cert_number", "cert_tax_code"]
# What an ``extract_<slot>`` or ``validate_<slot>`` hook returns: slot values.
Slots = Dict[Text, Any]
_NUMBER = re.compile(r"\d{1,6}\s*/\s*[\w\-đĐ.]+(?:\s*/\s*[\w\-đĐ.]+)*|\d{1,6}\s*-\s*[A-Za-zĐđ][\w\-]*", re.UNICODE)


def certificate_number(tracker: Tracker, text: Text) -> Text:
    """The number from the NLU entity, or the first number-like piece of the text."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "certificate_number" and entity.get("value"):
            return str(entity["value"]).strip()
    found = _NUMBER.search(text)
    return re.sub(r"\s+", "", found.group()) if found else ""


def describe(view: certificates.CertificateView, today: dt.date) -> Text:
    days = (view.expiry_date - today).days
    left = f"còn {days} ngày" if days >= 0 else f"đã quá hạn {-days} ngày"
    decided = f"quyết định công nhận ngày {view.decision_date:%d/%m/%Y}, " if view.decision_date else ""
    return (
        f"• {view.product_name} – {view.star_rating} sao, giấy chứng nhận số {view.number}, {decided}cấp ngày "
        f"{view.issue_date:%d/%m/%Y}, hết hạn {view.expiry_date:%d/%m/%Y} "
        f"({left}; {CERTIFICATE_STATUS.get(view.status, view.status)})"
    )


def reminder_promise() -> Text:
    """The reminder schedule as the producer reads it, from the settings the bot process also uses."""
    offsets = list(settings().reminder_offsets)
    days = [str(d) for d in offsets if d > 0]
    when = (", ".join(days[:-1]) + " và " + days[-1] if len(days) > 1 else "".join(days))
    when = f"{when} ngày trước khi hết hạn" if days else ""
    if 0 in offsets:
        when = f"{when} và vào ngày hết hạn" if when else "vào ngày hết hạn"
    quiet_from, quiet_until = settings().quiet_hours
    return (
        f"Tôi sẽ nhắc bạn qua kênh trò chuyện này {when} "
        f"(không nhắn từ {quiet_from:%H:%M} đến {quiet_until:%H:%M}). Nhắn \"hủy nhắc hạn\" nếu không muốn nhận nữa."
    )


NUMBER_HINT = "Số chứng nhận thường có dạng \"318/GCN-UBND\" (in trên giấy chứng nhận). Bạn nhập lại giúp tôi nhé."
MISMATCH = (
    "Số chứng nhận và mã số thuế không khớp với dữ liệu của cơ quan cấp, nên tôi chưa thể liên kết. "
    "Bạn kiểm tra lại số in trên giấy chứng nhận (nhắn \"hủy\" để dừng)."
)


class ValidateCertificateLinkForm(FormTurns):
    """Reads the certificate number and the tax code; links when both match."""

    shaped_slots = frozenset(SLOTS)

    def name(self) -> Text:
        return "validate_certificate_link_form"

    def extract_cert_number(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The answer to the question, or a number given in the request that starts the form."""
        text = message_text(tracker)
        if tracker.get_slot(REQUESTED_SLOT) is None:  # activation: a number in the request itself is kept
            number = certificate_number(tracker, text)
            return {"cert_number": number} if number else {}
        return {"cert_number": text} if answered_slot(tracker, FORM) == "cert_number" else {}

    def extract_cert_tax_code(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return {"cert_tax_code": message_text(tracker)} if answered_slot(tracker, FORM) == "cert_tax_code" else {}

    def validate_cert_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        number = certificate_number(tracker, str(value))
        if not number:
            dispatcher.utter_message(text=NUMBER_HINT)
        return {"cert_number": number or None}

    def validate_cert_tax_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """The tax code's format, then the registry: both must match to link the chat user."""
        if answered_slot(tracker, FORM) != "cert_tax_code":
            return {"cert_tax_code": value}  # not this message's answer: never linked again
        checked = v.check_tax_code(value, v.HOUSEHOLD_BUSINESS)
        if not checked.ok:
            dispatcher.utter_message(text=checked.error)
            return {"cert_tax_code": None}
        channel, user_id = chat_account(tracker)
        try:
            view = certificates.link(database(), channel, user_id, tracker.get_slot("cert_number"), checked.value)
        except certificates.TooManyAttempts:
            dispatcher.utter_message(text=TOO_MANY_ATTEMPTS)
            return {"cert_number": None, "cert_tax_code": None}
        if view is None:
            dispatcher.utter_message(text=MISMATCH)
            return {"cert_number": None, "cert_tax_code": None}  # asked again from the number
        return {"cert_tax_code": checked.value, "cert_linked": view.number}


TOO_MANY_ATTEMPTS = (
    "Bạn đã nhập sai số chứng nhận hoặc mã số thuế nhiều lần trong hôm nay, nên tôi tạm dừng việc liên kết "
    "để bảo vệ thông tin của các cơ sở. Bạn thử lại vào ngày mai, hoặc nhắn \"gặp cán bộ\" để được hỗ trợ "
    "(nhắn \"hủy\" để dừng)."
)


def show_linked(dispatcher: CollectingDispatcher, views: List[certificates.CertificateView], heading: Text) -> None:
    today = local_now().date()
    dispatcher.utter_message(text="\n".join([heading, *(describe(view, today) for view in views), reminder_promise()]))


class ActionCertificateLinked(Action):
    """After the form: the linked certificate(s) and the reminder promise."""

    def name(self) -> Text:
        return "action_certificate_linked"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        views = certificates.linked(database(), *chat_account(tracker))
        if tracker.get_slot("cert_linked") and views:
            show_linked(dispatcher, views, "Đã liên kết chứng nhận. Chứng nhận OCOP của bạn:")
        try:  # the tax code typed to prove the link need not stay in the conversation
            conversation_history().scrub(tracker.sender_id)
        except Exception:  # the link is made; the retention purge removes it later
            logger.exception("The conversation could not be scrubbed")
        return [SlotSet(slot, None) for slot in (*SLOTS, "cert_linked")]


class ActionLookupCertificate(Action):
    """"Tra cứu chứng nhận của tôi": the list when already linked, else the linking form."""

    def name(self) -> Text:
        return "action_lookup_certificate"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        views = certificates.linked(database(), *chat_account(tracker))
        if views:
            show_linked(dispatcher, views, "Chứng nhận OCOP của bạn:")
            return []
        return [FollowupAction(FORM)]


class ActionUnsubscribeReminders(Action):
    """"Hủy nhắc hạn": stop every reminder of this chat user."""

    def name(self) -> Text:
        return "action_unsubscribe_reminders"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        channel, user_id = chat_account(tracker)
        if certificates.unlink_all(database(), channel, user_id):
            dispatcher.utter_message(
                text="Đã hủy nhắc hạn: tôi sẽ không gửi nhắc hạn chứng nhận cho bạn nữa. "
                "Muốn nhận lại, bạn nhắn \"nhắc hạn chứng nhận\"."
            )
        else:
            dispatcher.utter_message(text="Tài khoản này hiện không nhận nhắc hạn chứng nhận nào.")
        return []
