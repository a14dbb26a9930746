"""What a message means inside a form: an answer to the question, or a digression.

``FormTurns`` is the base of the forms' validation actions. It reads answers
with rasa-sdk's own hooks (``required_slots``, ``extract_<slot>``,
``validate_<slot>``); it only decides first whether the message is an answer
at all. A digression (a FAQ question, "giúp", "gặp cán bộ", "hủy", "xóa dữ
liệu của tôi") gets no
events, so Rasa rejects the form and a rule of ``data/rules_questions.yml``
answers the message; the form then asks its question again. An answer that the
NLU took for a question still counts as an answer when it passes the slot's
check and has a recognisable shape, or does not read as a question (no "?",
no question word) and the NLU was not near-certain.
"""

from __future__ import annotations

import abc
import enum
from typing import Any, Dict, FrozenSet, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.validators import clean
from ocop.text import fold

REQUESTED_SLOT = "requested_slot"
DIGRESSIONS = {"help", "human_handoff"}
INTERRUPTING_CONFIDENCE = 0.8
CERTAIN = 0.95  # a statement the NLU is this sure is a question interrupts the form all the same
# Folded words and phrases that make a Vietnamese sentence a question.
QUESTION_WORDS = ("gi", "sao", "nao", "bao nhieu", "bao lau", "o dau", "dau", "the nao", "lam sao", "tai sao",
                  "vi sao", "khi nao", "bao gio", "co phai", "duoc khong", "phai khong", "hay khong", "co duoc")
QUESTION_ENDINGS = ("khong", "ko", "k", "chua", "ha", "nhi")


def looks_like_question(text: Text) -> bool:
    """A "?" or a question word: "ocop la gi", "dang ky o dau", "co can giay phep khong"."""
    if "?" in text:
        return True
    words = " ".join(fold(text).lower().replace(",", " ").replace(".", " ").split())
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in QUESTION_WORDS) or words.endswith(
        tuple(f" {ending}" for ending in QUESTION_ENDINGS))


class Turn(enum.Enum):
    """How a message inside a form is read."""

    ANSWER = "answer"
    DIGRESSION = "digression"
    UNSURE = "unsure"  # taken for a question: an answer only if it passes the slot's check


def message_text(tracker: Tracker) -> Text:
    return clean(tracker.latest_message.get("text") or "")


def answers_the_form(tracker: Tracker, form: Text) -> bool:
    """True when the form runs right after the user spoke, False when it comes
    back after another action answered a digression (nothing new to read)."""
    for event in reversed(tracker.events):
        if event.get("event") != "action":
            continue
        if event.get("name") in (form, "action_extract_slots"):
            continue
        return event.get("name") == "action_listen"
    return True


def answered_slot(tracker: Tracker, form: Text) -> Optional[Text]:
    """The slot the latest message answers: the requested one, or None while the
    form starts or when it asks again after a digression."""
    requested = tracker.get_slot(REQUESTED_SLOT)
    return requested if requested and answers_the_form(tracker, form) else None


def classify(tracker: Tracker, shaped: bool) -> Turn:
    """A question, a call for help or a cancellation rather than an answer?"""
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name") or ""
    if name == "cancel" and (intent.get("confidence") or 0.0) < INTERRUPTING_CONFIDENCE:
        return Turn.UNSURE  # "Lê Thị Lan" read as "hủy" at 0.31: an answer that passes the check is kept
    if name in ("cancel", "erase_my_data"):
        return Turn.DIGRESSION
    if not (name.startswith("faq_") or name in DIGRESSIONS):
        return Turn.ANSWER
    text = message_text(tracker)
    if "?" in text:
        return Turn.DIGRESSION
    confidence = intent.get("confidence") or 0.0
    if shaped or confidence < INTERRUPTING_CONFIDENCE:
        return Turn.UNSURE
    if not looks_like_question(text) and confidence < CERTAIN:
        return Turn.UNSURE  # "Khăn dệt tay từ sợi bông…" answers "mô tả sản phẩm", whatever the NLU thought
    return Turn.DIGRESSION


class FormTurns(FormValidationAction):
    """A form's validation action that leaves digressions to the rules."""

    #: Slots whose answers have a recognisable shape: an answer that passes
    #: their check is an answer even when the NLU read it as a question.
    shaped_slots: FrozenSet[Text] = frozenset()
    #: Intents that answer this form's question whatever they would interrupt elsewhere.
    answer_intents: FrozenSet[Text] = frozenset()
    #: Intents a rule handles while this form waits (besides questions, help, an officer, "hủy").
    digression_intents: FrozenSet[Text] = frozenset()

    @abc.abstractmethod
    def name(self) -> Text:
        """``validate_<form name>``."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        slot = answered_slot(tracker, self.form_name())
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if slot is None or intent in self.answer_intents:
            turn = Turn.ANSWER
        elif intent in self.digression_intents:
            turn = Turn.DIGRESSION
        else:
            turn = classify(tracker, slot in self.shaped_slots)
        if turn is Turn.DIGRESSION:
            return []  # the form is rejected and a rule handles the message
        if turn is Turn.ANSWER:
            return await super().run(dispatcher, tracker, domain)
        # Unsure: read it as an answer, but say nothing unless it is one.
        replies = CollectingDispatcher()
        events = await super().run(replies, tracker, domain)
        if await self.asks_again(slot, dispatcher, tracker, domain):
            return []
        dispatcher.messages.extend(replies.messages)
        return events

    async def asks_again(
        self, slot: Text, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> bool:
        """Whether, after validation, the form would ask ``slot`` again: the answer was not accepted."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = [name for name in required if tracker.get_slot(name) is None]
        return bool(missing) and missing[0] == slot
