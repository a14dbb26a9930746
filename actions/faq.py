"""Answer OCOP questions from the knowledge base, with follow-up buttons.

Also runs when a question interrupts a form (``data/rules_questions.yml``);
the form then asks its question again.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from ocop import knowledge


class ActionAnswerFaq(Action):
    """Reply with the knowledge entry of the predicted FAQ intent."""

    def name(self) -> Text:
        return "action_answer_faq"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        entries = knowledge.load()
        intent = tracker.latest_message.get("intent", {}).get("name")
        entry = entries.get(intent)
        if entry is None:
            dispatcher.utter_message(response="utter_default")
            return []
        buttons = [
            {"title": entries[topic].title, "payload": f"/{topic}"}
            for topic in entry.follow_up
            if topic in entries
        ]
        dispatcher.utter_message(text=entry.reply(), buttons=buttons)
        return []
