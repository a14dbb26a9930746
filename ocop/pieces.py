"""Raw pieces of a Vietnamese message, normalised, with abbreviations and teencode expanded.

Steps 1 and 2 of the text path (``nlu/segmentation.py`` does step 3, word
segmentation): the raw text is split into e-mail addresses, URLs, numbers
with separators (``0987.654.321``, ``12/05/2025``), codes (``125/GCN-UBND``),
words and punctuation, each with its offsets in the raw text; each word is
normalised (``ocop.text.normalize_word``) and expanded from
``abbreviations.yml`` ("dk" -> "đăng ký"). The NLU tokenizer and the form
validators share it, so both read "dk htx" the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Dict, List, Optional, Text, Tuple

import regex
import yaml

from ocop.text import normalize_word

ABBREVIATIONS_FILE = str(resources.files("ocop") / "abbreviations.yml")

_PIECE = regex.compile(
    r"""
    (?P<email>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)
  | (?P<url>https?://\S+)
  | (?P<number>\+?\d+(?:[.,/\-:]\d+)*(?![/\-]?[\w\p{M}]))
  | (?P<code>[\w\p{M}]+(?:[/\-][\w\p{M}]+)+)
  | (?P<word>[\w\p{M}]+)
  | (?P<symbol>[^\w\s\p{M}]+)
    """,
    regex.VERBOSE,
)
STAR_SYMBOLS = ("*", "★", "⭐")  # "4*", "5★": stars after a number read as "sao"


@dataclass(frozen=True)
class Piece:
    """One piece of the raw text and its normalised syllables."""

    start: int
    end: int
    kind: Text
    syllables: Tuple[Text, ...]


@functools.lru_cache(maxsize=8)
def load_abbreviations(path: Text = ABBREVIATIONS_FILE) -> Dict[Text, Text]:
    """Read the abbreviation table; keys and values are normalised."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    table: Dict[Text, Text] = {}
    for key, value in raw.items():
        table[normalize_word(str(key))] = " ".join(
            normalize_word(part) for part in str(value).split()
        )
    return table


def split_pieces(text: Text, abbreviations: Optional[Dict[Text, Text]] = None) -> List[Piece]:
    """Steps 1 and 2: raw pieces with offsets, normalised and expanded."""
    table = load_abbreviations() if abbreviations is None else abbreviations
    pieces: List[Piece] = []
    for match in _PIECE.finditer(text):
        kind = match.lastgroup or "word"
        raw = match.group()
        syllables: Tuple[Text, ...]
        if kind == "symbol" and raw.startswith(STAR_SYMBOLS) and _follows_number(pieces, text, match.start()):
            kind, syllables = "word", ("sao",)
        elif kind in ("email", "url", "number", "symbol"):
            syllables = (raw.lower(),)
        else:
            normalized = normalize_word(raw)
            expansion = table.get(normalized) if kind == "word" else None
            syllables = tuple(expansion.split()) if expansion else (normalized,)
        pieces.append(Piece(match.start(), match.end(), kind, syllables))
    return pieces




def _follows_number(pieces: List[Piece], text: Text, start: int) -> bool:
    """Whether the piece starting at ``start`` comes right after a number (one space allowed)."""
    return bool(pieces) and pieces[-1].kind == "number" and not text[pieces[-1].end:start].strip()
