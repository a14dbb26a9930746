"""What to do when the NLU is not sure (intent ``nlu_fallback``).

A close call between knowledge topics (the likeliest above the fallback
threshold, the next one just behind it) is answered with the likeliest, and
the other is offered as a button: a producer asking "hồ sơ đăng ký OCOP gồm
những gì?" gets the dossier at once, not a question back. Otherwise, the first
time: offer the two or three likeliest OCOP topics as buttons, or ask to
rephrase if no topic is likely. Two misunderstandings in a row: hand the
producer over to an officer (``actions.handoff``). Inside a form, and when
the likeliest intent is a task, the producer is always asked.

A question taken for a value (intent ``inform``) when no form is open ("hộ
em làm nước mắm, chưa có mã vạch, chấm thử được mấy sao?") goes to the next
likeliest intent when that is a knowledge topic, the self-check or the
which-office tool (``ActionStrayValue``; also when such a message fell back
because the value and the topic were close); anything else is told that no form
is being filled.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import answer
from actions.handoff import contact_message, record_handoff
from ocop import knowledge
from ocop.questions import asks_open_question

FALLBACK_INTENT = "nlu_fallback"
MAX_BUTTONS = 3
MIN_CONFIDENCE = 0.1
ANSWER_AT = 0.3  # the FallbackClassifier's threshold (config.yml): above it, the fallback was a close call
MAX_ALTERNATIVES = 2
VALUE_INTENTS = ("inform", "correct_value", FALLBACK_INTENT)
# Intents a stray question may go to without a form open: the forms they start.
QUESTION_TOOLS = {"start_self_check": "self_check_form", "ask_office": "office_form"}


def close_call(parse_data: Dict[Text, Any],
               entries: Dict[Text, knowledge.Entry]) -> Optional[Tuple[knowledge.Entry, List[knowledge.Entry]]]:
    """The likeliest topic and the close others, when the NLU fell back only because FAQ topics were close."""
    ranking = [item for item in parse_data.get("intent_ranking") or [] if item.get("name") != FALLBACK_INTENT]
    if not ranking or ranking[0].get("name") not in entries or ranking[0].get("confidence", 0) < ANSWER_AT:
        return None
    others = [entries[item["name"]] for item in ranking[1:]
              if item.get("name") in entries and item.get("confidence", 0) >= MIN_CONFIDENCE]
    return entries[ranking[0]["name"]], others[:MAX_ALTERNATIVES]


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood (close calls and questions
    taken for values were answered)."""
    entries = knowledge.load()
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse_data = {"text": event.get("text"), **(event.get("parse_data") or {})}
        if parse_data.get("intent", {}).get("name") != FALLBACK_INTENT or close_call(parse_data, entries) \
                or (_likeliest_is_a_value(parse_data) and stray_value_target(parse_data, entries)):
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


def stray_value_target(parse_data: Dict[Text, Any], entries: Dict[Text, knowledge.Entry]) -> Optional[Text]:
    """The topic or tool a question taken for a value asks about, or None when it does not ask."""
    text = parse_data.get("text") or ""
    if not (asks_open_question(text) or text.rstrip().endswith("?")):
        return None
    for item in parse_data.get("intent_ranking") or []:  # best first
        name = item.get("name")
        if name in VALUE_INTENTS:
            continue
        if item.get("confidence", 0) >= MIN_CONFIDENCE and (name in entries or name in QUESTION_TOOLS):
            return name
        return None  # the next likeliest is a task or small talk, or unlikely: do not guess
    return None


def _likeliest_is_a_value(parse_data: Dict[Text, Any]) -> bool:
    ranking = [item for item in parse_data.get("intent_ranking") or [] if item.get("name") != FALLBACK_INTENT]
    return bool(ranking) and ranking[0].get("name") in VALUE_INTENTS


def answer_stray_question(dispatcher: CollectingDispatcher, tracker: Tracker,
                          entries: Dict[Text, knowledge.Entry]) -> Optional[List[EventType]]:
    """Answer the question a message taken for a value asks, or start its tool; None when it asks none."""
    target = stray_value_target(tracker.latest_message, entries)
    if target in QUESTION_TOOLS:
        return [FollowupAction(QUESTION_TOOLS[target])]
    if target is not None:
        return answer(dispatcher, entries, target, tracker.latest_message.get("text") or "")
    return None


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
        entries = knowledge.load()
        close = close_call(tracker.latest_message, entries)
        in_form = bool((tracker.active_loop or {}).get("name"))
        if close is not None and not in_form:
            likeliest, others = close
            return answer(dispatcher, entries, likeliest.intent, tracker.latest_message.get("text") or "", others)
        if not in_form and _likeliest_is_a_value(tracker.latest_message):
            redirected = answer_stray_question(dispatcher, tracker, entries)
            if redirected is not None:
                return redirected
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


class ActionStrayValue(Action):
    """A value sent with no form open: answer the question it asks, or say no form is being filled."""

    def name(self) -> Text:
        return "action_stray_value"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        redirected = answer_stray_question(dispatcher, tracker, knowledge.load())
        if redirected is not None:
            return redirected
        dispatcher.utter_message(response="utter_nothing_to_fill")
        return []
