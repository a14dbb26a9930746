"""“Xóa dữ liệu của tôi”: the producer erases what this chat account left with us.

``erasure_form`` asks once for confirmation, saying what will be erased and
what officers keep; anything but a clear yes (or a question, answered first)
erases nothing. On yes,
``action_erase_my_data`` erases the application database's part at once
(``ocop.storage.erasure.erase_chat_user``: the chat account and its consent to
notifications, certificate links, deliveries, hand-off requests,
pre-registrations no officer has handled yet, the producer's details when
nothing else needs them) and, in the same transaction, asks for the
conversation history to be erased once this turn is stored
(``ocop/retention.py``, a job of the bot process).
The account is the one the channel authenticated (``chat_account``).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import validators as v
from actions.chat_account import chat_account
from actions.form_turns import FormTurns, answered_slot, message_text
from actions.runtime import database
from ocop.storage import erasure

logger = logging.getLogger(__name__)

FORM = "erasure_form"
SLOT = "erasure_confirmed"
ERASE_WORDS = ("xoa", "xoa di", "xoa het", "xoa du lieu", "dong y xoa", "co xoa")
# Any of these words makes the answer a no ("thôi, không xóa", "đừng xóa"): erasure cannot be undone.
REFUSAL_WORDS = frozenset({"khong", "ko", "k", "dung", "thoi", "chua", "huy", "no", "deny", "de", "sau"})

QUESTION = (
    "Bạn muốn xóa dữ liệu của mình? Tôi sẽ xóa:\n"
    "• tài khoản trò chuyện này và việc nhận thông báo, nhắc hạn;\n"
    "• liên kết giấy chứng nhận để nhắc hạn;\n"
    "• hồ sơ đăng ký sơ bộ chưa được cán bộ tiếp nhận, và thông tin đơn vị nếu không còn hồ sơ nào cần đến;\n"
    "• toàn bộ nội dung trò chuyện (trong vài phút).\n"
    "Hồ sơ cán bộ đang xét hoặc đã xét được giữ lại để xử lý theo quy định, nhưng không còn gắn với "
    "tài khoản này. Việc xóa không hoàn tác được."
)
KEPT = "Tôi chưa xóa gì, dữ liệu của bạn vẫn được giữ. Khi cần, bạn nhắn \"xóa dữ liệu của tôi\"."
FAILED = ("Xin lỗi, hệ thống đang gặp sự cố nên chưa xóa được. Bạn nhắn lại \"xóa dữ liệu của tôi\" sau ít phút, "
          "hoặc nhắn \"gặp cán bộ\" để được hỗ trợ.")


def wants_erasure(text: Text, intent: Optional[Text]) -> bool:
    """A clear yes to the question: the button, "đồng ý", "có", "xóa đi", the request again;
    never when a word of refusal is in it."""
    if text.strip() == "/affirm":
        return True
    words = v.folded_words(text).strip(" .!")
    if REFUSAL_WORDS & set(words.split()):
        return False
    if intent == "erase_my_data" or words in ERASE_WORDS:
        return True
    checked = v.check_agreement(text)
    return checked.ok and checked.value is True


class ValidateErasureForm(FormTurns):
    """Reads the answer to the confirmation: True only for a clear yes. A question in the middle is
    answered and the confirmation asked again; "hủy" ends it (``data/rules_questions.yml``)."""

    answer_intents = frozenset({"erase_my_data"})  # "xóa dữ liệu của tôi" again: yes

    def name(self) -> Text:
        return "validate_erasure_form"

    def extract_erasure_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        return {SLOT: message_text(tracker)} if answered_slot(tracker, FORM) == SLOT else {}

    def validate_erasure_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return {SLOT: isinstance(value, str) and wants_erasure(value, intent)}


class ActionAskErasureConfirmed(Action):
    """What erasure means, with "erase" and "keep"."""

    def name(self) -> Text:
        return "action_ask_erasure_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=QUESTION, buttons=[
            {"title": "Xóa dữ liệu", "payload": "/affirm"}, {"title": "Không xóa", "payload": "/deny"}])
        return []


def report(erased: erasure.Erased) -> Text:
    """What was erased and what officers keep, in the producer's words."""
    lines = ["Đã xóa dữ liệu của bạn:"]
    if erased.account:
        lines.append("• tài khoản trò chuyện này; tôi sẽ không gửi thông báo hay nhắc hạn nữa;")
    if erased.certificate_links:
        lines.append(f"• {erased.certificate_links} liên kết giấy chứng nhận;")
    if erased.registrations_erased:
        lines.append(f"• {erased.registrations_erased} hồ sơ đăng ký sơ bộ chưa được tiếp nhận;")
    if erased.producer_erased:
        lines.append("• thông tin đơn vị (tên, người đại diện, mã số thuế, điện thoại, email, địa chỉ);")
    lines.append("• nội dung trò chuyện: xóa trong vài phút tới.")
    if erased.registrations_kept:
        lines.append(f"Giữ lại {erased.registrations_kept} hồ sơ cán bộ đang xét hoặc đã xét, không còn gắn với "
                     "tài khoản này; muốn rút hồ sơ, bạn liên hệ UBND xã/phường.")
    lines.append("Nếu nhắn tiếp, bạn sẽ bắt đầu như người dùng mới.")
    return "\n".join(lines)


class ActionEraseMyData(Action):
    """Erase on a clear yes; otherwise say nothing was erased."""

    def name(self) -> Text:
        return "action_erase_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot(SLOT) is not True:
            dispatcher.utter_message(text=KEPT)
            return [AllSlotsReset()]
        channel, user_id = chat_account(tracker)
        try:
            erased = erasure.erase_chat_user(database(), channel, user_id, tracker.sender_id)
        except Exception:  # nothing half-done: erase_chat_user is one transaction
            logger.exception("Erasure on request failed")
            dispatcher.utter_message(text=FAILED)
            return [AllSlotsReset()]
        dispatcher.utter_message(text=report(erased))
        return [AllSlotsReset()]
