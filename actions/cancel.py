"""“Hủy” inside any form: the form ends, its answers are dropped, nothing is written."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import certificates, preregistration, renewal


class ActionCancelForm(Action):
    """Ends whichever form is active and clears the slots of every form."""

    def name(self) -> Text:
        return "action_cancel_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        what = {
            preregistration.FORM: "Đã hủy đăng ký sơ bộ, tôi không lưu thông tin nào.",
            certificates.FORM: "Đã hủy liên kết chứng nhận, tôi không lưu thông tin nào.",
            renewal.FORM: "Vâng, bạn trả lời sau cũng được: nhắn \"gặp cán bộ\" hoặc chờ lần nhắc tiếp theo.",
        }.get(tracker.active_loop.get("name"), "Đã hủy.")
        dispatcher.utter_message(text=f"{what} Bạn cần hỗ trợ gì thêm về OCOP cứ nhắn nhé.")
        slots = preregistration.FORM_SLOTS + certificates.SLOTS + ["cert_linked", renewal.SLOT]
        return [ActiveLoop(None)] + [SlotSet(slot, None) for slot in slots] + [SlotSet("requested_slot", None)]
