"""What to do when the NLU is not sure (intent ``nlu_fallback``).

The first time: offer the two or three likeliest OCOP topics as buttons, or
ask to rephrase if no topic is likely. Two misunderstandings in a row: hand the
producer over to an officer (``actions.handoff``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import contact_message, record_handoff
from ocop import knowledge

FALLBACK_INTENT = "nlu_fallback"
MAX_BUTTONS = 3
MIN_CONFIDENCE = 0.1


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def likely_topics(tracker: Tracker) -> List[knowledge.Entry]:
    entries = knowledge.load()
    ranking = tracker.latest_message.get("intent_ranking") or []
    topics = [
        entries[item["name"]]
        for item in ranking
        if item.get("name") in entries and item.get("confidence", 0) >= MIN_CONFIDENCE
    ]
    return topics[:MAX_BUTTONS]


class ActionClarify(Action):
    """Clarify with buttons, or hand over after a second misunderstanding."""

    def name(self) -> Text:
        return "action_clarify"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if consecutive_fallbacks(tracker) >= 2:
            record_handoff(tracker, "repeated_fallback")
            dispatcher.utter_message(
                text="Xin lỗi, tôi vẫn chưa hiểu đúng câu hỏi của bạn. " + contact_message()
            )
            return []
        topics = likely_topics(tracker)
        if topics:
            dispatcher.utter_message(
                text="Tôi chưa chắc đã hiểu đúng. Có phải bạn muốn hỏi về:",
                buttons=[{"title": t.title, "payload": f"/{t.intent}"} for t in topics],
            )
        else:
            dispatcher.utter_message(response="utter_default")
        return []
