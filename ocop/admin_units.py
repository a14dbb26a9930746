"""Vietnam's administrative units before and after 1/7/2025, from underthesea's tables.

``underthesea.address`` converts an address but exposes no API for its tables;
this adapter reads the data file the package ships (``data/mapping.json``)
once and hands the rest of the project one typed view of it. Nothing else
touches underthesea's internals.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Tuple


@dataclass(frozen=True)
class Province:
    name: str  # "Thành phố Hồ Chí Minh"
    short: str  # "Hồ Chí Minh"
    current: bool  # False: a province that existed before 1/7/2025


@dataclass(frozen=True)
class WardMapping:
    """One former commune-level unit and the current one it became part of."""

    old_province: str
    old_district: str
    old_ward: str
    new_province: str
    new_ward: str


@dataclass(frozen=True)
class AdminUnits:
    provinces: Tuple[Province, ...]
    wards: Tuple[WardMapping, ...]


@functools.lru_cache(maxsize=1)
def admin_units() -> AdminUnits:
    """Every province (former and current) and every former → current ward mapping."""
    raw = json.loads((resources.files("underthesea.address") / "data" / "mapping.json").read_text(encoding="utf-8"))
    provinces = tuple(
        Province(info["name"], info["short"], current)
        for table, current in (("old_province_names", False), ("province_names", True))
        for info in raw[table].values()
    )
    wards = tuple(
        WardMapping(r.get("old_province") or "", r.get("old_district") or "", r.get("old_ward") or "",
                    r.get("new_province") or "", r.get("new_ward") or "")
        for r in raw["ward_mapping"]
    )
    return AdminUnits(provinces, wards)
