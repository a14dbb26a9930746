"""An indicative star self-check built from the official criteria (``data/criteria/``).

Each file of ``data/criteria/`` is one product set (bộ sản phẩm) of Phụ lục II
of QĐ 26/2026/QĐ-TTg: parts A (40 points), B (25) and C (35), each criterion
with its answer options, their points, and the star level an option is the
minimum for ("***" for 3 stars). The self-check asks a few criteria per part:
every criterion with a 3-star minimum, then the heaviest ones. Each part is
estimated from the share of points reached on the criteria asked, the total
gives the star band (Điều 3), and the criteria with the largest estimated gain
are suggested. A missed 3-star minimum caps the result: the product would not
be recognised whatever its score.

Criteria whose points in the source are missing or above the criterion's
maximum, and criteria whose options depend on a case (tourism), are never
asked. A product set with a part that has no criterion left gets no self-check.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Text, Tuple

import yaml

from ocop.settings import get_settings
from ocop.text import fold

QUESTIONS_PER_PART = 3
PART_TITLES = {"A": "Sản phẩm và sức mạnh cộng đồng", "B": "Khả năng tiếp thị", "C": "Chất lượng sản phẩm"}
# Điều 3 khoản 3: the lowest average total of each star.
STAR_FLOORS = ((90, 5), (70, 4), (50, 3), (30, 2), (0, 1))
YES = ("co", "roi", "da co", "da", "yes", "ok", "vang", "da co roi", "co roi", "u")
NO = ("khong", "ko", "k", "chua", "no", "hok", "khong co", "chua co", "kg")


@dataclass(frozen=True)
class Option:
    text: Text
    points: int
    min_star: Optional[int] = None  # this option is the minimum for that star level


@dataclass(frozen=True)
class Criterion:
    id: Text
    part: Text
    text: Text
    max_points: int
    options: Tuple[Option, ...]

    @property
    def three_star_minimum(self) -> Optional[int]:
        """The points an answer needs for 3 stars, when the criterion sets a minimum."""
        floors = [o.points for o in self.options if o.min_star == 3]
        return min(floors) if floors else None


@dataclass(frozen=True)
class CriteriaSet:
    key: Text
    name: Text
    product_group: Text
    document: Text
    url: Text
    part_max: Dict[Text, int]
    questions: Tuple[Criterion, ...]  # the criteria asked, part by part

    @property
    def supported(self) -> bool:
        return all(any(q.part == part for q in self.questions) for part in self.part_max)


@dataclass(frozen=True)
class Suggestion:
    criterion: Criterion
    current: Option
    better: Option
    gain: float


@dataclass(frozen=True)
class Result:
    score: int
    star: int
    part_scores: Dict[Text, float]
    missed_minimums: Tuple[Criterion, ...]
    suggestions: Tuple[Suggestion, ...]

    @property
    def recognised_star(self) -> int:
        """The star the answers point to, at most 2 while a 3-star minimum is missed."""
        return min(self.star, 2) if self.missed_minimums else self.star


def star_for(score: float) -> int:
    """The star band of an average total score (Điều 3 khoản 3): 49 → 2, 50 → 3, 89 → 4, 90 → 5."""
    for floor, star in STAR_FLOORS:
        if score >= floor:
            return star
    return 1


def _nodes(node: Dict[Text, Any]) -> Iterator[Dict[Text, Any]]:
    """Every criterion under a part or heading: the nodes that have answer options."""
    if node.get("levels"):
        yield node
    for child in node.get("groups") or []:
        yield from _nodes(child)
    for child in node.get("criteria") or []:
        yield from _nodes(child)


def _criterion(part: Text, node: Dict[Text, Any]) -> Optional[Criterion]:
    """The criterion, or None when the source's points cannot be used as they are."""
    maximum = node.get("max_points")
    levels = node.get("levels") or []
    if not isinstance(maximum, int) or len(levels) < 2:
        return None
    options = []
    for level in levels:
        points = level.get("points")
        if not isinstance(points, int) or points > maximum or level.get("case"):
            return None
        options.append(Option(text=str(level["text"]), points=points, min_star=level.get("min_for_star")))
    if max(o.points for o in options) != maximum:
        return None
    return Criterion(id=str(node["id"]), part=part, text=str(node["text"]), max_points=maximum, options=tuple(options))


