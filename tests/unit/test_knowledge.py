"""The knowledge base: complete, consistent, and careful with unverified facts."""

import yaml

from ocop import knowledge
from ocop.settings import PROJECT_ROOT

DOMAIN_INTENTS = yaml.safe_load(open(PROJECT_ROOT / "domain.yml", encoding="utf-8"))["intents"]
FAQ_INTENTS = [i for i in DOMAIN_INTENTS if i.startswith("faq_")]


def test_every_faq_intent_has_exactly_one_entry():
    assert sorted(knowledge.load()) == sorted(FAQ_INTENTS)


def test_entries_are_complete_and_consistent():
    entries = knowledge.load()
    for intent, entry in entries.items():
        assert entry.answer.strip() and entry.title and entry.rules and entry.source, intent
        assert len(entry.title) <= 40, intent
        # The first message fits a phone screen; details come with "Xem thêm". Each fits one Zalo message.
        assert 200 <= len(entry.answer) <= knowledge.FIRST_SCREEN_CHARS, intent
        assert len(entry.reply()) <= 1000 and len(entry.more_reply()) <= knowledge.MAX_MESSAGE_CHARS, intent
        assert all(topic in entries for topic in entry.follow_up), intent
        assert all(fact in entry.answer for fact in entry.must_contain), intent
        assert "Nguồn:" in entry.reply() and entry.source in entry.reply()
        assert entry.last_checked == "2026-11-29" or entry.last_checked > "2026-11-29", intent


def test_current_rules_are_named():
    entries = knowledge.load()
    # QĐ 26/2026/QĐ-TTg (in force 22/5/2026) replaced QĐ 148 and QĐ 1489 sixty days later.
    for intent, entry in entries.items():
        assert "QĐ 26/2026/QĐ-TTg" in entry.rules, intent
        assert "148/" not in entry.rules and "1489/" not in entry.rules, intent
    legal = entries["faq_legal_basis"].answer
    assert "QĐ 26/2026/QĐ-TTg" in legal and "hết hiệu lực" in legal.lower()
    # 30 to under 50 points is 2 stars (the sheet's correction), certificates from 3 stars.
    assert "2 sao (30 đến dưới 50)" in entries["faq_star_bands"].answer


def test_unverified_facts_are_not_stated_as_fact():
    entries = knowledge.load()
    # Auditor-style remarks, outdated wording and the non-existent "extension" stay out of answers.
    banned = (
        "chưa được xác nhận",
        "nguồn khác",
        "bất cứ lúc nào",
        "gia hạn",
        "hiện nay (qđ 919",
        "sẽ thông báo",
    )
    for intent, entry in entries.items():
        answer = entry.answer.lower()
        for phrase in banned:
            assert phrase not in answer, (intent, phrase)
        # The department was renamed in 3/2025: its old name only next to the new one.
        assert entry.answer.count("Sở NNPTNT") == entry.answer.count("Sở NNPTNT (nay là"), intent
    # Where the rules are not settled, the producer gets an action instead.
    for topic in ("faq_eligibility", "faq_dossier", "faq_hcmc_organisation"):
        assert "UBND xã/phường" in entries[topic].answer, topic
    # One dated, consistent national figure.
    assert "8.086" not in entries["faq_eligibility"].answer
    # The re-evaluation window of QĐ 26 (Điều 7 khoản 6), not the old 30-day notice.
    expiry = entries["faq_certificate_expiry"].answer
    assert "120 ngày" in expiry and "30 ngày" not in expiry
    # The Japanese model is OVOP (Ōita, 1979); "1970s" and "40 countries" only as the article's words.
    origin = entries["faq_origin"].answer
    assert "OVOP" in origin and "1979" in origin
    assert "hơn 40" not in origin or "Bài báo" in origin
    # The old product list is shown only as superseded.
    groups = entries["faq_product_groups"].answer
    assert "cũ" in groups and "Sinh vật cảnh" in groups
    # Districts were abolished: HCMC district targets are historical.
    assert "01/7/2025" in entries["faq_hcmc_targets"].answer
    # HCMC's 66 products of the 2022 round were announced on 30/6/2023.
    assert "30/6/2023" in entries["faq_hcmc_targets"].answer


def test_sources_name_documents_first():
    entries = knowledge.load()
    for intent, entry in entries.items():
        source = entry.source.strip()
        assert any(word in source for word in ("QĐ", "Quyết định", "Chỉ đạo")), intent
        assert source.startswith(("QĐ", "Quyết định", "Chỉ đạo", "NQ")), intent
        assert "theo tổng hợp từ" not in source, intent


def test_cited_documents_link_to_a_page_a_producer_can_open():
    entries = knowledge.load()
    for intent, entry in entries.items():
        assert entry.documents, intent  # every answer cites at least the decision in force
        assert entry.documents[0].number == "QĐ 26/2026/QĐ-TTg", intent
        more = entry.more_reply()
        assert all(d.url in more and d.url.startswith("http") for d in entry.documents), intent
