"""The held-out NLU set (``nlu_heldout.yml``): never used for training.

Each item has an intent and the same utterance written three ways: with
diacritics (``accented``), without (``unaccented``, derived from the accented
form by folding) and as typed fast on a phone (``teencode``). Entities are
marked up as in Rasa training data: ``[0987654321](phone)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Tuple

import yaml
from rasa.shared.nlu.training_data.entities_parser import parse_training_example

HELDOUT_FILE = Path(__file__).with_name("nlu_heldout.yml")
VARIANTS = ("accented", "unaccented", "teencode")

Span = Tuple[str, int, int]


@dataclass(frozen=True)
class HeldOutExample:
    intent: str
    # variant -> (plain text, gold entity spans)
    variants: Dict[str, Tuple[str, FrozenSet[Span]]]


def parse_markup(markup: str) -> Tuple[str, FrozenSet[Span]]:
    """Plain text and (entity, start, end) spans of a marked-up utterance."""
    message = parse_training_example(markup)
    entities = frozenset(
        (e["entity"], e["start"], e["end"]) for e in message.get("entities", []) or []
    )
    return message.get("text"), entities


def load_heldout(path: Path = HELDOUT_FILE) -> List[HeldOutExample]:
    with open(path, encoding="utf-8") as handle:
        items = yaml.safe_load(handle)
    return [
        HeldOutExample(
            intent=item["intent"],
            variants={variant: parse_markup(item[variant]) for variant in VARIANTS},
        )
        for item in items
    ]
