"""A question about a task is answered, not taken for the task (nlu/task_questions.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.task_questions import TaskQuestionRouter, asks_open_question

ROUTER = TaskQuestionRouter({**TaskQuestionRouter.get_default_config()})


def routed(text: str, ranking: list) -> str:
    message = Message(data={TEXT: text, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking})
    [message] = ROUTER.process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize("text", [
    "Đăng ký sản phẩm OCOP vào thời gian nào trong năm?", "dang ky san pham ocop vao thoi gian nao",
    "dk sp ocop vao tg nao trong nam", "đăng ký OCOP ở đâu", "dk ocop mất bao lâu", "dk ocop can giay to j",
    "đăng ký nhắc hạn thế nào", "dang ky ocop ntn",
])
def test_open_questions(text: str) -> None:
    assert asks_open_question(text)


@pytest.mark.parametrize("text", [
    "Cho em đăng ký OCOP được không ạ?", "tôi muốn đăng ký sản phẩm 3 sao", "dk ocop", "nhắc hạn giúp tôi",
    "đăng ký sản phẩm trà gừng", "em muốn đăng kí",
])
def test_requests(text: str) -> None:
    assert not asks_open_question(text)


def test_a_question_naming_a_task_goes_to_the_best_faq() -> None:
    ranking = [{"name": "start_registration", "confidence": 0.81}, {"name": "greet", "confidence": 0.1},
               {"name": "faq_annual_cycle", "confidence": 0.05}, {"name": "faq_dossier", "confidence": 0.04}]
    assert routed("Đăng ký sản phẩm OCOP vào thời gian nào trong năm?", ranking) == "faq_annual_cycle"
    assert routed("Cho em đăng ký OCOP được không?", ranking) == "start_registration"  # a request
    assert routed("dk ocop vao thoi gian nao", ranking[:2]) == "start_registration"  # no FAQ to give
    other = [{"name": "faq_dossier", "confidence": 0.9}, {"name": "start_registration", "confidence": 0.1}]
    assert routed("đăng ký cần giấy tờ gì", other) == "faq_dossier"  # only task intents are replaced
