"""The intent classifier: trained on the project's data, persisted and loaded as Rasa does, same probabilities."""

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.model_cache import nlu_training_data
from nlu.linear_intent_classifier import LinearIntentClassifier, folded_text
from nlu.vietnamese_tokenizer import VietnameseTokenizer


def tokenized(texts):
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    messages = [Message.build(text=t) for t in texts]
    tokenizer.process(messages)
    return messages


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    data = nlu_training_data()
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    tokenizer.process_training_data(data)
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("storage")))
    resource = Resource("intents")
    config = LinearIntentClassifier.get_default_config()
    LinearIntentClassifier.create(config, storage, resource, ExecutionContext(None)).train(data)  # type: ignore[arg-type]
    return LinearIntentClassifier.load(config, storage, resource, ExecutionContext(None))  # type: ignore[arg-type]


def test_accented_unaccented_and_teencode_share_the_folded_text():
    texts = [folded_text(m) for m in tokenized(["Đăng ký OCOP ở đâu?", "dang ky ocop o dau", "dk ocop o dau"])]
    assert texts[0] == texts[1] == texts[2]


@pytest.mark.parametrize("text, intent", [
    ("cho em hỏi OCOP là chương trình gì", "faq_what_is_ocop"),
    ("gcn ocop co thoi han bao lau", "faq_certificate_validity"),
    ("tôi muốn đăng ký sản phẩm cho htx", "start_registration"),
])
def test_the_loaded_model_ranks_intents_with_probabilities(classifier, text, intent):
    [message] = classifier.process(tokenized([text]))
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == intent
    assert ranking[0]["confidence"] >= ranking[1]["confidence"]
    assert 0 < sum(r["confidence"] for r in ranking) <= 1.0 + 1e-9


def test_fast_probabilities_equal_scikit_learn(classifier):
    texts = [folded_text(m) for m in tokenized(["ocop la gi", "xin chào", "nộp hồ sơ ở phường Sài Gòn"])]
    expected = classifier._classifier.predict_proba(classifier._features(texts))
    assert np.allclose(classifier.probabilities(texts), expected)
