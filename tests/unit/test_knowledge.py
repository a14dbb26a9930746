"""The knowledge base: complete, consistent, and careful with unverified facts."""

import yaml

from actions import knowledge
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


def test_current_rules_are_named():
    entries = knowledge.load()
    assert "1489" in entries["faq_legal_basis"].answer
    assert "1489" in entries["faq_recognition_authority"].answer
    # 30 to under 50 points is 2 stars (the sheet's correction), certificates from 3 stars.
    assert "2 sao: từ 30 đến dưới 50" in entries["faq_star_bands"].answer


def test_unverified_facts_are_not_stated_as_fact():
    entries = knowledge.load()
    for topic in ("faq_eligibility", "faq_dossier", "faq_hcmc_organisation"):
        assert "chưa được xác nhận" in entries[topic].answer, topic
    # The old product list is shown only as superseded.
    groups = entries["faq_product_groups"].answer
    assert "cũ" in groups and "Sinh vật cảnh" in groups
    # Districts were abolished: HCMC district targets are historical.
    assert "01/7/2025" in entries["faq_hcmc_targets"].answer
