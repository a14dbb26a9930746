"""Clarification picks the likeliest knowledge topics; fallbacks are counted."""

from rasa_sdk import Tracker

from actions.clarify import consecutive_fallbacks, likely_topics
from ocop.privacy import mask


def tracker(ranking, events=()):
    return Tracker(
        sender_id="t",
        slots={},
        latest_message={"intent": {"name": "nlu_fallback"}, "intent_ranking": ranking},
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_likely_topics_are_faq_entries_above_the_threshold():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "faq_renewal", "confidence": 0.3},
        {"name": "greet", "confidence": 0.2},
        {"name": "faq_upgrade", "confidence": 0.25},
        {"name": "faq_dossier", "confidence": 0.12},
        {"name": "faq_origin", "confidence": 0.11},
        {"name": "faq_criteria", "confidence": 0.01},
    ]
    assert [t.intent for t in likely_topics(tracker(ranking))] == [
        "faq_renewal", "faq_upgrade", "faq_dossier",
    ]


def test_consecutive_fallbacks_stop_at_an_understood_message():
    events = [user("nlu_fallback"), user("greet"), user("nlu_fallback"), {"event": "bot"}, user("nlu_fallback")]
    assert consecutive_fallbacks(tracker([], events)) == 2
    assert consecutive_fallbacks(tracker([], [user("greet")])) == 0


def test_mask_hides_phones_tax_codes_and_emails():
    masked = mask("sđt 0987 654 321, mst 0312345678-001, mail an.nguyen@gmail.com")
    assert "0987" not in masked and "0312345678" not in masked and "an.nguyen" not in masked
    assert "@gmail.com" in masked
    assert mask(None) is None
