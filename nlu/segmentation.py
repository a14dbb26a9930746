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

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Text

from underthesea import word_tokenize

from ocop.pieces import ABBREVIATIONS_FILE, Piece, load_abbreviations, split_pieces
from ocop.text import fold

__all__ = ["ABBREVIATIONS_FILE", "Word", "load_abbreviations", "segment", "split_pieces"]

@dataclass(frozen=True)
class Word:
    """A word of the message: normalised text, folded text, raw span."""

    text: Text
    folded: Text
    start: int
    end: int
    is_symbol: bool


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
