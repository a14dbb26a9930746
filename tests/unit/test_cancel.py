"""The one cancel action ends whichever form is active and clears that form's slots (from the domain)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.cancel import DEFAULT_FAREWELL, EXTRA_SLOTS, FAREWELLS, ActionCancelForm
from ocop.settings import PROJECT_ROOT

DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(form: str | None) -> Tracker:
    slots = {name: "filled" for name in DOMAIN["slots"]}
    return Tracker(
        sender_id="t", slots={**slots, "requested_slot": "x"}, latest_message={"intent": {"name": "cancel"}},
        events=[], paused=False, followup_action=None, active_loop={"name": form} if form else {},
        latest_action_name="action_listen",
    )


def cancel(form: str | None, domain: Dict[str, Any] = DOMAIN):
    dispatcher = CollectingDispatcher()
    events = ActionCancelForm().run(dispatcher, tracker(form), domain)
    return events, dispatcher.messages[0]["text"]


@pytest.mark.parametrize("form", sorted(DOMAIN["forms"]))
def test_cancel_clears_the_required_slots_of_the_active_form(form: str) -> None:
    events, text = cancel(form)
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    expected = set(DOMAIN["forms"][form]["required_slots"]) | set(EXTRA_SLOTS.get(form, [])) | {"requested_slot"}
    assert cleared == expected
    assert text.startswith(FAREWELLS[form])


def test_every_form_has_a_farewell_of_its_own() -> None:
    assert set(FAREWELLS) == set(DOMAIN["forms"])


def test_a_form_unknown_to_the_farewells_gets_the_default_and_its_slots_cleared() -> None:
    domain = {**DOMAIN, "forms": {"new_form": {"required_slots": ["a", "b"]}}}
    events, text = cancel("new_form", domain)
    assert {e["name"] for e in events if e["event"] == "slot"} == {"a", "b", "requested_slot"}
    assert text.startswith(DEFAULT_FAREWELL)
