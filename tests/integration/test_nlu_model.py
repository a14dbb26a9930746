"""The real trained model, served by `rasa run`, understands producers."""

import pytest

from ocop.text import fold

# Sample utterances written for this test (not in data/nlu.yml or the held-out set).
SAMPLES = [
    ("xin chào trợ lý OCOP", "greet"),
    ("cảm ơn bạn nhiều nha", "thank"),
    ("OCOP là chương trình gì vậy", "faq_what_is_ocop"),
    ("bao nhiêu điểm thì đạt 4 sao", "faq_star_bands"),
    ("giấy chứng nhận OCOP có hiệu lực mấy năm", "faq_certificate_validity"),
    ("tôi muốn đăng ký sản phẩm mật ong cho hợp tác xã", "start_registration"),
    ("nhắc tôi khi giấy chứng nhận sắp hết hạn", "subscribe_reminders"),
    ("cho tôi gặp cán bộ phụ trách", "human_handoff"),
    ("giá vàng hôm nay bao nhiêu", "out_of_scope"),
]


@pytest.mark.parametrize("text, intent", SAMPLES)
def test_accented_samples(rasa, text, intent):
    assert rasa.parse(text)["intent"]["name"] == intent


@pytest.mark.parametrize("text, intent", SAMPLES)
def test_unaccented_samples(rasa, text, intent):
    assert rasa.parse(fold(text))["intent"]["name"] == intent


@pytest.mark.parametrize(
    "text, intent",
    [
        ("dk ocop o dau z ad", "faq_how_to_register"),
        ("gcn ocop dc bn nam", "faq_certificate_validity"),
        ("htx mk mun dky sp ocop", "start_registration"),
        ("tks ad nhiu nha", "thank"),
    ],
)
def test_teencode_samples(rasa, text, intent):
    assert rasa.parse(text)["intent"]["name"] == intent


def test_entities_map_onto_the_original_text(rasa):
    text = "MST bên em là 0312345678, SĐT 0987.654.321, sản phẩm 4 sao"
    entities = {(e["entity"], text[e["start"] : e["end"]]) for e in rasa.parse(text)["entities"]}
    assert ("tax_code", "0312345678") in entities
    assert ("phone", "0987.654.321") in entities
    assert ("star_rating", "4 sao") in entities


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "ocop " * 1000,  # 5,000 characters
        "😀🎉👍🙏",
        "OCOP 是什么? что такое OCOP? ocop là gì?",
        "!!!???...",
    ],
    ids=["empty", "whitespace", "5000-chars", "emoji", "mixed-script", "punctuation"],
)
def test_odd_messages_parse_without_error(rasa, text):
    result = rasa.parse(text)
    assert "intent" in result


def test_rest_conversation_replies_in_vietnamese_with_diacritics(rasa):
    replies = rasa.send("test-greet", "chao ban")
    texts = " ".join(r.get("text", "") for r in replies)
    assert "Xin chào" in texts
    assert fold(texts) != texts  # the reply carries diacritics
