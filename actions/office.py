"""Which office receives the dossier: "nộp hồ sơ ở đâu, tôi ở xã Bình Mỹ, Củ Chi".

A one-question form (``office_form``): the place is read from the question
itself when it names one, otherwise the form asks for it. A place in the former
units is converted (``ocop.offices``). Questions, "giúp" and "hủy" inside the
form work as in every form (``actions.form_turns``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_turns import FormTurns, answered_slot, message_text
from ocop.offices import office_for

FORM = "office_form"
SLOT = "office_place"
SOURCE_LINE = (
    "Căn cứ: QĐ 26/2026/QĐ-TTg (hiệu lực 22/5/2026), Điều 7.\n"
    "Nguồn: QĐ 26/2026/QĐ-TTg ngày 22/5/2026; đơn vị hành chính theo NQ 202/2025/QH15 và các nghị quyết "
    "sắp xếp đơn vị cấp xã năm 2025."
)
NOT_FOUND = (
    "Xin lỗi, tôi chưa tìm thấy xã/phường này. Bạn ghi tên xã/phường kèm huyện/quận cũ hoặc tỉnh/thành, "
    "ví dụ: \"xã Bình Mỹ, Củ Chi\" hoặc \"phường Sài Gòn, TP.HCM\"."
)

Slots = Dict[Text, Any]


class ValidateOfficeForm(FormTurns):
    """Reads the place from the question, or from the answer to "ở xã/phường nào?"."""

    shaped_slots = frozenset({SLOT})
    answer_intents = frozenset({"inform"})

    def name(self) -> Text:
        return "validate_office_form"

    def extract_office_place(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        text = message_text(tracker)
        if answered_slot(tracker, FORM) == SLOT:
            return {SLOT: text}  # the answer: checked below, with a message when no place is found
        office = office_for(text) if text else None  # the question that started the form
        return {SLOT: text} if office is not None else {}

    def validate_office_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if office_for(str(value)) is None:
            dispatcher.utter_message(text=NOT_FOUND)
            return {SLOT: None}
        return {SLOT: str(value)}


class ActionAnswerOffice(Action):
    """The receiving UBND for the place given, and the department's contact."""

    def name(self) -> Text:
        return "action_answer_office"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        office = office_for(str(tracker.get_slot(SLOT) or ""))
        if office is None:
            dispatcher.utter_message(text=NOT_FOUND)
        else:
            dispatcher.utter_message(
                text=f"{office.message()}\n\n{SOURCE_LINE}",
                buttons=[{"title": "Hồ sơ gồm những gì?", "payload": "/faq_dossier"},
                         {"title": "Đăng ký sơ bộ", "payload": "/start_registration"}],
            )
        return [SlotSet(SLOT, None)]
