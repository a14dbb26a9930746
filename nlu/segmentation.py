"""Split a Vietnamese message into words whose offsets point into the user's text.

The path for one message:

1. split the raw text into pieces: e-mail addresses, numbers with separators
   (``0987.654.321``, ``12/05/2025``), codes (``125/GCN-UBND``), words and
   punctuation, each with its offsets in the raw text;
2. normalise each piece (``ocop.text.normalize_word``) and expand abbreviations
   and teencode from ``abbreviations.yml`` ("dk" -> "đăng ký");
3. run ``underthesea.word_tokenize`` over the normalised sentence and join
   syllables into words ("đăng ký", "hợp tác xã") without ever splitting a
   piece of step 1, so numbers and codes stay whole.

Each resulting ``Word`` carries the normalised, accented text ("đăng_ký"), its
diacritic-free form ("dang ky") and the span of the raw text it came from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Text, Tuple

import regex
import yaml
from underthesea import word_tokenize

from ocop.text import fold, normalize_word

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.yml")

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


@dataclass(frozen=True)
class Piece:
    """One piece of the raw text and its normalised syllables."""

    start: int
    end: int
    kind: Text
    syllables: Tuple[Text, ...]


@dataclass(frozen=True)
class Word:
    """A word of the message: normalised text, folded text, raw span."""

    text: Text
    folded: Text
    start: int
    end: int
    is_symbol: bool


@functools.lru_cache(maxsize=8)
def load_abbreviations(path: Text = str(ABBREVIATIONS_FILE)) -> Dict[Text, Text]:
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
        if kind in ("email", "url", "number", "symbol"):
            syllables: Tuple[Text, ...] = (raw.lower(),)
        else:
            normalized = normalize_word(raw)
            expansion = table.get(normalized) if kind == "word" else None
            syllables = tuple(expansion.split()) if expansion else (normalized,)
        pieces.append(Piece(match.start(), match.end(), kind, syllables))
    return pieces


def _segment_boundaries(syllables: Sequence[Text]) -> Optional[List[int]]:
    """Character offsets (in the space-free concatenation) where words end."""
    words = word_tokenize(" ".join(syllables))
    ends: List[int] = []
    position = 0
    for word in words:
        position += len(word.replace(" ", ""))
        ends.append(position)
    if position != sum(len(s) for s in syllables):
        return None  # the segmenter changed characters: do not trust it
    return ends


def segment(text: Text, abbreviations: Optional[Dict[Text, Text]] = None) -> List[Word]:
    """Steps 1-3: the words of ``text`` with raw offsets."""
    pieces = split_pieces(text, abbreviations)
    if not pieces:
        return []
    syllables = [syllable for piece in pieces for syllable in piece.syllables]
    piece_ends: List[int] = []
    position = 0
    for piece in pieces:
        position += sum(len(s) for s in piece.syllables)
        piece_ends.append(position)

    segment_ends = _segment_boundaries(syllables)
    allowed = set(segment_ends) if segment_ends is not None else set(piece_ends)

    words: List[Word] = []
    group: List[Piece] = []
    for piece, piece_end in zip(pieces, piece_ends):
        group.append(piece)
        if piece_end in allowed or piece_end == position:
            words.append(_join(group))
            group = []
    return words


def _join(group: Sequence[Piece]) -> Word:
    syllables = [s for piece in group for s in piece.syllables]
    return Word(
        text="_".join(syllables),
        folded=" ".join(fold(s) for s in syllables),
        start=group[0].start,
        end=group[-1].end,
        is_symbol=all(piece.kind == "symbol" for piece in group),
    )
