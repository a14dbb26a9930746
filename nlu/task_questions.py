"""Rasa NLU component: a question about a task is a question, not the task.

"Đăng ký sản phẩm OCOP vào thời gian nào?" names the registration, and the
intent classifier may rank ``start_registration`` first; starting the form
would then ask a producer who only asked when to register for their tax code.
A form should start only on a request to do something.

Placed after the intent classifier (and before ``FallbackClassifier``) in
``config.yml`` as ``nlu.task_questions.TaskQuestionRouter``. When the top
intent is one that starts a task (``task_intents``) and the message asks an
open question — a question word such as "khi nào", "ở đâu", "bao lâu",
"thế nào", "gì" on the folded text — the best-ranked FAQ intent takes its
place with the top confidence. Yes/no requests ("cho em đăng ký OCOP được
không?") keep the task: they ask for it. Nothing changes when no FAQ intent
is in the ranking.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from ocop.questions import asks_open_question

__all__ = ["TaskQuestionRouter", "asks_open_question"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TaskQuestionRouter(GraphComponent):
    """Replaces a task intent by the best FAQ intent when the message asks an open question."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Erasure is left out: it asks for a clear yes before anything happens.
            "task_intents": ["start_registration", "subscribe_reminders"],
            "question_prefix": "faq_",
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._tasks = set(config["task_intents"])
        self._prefix = config["question_prefix"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TaskQuestionRouter":
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") not in self._tasks or not asks_open_question(message.get(TEXT) or ""):
                continue
            question = self._best_question(message.get(INTENT_RANKING_KEY) or [])
            if question is not None:
                message.set(INTENT, {"name": question, "confidence": intent.get("confidence")}, add_to_output=True)
        return messages

    def _best_question(self, ranking: List[Dict[Text, Any]]) -> Optional[Text]:
        for candidate in ranking:  # best first
            if str(candidate.get("name", "")).startswith(self._prefix):
                return candidate["name"]
        return None
