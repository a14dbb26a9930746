"""Rasa tokenizer for Vietnamese as producers type it.

Registered as a graph component; use it in ``config.yml`` as
``nlu.vietnamese_tokenizer.VietnameseTokenizer``. See ``nlu.segmentation`` for
the normalisation and segmentation steps.

Each Rasa ``Token`` gets:

* ``text``: the normalised accented word, syllables joined by "_" ("đăng_ký"),
  abbreviations expanded ("dk" -> "đăng_ký");
* ``lemma``: the same word without diacritics, syllables joined by spaces
  ("dang ky"). Featurizers with ``use_lemma: true`` therefore see the folded
  syllables, which an unaccented message ("dang ky ocop") shares with its
  accented form;
* ``start``/``end``: the span of the user's original text, so entities map back
  onto what the user wrote.

Punctuation and emoji are dropped as Rasa's whitespace tokenizer does; a message
made only of them becomes one token, so it still parses.

With ``augment_unaccented: true`` (the project's setting) training also sees a
diacritic-free copy of every example written with diacritics, so the classifier
learns that both spellings mean the same. Only training data is augmented.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.segmentation import ABBREVIATIONS_FILE, load_abbreviations, segment
from ocop.text import fold


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class VietnameseTokenizer(Tokenizer):
    """Normalising, abbreviation-expanding, word-segmenting tokenizer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Table of abbreviations and teencode; None means the bundled one.
            "abbreviations": None,
            # Train on a diacritic-free copy of each accented example too.
            "augment_unaccented": False,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """Only Vietnamese."""
        return ["vi"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        path = config.get("abbreviations") or str(ABBREVIATIONS_FILE)
        self._abbreviations = load_abbreviations(path)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Tokenize the training data, after adding unaccented copies if configured."""
        if self._config.get("augment_unaccented"):
            training_data = training_data.merge(TrainingData(unaccented_copies(training_data)))
        return super().process_training_data(training_data)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of the provided attribute of the incoming message."""
        text = message.get(attribute) or ""
        words = segment(text, self._abbreviations)
        kept = [word for word in words if not word.is_symbol] or words
        if not kept:
            return [Token(text, 0, len(text))]
        tokens = [
            Token(word.text, word.start, word.end, lemma=word.folded)
            for word in kept
        ]
        return self._apply_token_pattern(tokens)


def unaccented_copies(training_data: TrainingData) -> List[Message]:
    """Diacritic-free copies of the intent examples written with diacritics.

    Folding an NFC text keeps its length, so entity offsets stay valid.
    """
    existing = {unicodedata.normalize("NFC", m.get(TEXT)).lower() for m in training_data.intent_examples}
    copies = []
    for example in training_data.intent_examples:
        text = unicodedata.normalize("NFC", example.get(TEXT))
        folded = fold(text)
        if folded == text or folded.lower() in existing or len(folded) != len(text):
            continue
        existing.add(folded.lower())
        entities = [
            {**entity, "value": fold(str(entity.get("value", "")))}
            for entity in example.get(ENTITIES) or []
        ]
        copies.append(Message(data={TEXT: folded, INTENT: example.get(INTENT), ENTITIES: entities}))
    return copies