def _choose(criteria: Sequence[Criterion]) -> List[Criterion]:
    """The 3-star minimums first, then the heaviest criteria, up to QUESTIONS_PER_PART (more only for minimums)."""
    minimums = [c for c in criteria if c.three_star_minimum is not None]
    rest = sorted((c for c in criteria if c.three_star_minimum is None), key=lambda c: -c.max_points)
    chosen = minimums + rest[: max(0, QUESTIONS_PER_PART - len(minimums))]
    order = {c.id: i for i, c in enumerate(criteria)}
    return sorted(chosen, key=lambda c: order[c.id])


def parse_set(raw: Dict[Text, Any], key: Text) -> CriteriaSet:
    part_max: Dict[Text, int] = {}
    questions: List[Criterion] = []
    for part in raw["parts"]:
        name = str(part["part"])
        part_max[name] = int(part["max_points"])
        usable = [c for c in (_criterion(name, n) for n in _nodes(part)) if c is not None]
        questions.extend(_choose(usable))
    source = raw.get("source") or {}
    return CriteriaSet(
        key=key,
        name=str(raw["name"]),
        product_group=str(raw["product_group"]),
        document=str(source.get("document") or ""),
        url=str(source.get("url") or ""),
        part_max=part_max,
        questions=tuple(questions),
    )


def load_sets(directory: Optional[Path] = None) -> Dict[Text, CriteriaSet]:
    return _load_sets(str(directory or get_settings().data_dir / "criteria"))


@functools.lru_cache(maxsize=4)
def _load_sets(directory: Text) -> Dict[Text, CriteriaSet]:
    sets: Dict[Text, CriteriaSet] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        if path.name.startswith("_"):
            continue
        with open(path, encoding="utf-8") as handle:
            sets[path.stem] = parse_set(yaml.safe_load(handle), path.stem)
    return sets


def sets_of_group(product_group: Text, directory: Optional[Path] = None) -> List[CriteriaSet]:
    return [s for s in load_sets(directory).values() if s.product_group == product_group]


def read_option(criterion: Criterion, text: Text) -> Optional[int]:
    """The option index an answer picks: its number, its words, or "có"/"không" for a two-way question."""
    folded = " ".join(fold(text).lower().replace(".", " ").replace(",", " ").split())
    number = re.fullmatch(r"(?:so |muc |chon )?(\d{1,2})", folded)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < len(criterion.options) else None
    for index, option in enumerate(criterion.options):
        if folded and folded == " ".join(fold(option.text).lower().split()):
            return index
    zero = [i for i, o in enumerate(criterion.options) if o.points == 0]
    if len(criterion.options) == 2 and len(zero) == 1:
        if folded in NO:
            return zero[0]
        if folded in YES:
            return 1 - zero[0]
    return None


def score(criteria_set: CriteriaSet, answers: Sequence[int]) -> Result:
    """The indicative result of one answer (option index) per question, in order."""
    got: Dict[Text, int] = {}
    asked: Dict[Text, int] = {}
    chosen = list(zip(criteria_set.questions, answers))
    for criterion, index in chosen:
        got[criterion.part] = got.get(criterion.part, 0) + criterion.options[index].points
        asked[criterion.part] = asked.get(criterion.part, 0) + criterion.max_points
    part_scores = {
        part: maximum * got.get(part, 0) / asked[part]
        for part, maximum in criteria_set.part_max.items()
        if asked.get(part)
    }
    total = int(sum(part_scores.values()) + 0.5)
    missed = tuple(
        c for c, i in chosen if c.three_star_minimum is not None and c.options[i].points < c.three_star_minimum
    )
    suggestions = []
    for criterion, index in chosen:
        current = criterion.options[index]
        better = [o for o in criterion.options if o.points > current.points]
        if not better:
            continue
        if criterion in missed:  # the lowest option that meets the 3-star minimum
            target = min((o for o in better if o.points >= (criterion.three_star_minimum or 0)), key=lambda o: o.points)
        else:
            target = max(better, key=lambda o: o.points)
        weight = criteria_set.part_max[criterion.part] / asked[criterion.part]
        suggestions.append(Suggestion(criterion, current, target, (target.points - current.points) * weight))
    suggestions.sort(key=lambda s: (s.criterion not in missed, -s.gain))
    return Result(
        score=total,
        star=star_for(total),
        part_scores=part_scores,
        missed_minimums=missed,
        suggestions=tuple(suggestions[:3]),
    )
