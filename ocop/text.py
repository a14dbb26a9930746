"""Vietnamese text normalisation shared by the NLU components and the actions.

Every comparison of Vietnamese text in the project goes through this module:

* ``normalize_word`` puts one word into NFC, the single tone-mark convention of
  ``underthesea.text_normalize`` ("hoà" -> "hòa", "qủa" -> "quả") and lower case;
* ``fold`` strips every diacritic ("đăng ký" -> "dang ky") so that a message typed
  without accents can be matched against the accented form;
* ``normalize_text`` applies both word by word to a whole phrase;
* ``FoldedText`` folds a text character by character and keeps a map back to the
  original offsets, for extractors that search the folded text but must report
  spans of the user's own text.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Text

from underthesea import text_normalize

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


@functools.lru_cache(maxsize=65536)
def normalize_word(word: Text) -> Text:
    """NFC, one tone-mark convention and lower case for a single word."""
    word = unicodedata.normalize("NFC", word).lower()
    if any(ch.isalpha() for ch in word):
        # text_normalize also splits punctuation off with spaces; keep the word whole.
        word = text_normalize(word).replace(" ", "")
    return word


@functools.lru_cache(maxsize=65536)
def fold(text: Text) -> Text:
    """Remove all Vietnamese diacritics (tone marks, hats, horns and đ)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def normalize_text(text: Text) -> Text:
    """Normalise every whitespace-separated word of ``text`` and join with spaces."""
    return " ".join(normalize_word(word) for word in text.split())


def has_diacritics(text: Text) -> bool:
    """True when ``text`` carries at least one Vietnamese diacritic."""
    return fold(text) != unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class FoldedText:
    """A lower-cased, diacritic-free copy of a text with a map to original offsets.

    ``text[i]`` comes from ``original[index[i]]``; combining marks of an NFD
    input are dropped and belong to the character before them.
    """

    original: Text
    text: Text
    index: List[int]

    @classmethod
    def of(cls, original: Text) -> "FoldedText":
        chars: List[Text] = []
        index: List[int] = []
        for position, char in enumerate(original):
            if unicodedata.combining(char):
                continue
            # Keep exactly one character per original one (a ligature keeps its first).
            chars.append((fold(char).lower() or " ")[0])
            index.append(position)
        return cls(original=original, text="".join(chars), index=index)

    def span(self, start: int, end: int) -> tuple:
        """Map ``[start, end)`` of the folded text to the original text."""
        original_start = self.index[start]
        if end < len(self.index):
            original_end = self.index[end]
        else:
            original_end = len(self.original)
        # Do not swallow whitespace that separated the span from what follows.
        while original_end > original_start and self.original[original_end - 1].isspace():
            original_end -= 1
        return original_start, original_end


def place_key(name: Optional[Text]) -> Text:
    """A place name compared without case, accents or extra spaces: "Xã Củ Chi" → "xa cu chi"."""
    return " ".join(fold(normalize_text(name or "")).split())
