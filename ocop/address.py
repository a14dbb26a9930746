"""Read a free-text Vietnamese address into street, commune/ward and province.

Since 1/7/2025 there are no districts and many communes were merged. A
producer may write either the current units ("xã Củ Chi, TP. Hồ Chí Minh") or
the former ones ("xã Tân Thông Hội, huyện Củ Chi"), with or without accents and
with abbreviations ("p.5 q.8 tphcm"). Current units are recognised directly
from ``underthesea.address``'s tables; former ones are converted with
``underthesea.address.convert_address`` and the result is marked as converted
so that the producer can confirm it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Pattern, Text, Tuple

from ocop.admin_units import admin_units
from ocop.text import fold, has_diacritics

_UNIT_PREFIXES = {
    "p": "phường", "q": "quận", "h": "huyện", "x": "xã",
    "tp": "thành phố", "tx": "thị xã", "tt": "thị trấn", "t": "tỉnh",
}
# "p.5", "q1", "tp.hcm", "tx ": unit abbreviations written by hand.
_ABBREVIATED_UNIT = re.compile(r"(?<![\w])(tp|tx|tt|p|q|h|x|t)(?:\.\s*|\s+(?=\d)|(?=\d))", re.IGNORECASE)
_HCMC_ALIASES = ("thanh pho hcm", "tphcm", "hcm", "sai gon", "sg", "thanh pho sai gon", "tp hcm")


@dataclass(frozen=True)
class Address:
    """An address in the current administrative units."""

    street: Text
    ward: Text
    province: Text
    original: Text
    converted: bool  # True when the producer wrote former units
    note: Text = ""

    @property
    def full(self) -> Text:
        return ", ".join(part for part in (self.street, self.ward, self.province) if part)


@functools.lru_cache(maxsize=1)
def _tables() -> Tuple[Dict[Text, Text], Dict[Text, Text], Dict[Tuple[Text, Text], Text]]:
    """Folded names → accented names: provinces (old and new), all units, current wards."""
    tables = admin_units()
    provinces: Dict[Text, Text] = {}
    for province in tables.provinces:
        provinces[fold(province.name).lower()] = province.name
        provinces.setdefault(fold(province.short).lower(), province.name)
    hcmc = provinces["thanh pho ho chi minh"]
    for alias in _HCMC_ALIASES:
        provinces[alias] = hcmc
    units: Dict[Text, Text] = {}
    current: Dict[Tuple[Text, Text], Text] = {}
    for record in tables.wards:
        for name in (record.old_ward, record.old_district, record.new_ward):
            if name:
                units.setdefault(fold(name).lower(), name)
        if record.new_ward and record.new_province:
            current[(fold(record.new_province).lower(), fold(record.new_ward).lower())] = record.new_ward
    units.update(provinces)
    return provinces, units, current


def _pattern(phrases: List[Text]) -> Pattern[Text]:
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


@functools.lru_cache(maxsize=1)
def _patterns() -> Tuple[Pattern[Text], Pattern[Text]]:
    provinces, units, _ = _tables()
    return _pattern(list(provinces)), _pattern(list(units))


def _expand_units(text: Text) -> Text:
    return _ABBREVIATED_UNIT.sub(lambda m: _UNIT_PREFIXES[m.group(1).lower()] + " ", text)


def _restore_accents(text: Text) -> Text:
    """Put the accents back on unit names of an address typed without them."""
    provinces, units, _ = _tables()
    _, unit_pattern = _patterns()
    folded = " ".join(fold(_expand_units(text)).lower().split())
    restored = unit_pattern.sub(lambda m: ", " + units[m.group()] + ",", folded)
    return re.sub(r"\s*,[\s,]*", ", ", restored).strip(" ,")


def _current_units(text: Text) -> Optional[Tuple[Text, Text, int]]:
    """(ward, province, start of the ward) when ``text`` names a current ward of a current province."""
    provinces, _, current = _tables()
    province_pattern, _ = _patterns()
    folded = fold(text).lower()
    province = None
    for match in province_pattern.finditer(folded):
        province = provinces[match.group()]
    if province is None:
        return None
    province_key = fold(province).lower()
    best = None
    for (prov, ward_key), ward in current.items():
        if prov != province_key:
            continue
        at = re.search(rf"(?<![\w]){re.escape(ward_key)}(?![\w])", folded)
        if at and (best is None or len(ward_key) > len(fold(best[0]))):
            best = (ward, province, at.start())
    return best


def parse_address(text: Text) -> Optional[Address]:
    """The address in current units, or None when no commune/ward and province were found."""
    original = " ".join(text.split())
    if not original or len(original) > 300:
        return None
    working = ", ".join(
        _expand_units(part) if has_diacritics(part) else _restore_accents(part)
        for part in original.split(",")
    )
    working = re.sub(r"\s*,[\s,]*", ", ", " ".join(working.split())).strip(" ,")
    found = _current_units(working)
    if found is not None:
        ward, province, start = found
        street = working[:start].strip(" ,;-")
        return Address(street=street, ward=ward, province=province, original=original, converted=False)
    from underthesea.address import ConversionStatus, convert_address

    result = convert_address(working)
    if result.status is not ConversionStatus.SUCCESS or not result.new.ward or not _district_agrees(result):
        return None
    street = result.new.street or ""
    note = "Xã/phường cũ đã được chia tách; vui lòng kiểm tra lại." if result.note else ""
    return Address(
        street=street[:1].upper() + street[1:],
        ward=result.new.ward,
        province=result.new.province,
        original=original,
        converted=True,
        note=note,
    )


def _district_agrees(result: Any) -> bool:
    """Whether the former ward was found in the former district the producer named.

    When the (province, district, ward) triple is unknown, the converter matches
    the ward's name in any district of the province: "phường 7, quận 3" (merged
    into phường Võ Thị Sáu in 2020) would become quận 8's phường 7. Such a guess
    names the wrong office, so it counts as not found.
    """
    if not result.old.district:
        return True
    from underthesea.address import converter

    try:  # the converter's own index (underthesea is pinned in requirements.lock; a test covers this)
        province = converter._resolve_province(result.old.province) or converter._resolve_province(result.old.district)
        key = (province, converter.normalize_key(result.old.district), converter.normalize_key(result.old.ward))
        return key in converter._index["exact"]
    except (AttributeError, KeyError, TypeError):
        return True


# Where a place starts in a sentence ("tôi ở xã Bình Mỹ, Củ Chi thì nộp ở đâu"): a unit word.
_PLACE_START = re.compile(r"(?<![\w])(xa|phuong|thi tran|dac khu|huyen|quan|thi xa|p|x|tt)(?:[\s.]+|(?=\d))(?=[\w])")
# Where it ends: the rest of the question.
_PLACE_END = re.compile(
    r"\?|(?<![\w])(thi|nop|ho so|dang ky|dang ki|lam ocop|o dau|cho ai|o uy ban|uy ban nao|den|lien he"
    r"|muon|gui|vay|a|nhe)(?![\w])"
)
_SPLIT_UNITS = re.compile(r"\s+(?=(huyen|quan|thi xa|thanh pho|tp|tinh)(?![\w]))")


def find_place(text: Text, default_province: Text) -> Optional[Address]:
    """The commune/ward a sentence names, in the current units, or None.

    ``text`` may be a whole question, in the current or the former units, with or
    without the province; without it, ``default_province`` (the deployment's own) is tried.
    """
    original = " ".join(str(text).split())[:300]
    folded = fold(original).lower()
    candidates = [original]
    start = _PLACE_START.search(folded)
    if start is not None and len(folded) == len(original):
        end = next((m for m in _PLACE_END.finditer(folded, start.end())
                    if original[m.start():m.end()].lower() != "thị"), None)  # "Võ Thị Sáu" is a name
        span = _expand_units(original[start.start(): end.start() if end else len(original)].strip(" ,.;"))
        # "p tân định", "tt củ chi": a unit written as its abbreviation and a space, at the start of the place.
        unit = re.match(r"(tp|tx|tt|p|q|h|x)\s+(?=\D)", span, re.IGNORECASE)
        if unit:
            span = _UNIT_PREFIXES[unit.group(1).lower()] + " " + span[unit.end():]
        # "phường 7 quận 3" → "phường 7, quận 3": the converter reads units separated by commas.
        folded_span = fold(span).lower()
        cuts = [m.start() for m in _SPLIT_UNITS.finditer(folded_span)] if len(folded_span) == len(span) else []
        for cut in reversed(cuts):
            if span[:cut].rstrip().endswith(","):
                continue
            span = span[:cut].rstrip() + ", " + span[cut:].lstrip()
        candidates.insert(0, span)
    for candidate in candidates:
        for attempt in (candidate, f"{candidate}, {default_province}"):
            found = parse_address(attempt)
            if found is not None:
                return found
    return None
