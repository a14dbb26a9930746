"""Rasa entity extractor for the structured values producers type.

Registered as a graph component; use it in ``config.yml`` as
``nlu.entity_extractor.VietnameseEntityExtractor``.

Like Rasa's ``RegexEntityExtractor`` it learns its patterns from the training
data (``regex:``, ``lookup:`` and ``synonym:`` entries of ``data/nlu.yml``), but:

* it searches a folded copy of the message (lower case, no diacritics), so
  "hop tac xa", "hợp tác xã" and "HTX" all match, and reports spans of the
  user's original text;
* lookup entries become canonical values through the synonyms ("htx" ->
  ``hop_tac_xa``; "bốn sao" -> ``4``);
* a 10-digit number that could be a phone or a tax code is decided by the
  words around it ("mst", "số điện thoại", "zalo" …) and then by its shape
  (``phonenumbers``);
* commune-level units ("phường Tân Định", "xã Củ Chi") are matched against the
  names of current and former units shipped with ``underthesea.address``;
* overlapping matches keep the longest.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Pattern, Sequence, Text, Tuple

import phonenumbers
import regex
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from ocop.admin_units import admin_units
from ocop.text import FoldedText, fold, has_diacritics, normalize_text

logger = logging.getLogger(__name__)

PHONE = "phone"
TAX_CODE = "tax_code"
WARD = "ward"
# Lookup of phrases that contain entity words but are no entity; they win
# overlaps and are then dropped.
BLOCKER = "not_an_entity"

# Words that say what a number is, folded. Nearest one before the number wins.
DEFAULT_CUES: Dict[Text, List[Text]] = {
    TAX_CODE: [
        "mst", "ma so thue", "ma thue", "thue", "ma so doanh nghiep", "msdn",
        "ma doanh nghiep", "ma so", "dang ky kinh doanh", "dkkd", "dang ky doanh nghiep",
        "gpkd", "giay phep", "chi nhanh", "cccd", "can cuoc", "dinh danh", "cmnd", "so dkkd",
    ],
    PHONE: [
        "sdt", "so dien thoai", "dien thoai", "dt", "dthoai", "goi", "lien he",
        "lien lac", "zalo", "hotline", "so may", "phone", "di dong", "nhan tin",
        "sim", "so dt", "alo",
    ],
}
WARD_UNITS = ("phuong", "xa", "dac khu", "thi tran")


@dataclass(frozen=True)
class Candidate:
    """One match in the folded text."""

    entity: Text
    start: int
    end: int
    value: Optional[Text] = None


@functools.lru_cache(maxsize=1)
def _ward_names() -> Tuple[Text, ...]:
    """Folded names of current and former commune-level units."""
    names = set()
    for record in admin_units().wards:
        for full in (record.new_ward, record.old_ward):
            parts = full.split(" ", 1)
            if len(parts) == 2 and fold(parts[0]).lower() in ("phuong", "xa", "thi"):
                name = parts[1]
                if parts[0].lower() == "thị" and name.lower().startswith("trấn "):
                    name = name[5:]
                names.add(fold(name).lower())
    return tuple(sorted(names, key=len, reverse=True))


def _phrase_pattern(phrases: Iterable[Text]) -> Optional[Pattern[Text]]:
    """One regex matching any folded phrase as whole words, longest first."""
    alternatives = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(
        r"\s*".join(re.escape(w).replace(r"\-", "[-–—]") for w in p.split()) if " - " in p
        else r"\s+".join(re.escape(w) for w in p.split())
        for p in alternatives
    )
    return regex.compile(rf"(?<![\w@.])(?:{body})(?![\w@])")


def _digits(text: Text) -> Text:
    return re.sub(r"\D", "", text)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class VietnameseEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts entities via folded regexes, lookups, synonyms and context cues."""

    PATTERNS_FILE = "vietnamese_entities.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config."""
        return {
            # Extract commune-level units with underthesea.address's names.
            "wards": True,
            # Characters before a number searched for a cue word.
            "cue_window": 40,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        patterns: Optional[Dict[Text, Any]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._patterns: Dict[Text, Any] = patterns or {"regexes": [], "lexicon": {}}
        self._compile()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseEntityExtractor:
        """Creates a new untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> VietnameseEntityExtractor:
        """Loads the patterns learned in training."""
        try:
            with model_storage.read_from(resource) as directory:
                patterns = json.loads(
                    (directory / cls.PATTERNS_FILE).read_text(encoding="utf-8")
                )
        except (ValueError, FileNotFoundError):
            logger.warning("No trained patterns for %s; extracting nothing.", cls.__name__)
            patterns = None
        return cls(config, model_storage, resource, patterns)

    def train(self, training_data: TrainingData) -> Resource:
        """Collect regexes, lookup tables and synonyms for the known entities."""
        self._patterns = learn_patterns(training_data, set(training_data.entities))
        self._compile()
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.PATTERNS_FILE).write_text(
                json.dumps(self._patterns, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def _compile(self) -> None:
        self._regexes = [
            (item["name"], re.compile(item["pattern"], re.IGNORECASE))
            for item in self._patterns["regexes"]
        ]
        self._lookups = {
            name: (_phrase_pattern(entries), entries)
            for name, entries in self._patterns["lexicon"].items()
        }
        self._cues = {kind: _phrase_pattern(words) for kind, words in DEFAULT_CUES.items()}
        self._ward_pattern: Optional[Pattern[Text]] = None

    def _wards(self) -> Optional[Pattern[Text]]:
        if self._ward_pattern is None and self._config["wards"]:
            units = "|".join(r"\s+".join(u.split()) for u in WARD_UNITS)
            names = _phrase_pattern(_ward_names())
            if names is not None:
                self._ward_pattern = re.compile(
                    rf"(?<!\w)(?:{units})\.?\s*(?:{names.pattern})"
                )
        return self._ward_pattern

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the entities found in each message."""
        for message in messages:
            entities = self.extract(message.get(TEXT) or "")
            entities = self.add_extractor_name(entities)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        """Entities of ``text`` as Rasa entity dicts (spans of ``text``)."""
        if not text.strip():
            return []
        folded = FoldedText.of(text)
        candidates = list(self._regex_candidates(folded.text))
        candidates.extend(self._lookup_candidates(folded))
        ward_pattern = self._wards()
        if ward_pattern is not None:
            candidates.extend(
                Candidate(WARD, m.start(), m.end()) for m in ward_pattern.finditer(folded.text)
            )
        kept = _longest_non_overlapping(candidates)
        entities = []
        for candidate in kept:
            if candidate.entity == BLOCKER:
                continue
            start, end = folded.span(candidate.start, candidate.end)
            raw = text[start:end]
            entities.append(
                {
                    "entity": candidate.entity,
                    "start": start,
                    "end": end,
                    "value": candidate.value if candidate.value is not None else raw,
                }
            )
        return entities

    def _regex_candidates(self, folded: Text) -> Iterable[Candidate]:
        numbers: Dict[Tuple[int, int], Candidate] = {}
        for name, pattern in self._regexes:
            for match in pattern.finditer(folded):
                start, end = match.span()
                if start == end:
                    continue
                if name in (PHONE, TAX_CODE):
                    span = (start, end)
                    if span not in numbers:
                        numbers[span] = self._classify_number(folded, start, end)
                    continue
                value = _star_value(match.group()) if name == "star_rating" else None
                yield Candidate(name, start, end, value)
        yield from numbers.values()

    def _lookup_candidates(self, folded: FoldedText) -> Iterable[Candidate]:
        for name, (pattern, entries) in self._lookups.items():
            if pattern is None:
                continue
            for match in pattern.finditer(folded.text, overlapped=True):
                entry = entries.get(_fold_phrase(match.group()))
                if entry is None:
                    continue
                start, end = folded.span(match.start(), match.end())
                raw = folded.original[start:end]
                # Typed with diacritics: they must be the entry's own ("đánh giá lại"
                # is not "Gia Lai").
                accented_forms = [f for f in entry["forms"] if has_diacritics(f)]
                if has_diacritics(raw) and accented_forms and _normalize_phrase(raw) not in accented_forms:
                    continue
                yield Candidate(name, match.start(), match.end(), entry["value"])

    def _classify_number(self, folded: Text, start: int, end: int) -> Candidate:
        """Phone or tax code, from the cue words nearby and the number's shape."""
        raw = folded[start:end]
        digits = _digits(raw)
        cue = _certain_shape(raw, digits) or self._nearest_cue(folded, start, end)
        if cue is None:
            cue = _shape(raw, digits)
        value = digits if cue == PHONE else _tax_value(raw)
        return Candidate(cue, start, end, value)

    def _nearest_cue(self, folded: Text, start: int, end: int) -> Optional[Text]:
        window = self._config["cue_window"]
        before = folded[max(0, start - window) : start]
        best: Optional[Tuple[int, Text]] = None
        for kind, pattern in self._cues.items():
            if pattern is None:
                continue
            for match in pattern.finditer(before):
                if best is None or match.end() > best[0]:
                    best = (match.end(), kind)
        if best is not None:
            # A number between the cue and this one belongs to the cue instead.
            between = before[best[0] :]
            if not re.search(r"\d{6,}", between):
                return best[1]
        after = folded[end : end + 20]
        for kind, pattern in self._cues.items():
            if pattern is not None and pattern.search(after):
                return kind
        return None


def _certain_shape(raw: Text, digits: Text) -> Optional[Text]:
    """Shapes only one kind has, whatever the words around them say."""
    if raw.startswith("+"):
        return PHONE
    if re.fullmatch(r"\d{10}\s?-\s?\d{3}", raw) or re.fullmatch(r"\d{12}", raw):
        return TAX_CODE
    return None


def learn_patterns(training_data: TrainingData, entities: Iterable[Text]) -> Dict[Text, Any]:
    """Regexes and folded lookups (with canonical values) of ``entities``."""
    entities = set(entities)
    synonyms = {
        _fold_phrase(text): value for text, value in training_data.entity_synonyms.items()
    }
    regexes = [
        {"name": item["name"], "pattern": item["pattern"]}
        for item in training_data.regex_features
        if item["name"] in entities
    ]
    lexicon: Dict[Text, Dict[Text, Dict[Text, Any]]] = {}
    for table in training_data.lookup_tables:
        if table["name"] not in entities and table["name"] != BLOCKER:
            continue
        entries = lexicon.setdefault(table["name"], {})
        for element in table["elements"]:
            key = _fold_phrase(element)
            entry = entries.setdefault(key, {"value": synonyms.get(key, element), "forms": []})
            entry["forms"].append(_normalize_phrase(element))
    return {"regexes": regexes, "lexicon": lexicon}


def _shape(raw: Text, digits: Text) -> Text:
    """Decide phone vs tax code without cue words."""
    if len(digits) == 11 and digits.startswith("0"):
        return PHONE
    if not digits.startswith("0"):
        return TAX_CODE
    if re.search(r"[\s.]", raw):
        return PHONE
    try:
        parsed = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException:
        return TAX_CODE
    return PHONE if phonenumbers.is_valid_number(parsed) else TAX_CODE


def _tax_value(raw: Text) -> Text:
    match = re.fullmatch(r"\s*(\d{10})\s*-\s*(\d{3})\s*", raw)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    return _digits(raw)


_STAR_WORDS = {"mot": "1", "hai": "2", "ba": "3", "bon": "4", "nam": "5"}


def _star_value(matched: Text) -> Optional[Text]:
    digit = re.search(r"[1-5]", matched)
    if digit:
        return digit.group()
    for word, value in _STAR_WORDS.items():
        if re.search(rf"\b{word}\b", matched):
            return value
    return None


def _normalize_phrase(text: Text) -> Text:
    """Normalised words, single spaces, one kind of dash."""
    return re.sub(r"\s*[-–—]\s*", " - ", " ".join(normalize_text(text).split()))


def _fold_phrase(text: Text) -> Text:
    """Lookup keys: the normalised phrase without diacritics."""
    return fold(_normalize_phrase(text))


def _longest_non_overlapping(candidates: Sequence[Candidate]) -> List[Candidate]:
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start))
    kept: List[Candidate] = []
    for candidate in ordered:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)
