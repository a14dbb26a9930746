"""Answer OCOP questions from the knowledge base, with "Xem thêm" and follow-up buttons.

Also runs when a question interrupts a form (``data/rules_questions.yml``);
the form then asks its question again. The first message fits a phone screen;
the details, the documents to open and the other sources come with "Xem thêm"
(``ActionShowMore``). A question whether one kind of product can join ("mật ong
rừng có làm OCOP được không?") gets the verdict for that kind first: its group,
or the question the form would ask ("vải": fruit or fabric?). A question where to
file (or whom to contact) that names a commune gets its receiving office first
(``ocop.offices``), whatever topic it was taken for.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.validators import best_choice
from ocop import knowledge
from ocop.choices import choices, label
from ocop.offices import office_for
from ocop.questions import asks_where

TOPIC_SLOT = "kb_topic"
PRODUCT_GROUPS = "faq_product_groups"
# Questions answered with the product groups when they name a kind of product.
PRODUCT_KIND_INTENTS = (PRODUCT_GROUPS, "faq_eligibility")
# Questions answered with the receiving office first when they name a commune or ward.
PLACE_INTENTS = ("faq_how_to_register",)
WORD = re.compile(r"[^\W_]+")


def more_button(topic: Text) -> Dict[Text, Text]:
    return {"title": "Xem thêm", "payload": f'/show_more{{"{TOPIC_SLOT}":"{topic}"}}'}


def follow_up_buttons(entry: knowledge.Entry, entries: Dict[Text, knowledge.Entry]) -> List[Dict[Text, Text]]:
    return [{"title": entries[t].title, "payload": f"/{t}"} for t in entry.follow_up if t in entries]


def named_product(text: Text) -> Optional[Tuple[Text, Text]]:
    """(group key or "?" + word, the word) of the kind of product a question names (``best_choice``)."""
    return best_choice(text, "product_groups")


def product_verdict(text: Text) -> Optional[Text]:
    """The group of the kind of product a question names, or the question the form would ask, or None."""
    found = named_product(text)
    if found is None:
        return None
    key, word = found
    if key.startswith("?"):
        return choices()["unclear_products"][key[1:]]
    return (
        f"«{word.capitalize()}» thuộc nhóm {label('product_groups', key)}, một trong 6 nhóm sản phẩm OCOP: "
        "có thể tham gia nếu chủ thể và sản phẩm đạt bộ tiêu chí của nhóm. "
        "Sản phẩm cụ thể xếp vào phân nhóm, bộ sản phẩm nào thì UBND xã/phường nơi sản xuất hướng dẫn."
    )


class ActionAnswerFaq(Action):
    """Reply with the knowledge entry of the predicted FAQ intent."""

    def name(self) -> Text:
        return "action_answer_faq"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        return answer(dispatcher, knowledge.load(), intent, tracker.latest_message.get("text") or "")


def answer(dispatcher: CollectingDispatcher, entries: Dict[Text, knowledge.Entry], intent: Optional[Text],
           text: Text, alternatives: Sequence[knowledge.Entry] = ()) -> List[EventType]:
    """The answer of topic ``intent`` to the question ``text``; ``alternatives`` are offered as buttons."""
    lead = None  # what the question's own words add before the answer
    if intent in PRODUCT_KIND_INTENTS:  # the verdict first, then the answer asked for
        lead = product_verdict(text)
    elif intent in PLACE_INTENTS or asks_where(text):  # "ở phường Sài Gòn thì nộp ở đâu": the office first
        office = office_for(text)
        lead = office.message() if office is not None else None
    entry = entries.get(intent or "")
    if entry is None:
        dispatcher.utter_message(response="utter_default")
        return []
    buttons = ([more_button(entry.intent)] if entry.has_more else []) + follow_up_buttons(entry, entries)
    reply = entry.reply() if lead is None else f"{lead}\n\n{entry.reply()}"
    if alternatives:
        reply += "\n\nNếu bạn muốn hỏi nội dung khác, hãy chọn bên dưới."
        buttons = [{"title": f"Hỏi về: {other.title}", "payload": f"/{other.intent}"} for other in alternatives] \
            + buttons[:1]
    dispatcher.utter_message(text=reply, buttons=buttons)
    return [SlotSet(TOPIC_SLOT, entry.intent)]


class ActionShowMore(Action):
    """The "Xem thêm" part of the topic on the button, or of the last answer."""

    def name(self) -> Text:
        return "action_show_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        entries = knowledge.load()
        topic = next(tracker.get_latest_entity_values(TOPIC_SLOT), None) or tracker.get_slot(TOPIC_SLOT)
        entry = entries.get(topic or "")
        if entry is None:
            dispatcher.utter_message(
                text="Bạn muốn xem thêm về nội dung nào? Bạn cứ hỏi, ví dụ: \"giấy chứng nhận OCOP có hạn bao lâu\"."
            )
            return []
        if not entry.has_more:
            dispatcher.utter_message(text=f"Câu trả lời về \"{entry.title}\" đã đầy đủ ở trên.")
            return [SlotSet(TOPIC_SLOT, entry.intent)]
        dispatcher.utter_message(text=entry.more_reply(), buttons=follow_up_buttons(entry, entries))
        return [SlotSet(TOPIC_SLOT, entry.intent)]
