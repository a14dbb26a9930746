"""Clarification picks the likeliest knowledge topics; fallbacks are counted."""

from rasa_sdk import Tracker

from actions.clarify import close_call, consecutive_fallbacks, likely_topics, stray_value_target
from ocop import knowledge
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


def close(*ranking):
    return {"intent": {"name": "nlu_fallback"},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}]
            + [{"name": name, "confidence": confidence} for name, confidence in ranking]}


def test_a_close_call_between_topics_answers_the_likeliest_and_offers_the_others():
    entries = knowledge.load()
    likeliest, others = close_call(
        close(("faq_dossier", 0.41), ("faq_how_to_register", 0.38), ("greet", 0.15), ("faq_criteria", 0.05)), entries)
    assert likeliest.intent == "faq_dossier" and [o.intent for o in others] == ["faq_how_to_register"]


def test_a_task_or_a_weak_topic_is_never_answered_on_a_close_call():
    entries = knowledge.load()
    assert close_call(close(("start_registration", 0.4), ("faq_how_to_register", 0.38)), entries) is None
    assert close_call(close(("faq_annual_cycle", 0.28), ("faq_benefits", 0.27)), entries) is None


def test_an_answered_close_call_is_not_counted_as_a_misunderstanding():
    answered = {"event": "user", "parse_data": close(("faq_dossier", 0.41), ("faq_how_to_register", 0.38))}
    assert consecutive_fallbacks(tracker([], [answered, user("nlu_fallback")])) == 1


def stray(text, *ranking):
    return {"text": text, "intent": {"name": "inform"},
            "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking]}


def test_a_question_taken_for_a_value_goes_to_the_next_likeliest_topic_or_tool():
    entries = knowledge.load()
    question = "hộ em làm nước mắm, chưa có mã vạch, chấm thử được mấy sao?"
    assert stray_value_target(stray(question, ("inform", 0.5), ("start_self_check", 0.3)), entries) \
        == "start_self_check"
    assert stray_value_target(stray("giấy này còn hạn bao lâu", ("inform", 0.6), ("correct_value", 0.2),
                                    ("faq_certificate_validity", 0.15)), entries) == "faq_certificate_validity"


def test_a_value_that_asks_nothing_or_points_nowhere_likely_stays_a_value():
    entries = knowledge.load()
    assert stray_value_target(stray("trà mãng cầu", ("inform", 0.5), ("faq_product_groups", 0.4)), entries) is None
    assert stray_value_target(stray("số này là gì?", ("inform", 0.9), ("faq_dossier", 0.05)), entries) is None
    assert stray_value_target(stray("đăng ký được không?", ("inform", 0.5), ("start_registration", 0.4),
                                    ("faq_dossier", 0.3)), entries) is None


def test_a_fallback_between_a_value_and_a_topic_is_answered_and_not_counted_as_misunderstood():
    entries = knowledge.load()
    parse = {"text": "hộ gia đình thôi, chưa đăng ký kinh doanh thì làm sao?",
             "intent": {"name": "nlu_fallback"},
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "inform", "confidence": 0.49},
                                {"name": "faq_eligibility", "confidence": 0.45}]}
    assert stray_value_target(parse, entries) == "faq_eligibility"
    events = [user("nlu_fallback"), {"event": "user", "text": parse["text"], "parse_data": parse}]
    assert consecutive_fallbacks(tracker([], events)) == 0
