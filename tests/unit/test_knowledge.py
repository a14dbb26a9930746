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
        assert 200 <= len(entry.answer) <= 1200, intent
        assert all(topic in entries for topic in entry.follow_up), intent
        assert all(fact in entry.answer for fact in entry.must_contain), intent
        assert "Nguồn:" in entry.reply() and entry.source in entry.reply()
        # The whole reply, source line included, fits one Zalo message.
        assert len(entry.reply()) <= 2000, intent


def test_current_rules_are_named():
    entries = knowledge.load()
    assert "1489" in entries["faq_legal_basis"].answer
    assert "1489" in entries["faq_recognition_authority"].answer
    # 30 to under 50 points is 2 stars (the sheet's correction), certificates from 3 stars.
    assert "2 sao: từ 30 đến dưới 50" in entries["faq_star_bands"].answer


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
    assert "9/2025" in entries["faq_eligibility"].answer
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
