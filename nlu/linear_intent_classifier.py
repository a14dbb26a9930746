"""Rasa NLU component: a linear intent classifier over word and character n-grams of the folded text.

Placed after ``nlu.vietnamese_tokenizer.VietnameseTokenizer`` in ``config.yml``
as ``nlu.linear_intent_classifier.LinearIntentClassifier``. It reads each
token's lemma (the word without diacritics, abbreviations expanded: "dk" →
"dang ky"), so accented, unaccented and teencode messages share one feature
space, and builds two TF-IDF views with scikit-learn: word unigrams and
bigrams, and character n-grams within words (2–5), which absorb typos and
missing letters. A logistic regression (balanced class weights) gives the
intent ranking with probabilities; ``FallbackClassifier`` reads them as usual.

Why not DIET: with 45 intents, ~4,000 examples and no pretrained embeddings,
this model is more accurate on the held-out sets (``bench/nlu_eval.py``,
``bench/answer_eval.py``; figures in ``docs/benchmarks.md``) and trains in
seconds instead of minutes. The fitted objects are stored with ``skops``,
as Rasa's own ``LogisticRegressionClassifier`` does.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)


def folded_text(message: Message) -> Text:
    """The message's token lemmas: diacritic-free words, abbreviations expanded, one space apart."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(" ".join(str(t.lemma or t.text).lower().replace("_", " ").split()) for t in tokens)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Logistic regression over TF-IDF word and character n-grams of the folded text."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "C": 50.0,  # weak regularisation: the examples are short and few per intent
            "max_iter": 3000,
            "ranking_length": 10,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 vectorizers: Optional[List[TfidfVectorizer]] = None,
                 classifier: Optional[LogisticRegression] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._vectorizers = vectorizers or []
        self._classifier = classifier
        self._weights: Optional[np.ndarray] = None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def _features(self, texts: List[Text]):
        return hstack([v.transform(texts) for v in self._vectorizers]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if not examples:
            return self._resource
        texts = [folded_text(m) for m in examples]
        low, high = self._config["word_ngrams"]
        char_low, char_high = self._config["char_ngrams"]
        self._vectorizers = [
            TfidfVectorizer(ngram_range=(low, high), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(char_low, char_high), sublinear_tf=True),
        ]
        for vectorizer in self._vectorizers:
            vectorizer.fit(texts)
        self._classifier = LogisticRegression(
            C=self._config["C"], max_iter=self._config["max_iter"], class_weight="balanced"
        )
        self._classifier.fit(self._features(texts), [m.get(INTENT) for m in examples])
        self._weights = None
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._classifier is None:
            return messages
        probabilities = self.probabilities([folded_text(m) for m in messages])
        labels = self._classifier.classes_
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row)[: self._config["ranking_length"]]
            ranking = [{"name": str(labels[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def probabilities(self, texts: List[Text]) -> np.ndarray:
        """``predict_proba`` of the multinomial model, computed with the weights in row order.

        scikit-learn multiplies the sparse features by ``coef_.T``, a transposed view that
        scipy copies on every call (tens of MB for the character n-grams): most of a
        message's parse time. The C-ordered copy is made once.
        """
        if self._weights is None:
            self._weights = np.ascontiguousarray(self._classifier.coef_.T)
        scores = self._features(texts) @ self._weights + self._classifier.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump({"vectorizers": self._vectorizers, "classifier": self._classifier},
                     directory / "linear_intent_classifier.skops")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / "linear_intent_classifier.skops"
                untrusted = sio.get_untrusted_types(file=path)
                # Only our own file, written by ``persist``: numpy/scipy/sklearn types of the vectorizers.
                allowed = [t for t in untrusted if t.startswith(("numpy.", "scipy.", "sklearn.", "builtins."))]
                if len(allowed) != len(untrusted):
                    raise ValueError(f"unexpected types in {path}: {sorted(set(untrusted) - set(allowed))}")
                stored = sio.load(path, trusted=allowed)
        except ValueError as error:
            logger.warning("No trained intent classifier could be loaded: %s", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, stored["vectorizers"], stored["classifier"])
