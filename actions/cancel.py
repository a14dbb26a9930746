"""“Hủy” inside any form: the form ends, its answers are dropped, nothing is written.

The form is the active loop of the conversation; the slots to clear are its
``required_slots`` in the domain, so a new form needs no change here (a
farewell of its own is optional).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

FAREWELLS = {
    "preregistration_form": "Đã hủy đăng ký sơ bộ, tôi không lưu thông tin nào.",
    "certificate_link_form": "Đã hủy liên kết chứng nhận, tôi không lưu thông tin nào.",
    "renewal_form": "Vâng, bạn trả lời sau cũng được: nhắn \"gặp cán bộ\" hoặc chờ lần nhắc tiếp theo.",
    "erasure_form": "Vâng, tôi chưa xóa gì.",
    "office_form": "Vâng.",
    "self_check_form": "Đã dừng tự chấm thử, tôi không lưu câu trả lời nào.",
}
# Slots a form fills besides its required ones.
EXTRA_SLOTS = {"self_check_form": ["sc_answers"]}
DEFAULT_FAREWELL = "Đã hủy."


def form_slots(form: Optional[Text], domain: Dict[Text, Any]) -> List[Text]:
    """The required slots of ``form`` in the domain; none when no form is active."""
    return list(((domain.get("forms") or {}).get(form) or {}).get("required_slots") or [])


class ActionCancelForm(Action):
    """Ends the active form and clears its slots."""

    def name(self) -> Text:
        return "action_cancel_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        form = (tracker.active_loop or {}).get("name")
        farewell = FAREWELLS.get(form, DEFAULT_FAREWELL)
        dispatcher.utter_message(text=f"{farewell} Bạn cần hỗ trợ gì thêm về OCOP cứ nhắn nhé.")
        slots = form_slots(form, domain) + EXTRA_SLOTS.get(form, []) + ["requested_slot"]
        return [ActiveLoop(None)] + [SlotSet(slot, None) for slot in slots]
