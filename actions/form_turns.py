"""What a message means inside a form: an answer to the question, or a digression.

Shared by the forms of ``actions/``. A digression (a FAQ question, "giúp",
"gặp cán bộ", "hủy") makes the form's validation return nothing, so Rasa
rejects the form and a rule answers the message; the form then asks its
question again. An answer that the NLU took for a question still counts as an
answer when it passes the slot's check and has a recognisable shape (or the
NLU was unsure).
"""

from __future__ import annotations

from typing import Text

from rasa_sdk import Tracker

from actions.validators import clean

DIGRESSIONS = {"help", "human_handoff"}
INTERRUPTING_CONFIDENCE = 0.8


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


def is_digression(tracker: Tracker, answer_ok: bool, shaped: bool) -> bool:
    """A question, a call for help or a cancellation rather than an answer."""
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name") or ""
    if name == "cancel":
        return True
    if not (name.startswith("faq_") or name in DIGRESSIONS):
        return False
    if "?" in message_text(tracker) or not answer_ok:
        return True
    return not (shaped or (intent.get("confidence") or 0.0) < INTERRUPTING_CONFIDENCE)
