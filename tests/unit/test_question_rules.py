"""The FAQ intents are listed once in the rules: one rule answers them all, every form reuses the list."""

from __future__ import annotations

from typing import Any, Dict, List

import yaml

from ocop.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
FAQ_INTENTS = {intent for intent in DOMAIN["intents"] if intent.startswith("faq_")}


def rules(path) -> List[Dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]


def intents_of(step: Dict[str, Any]) -> List[str]:
    """The intents a rule step matches: one, or those of an ``or:``."""
    if "or" in step:
        return [item["intent"] for item in step["or"] if "intent" in item]
    return [step["intent"]] if "intent" in step else []


QUESTIONS = rules(DATA / "rules_questions.yml")
[FAQ_RULE] = [rule for rule in QUESTIONS if rule["rule"] == "answer a FAQ"]


def test_one_rule_answers_every_faq_intent_of_the_domain() -> None:
    [choice, answer] = FAQ_RULE["steps"]
    assert sorted(intents_of(choice)) == sorted(FAQ_INTENTS)
    assert answer == {"action": "action_answer_faq"}
    assert "condition" not in FAQ_RULE


def test_every_form_answers_the_same_faq_intents_and_asks_again() -> None:
    for form in DOMAIN["forms"]:
        [rule] = [r for r in QUESTIONS if r["rule"] == f"a question inside {form}"]
        assert rule["condition"] == [{"active_loop": form}]
        assert rule["steps"][0] == FAQ_RULE["steps"][0]  # the same list (a YAML alias)
        assert rule["steps"][1:] == [{"action": "action_answer_faq"}, {"action": form}, {"active_loop": form}]


def test_no_other_rule_lists_faq_intents() -> None:
    for path in sorted(DATA.glob("rules*.yml")):
        for rule in rules(path):
            if path.name == "rules_questions.yml" and rule["rule"].startswith(("answer a FAQ", "a question inside")):
                continue
            for step in rule["steps"]:
                assert not FAQ_INTENTS & set(intents_of(step)), (path.name, rule["rule"])


def test_every_form_has_help_an_officer_and_cancel() -> None:
    names = {rule["rule"] for rule in QUESTIONS}
    for form in DOMAIN["forms"]:
        assert {f"help inside {form}", f"an officer asked for inside {form}", f"cancel inside {form}"} <= names
