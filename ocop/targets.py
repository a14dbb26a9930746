"""Targets per commune/ward (``data/targets/<province>.yml``) and how far each unit is from them.

The units are the province's current communes, wards and special zones
(``ocop.admin_units``, plus the file's ``extra_units``), each with the
former districts it was formed from. A unit's progress counts certificates
still in force (by star) whose holder's commune is that unit, and
pre-registrations still being worked on from producers of that unit.
The 4-star targets are per former district: a 4-star product counts for
every former district its current unit was formed from (a unit formed from
two districts is rare and shown as such).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Text, Tuple

import yaml
from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, select

from ocop.admin_units import admin_units
from ocop.storage.certificates import INACTIVE
from ocop.storage.db import Database
from ocop.storage.models import Certificate, PreRegistration, Producer
from ocop.text import normalize_text, place_key
from ocop.vietnam_time import vietnam_midnight

IN_PROGRESS = ("submitted", "reviewing", "needs_info", "waiting_claim")  # pre-registrations not yet decided
KINDS = {"phường": "ward", "xã": "commune", "đặc khu": "special_zone"}
KIND_LABELS = {"ward": "Phường", "commune": "Xã", "special_zone": "Đặc khu"}


@dataclass(frozen=True)
class Unit:
    name: Text  # "Xã Củ Chi"
    kind: Text  # ward, commune, special_zone
    former_districts: Tuple[Text, ...]

    @property
    def key(self) -> Text:
        return unit_key(self.name)


def unit_key(name: Optional[Text]) -> Text:
    """A current unit's name compared without case or extra spaces, accents kept: folding would make
    "Xã Thạnh An" (Cần Giờ) and "Xã Thanh An" (Dầu Tiếng) one."""
    return " ".join(normalize_text(name or "").lower().split())


@dataclass(frozen=True)
class Target:
    min_products: int
    goal_products: Optional[int] = None


@dataclass(frozen=True)
class TargetPlan:
    province: Text
    source: Text
    units: Tuple[Unit, ...]
    per_unit: Dict[Text, Target]
    overrides: Dict[Text, Target]
    four_star_urban: int
    four_star_rural: int

    def target(self, unit: Unit) -> Target:
        return self.overrides.get(unit.key) or self.per_unit[unit.kind]

    def four_star_target(self, district: Text) -> int:
        return self.four_star_rural if district.startswith("Huyện") else self.four_star_urban


def _kind(name: Text) -> Text:
    lowered = name.lower()
    for prefix, kind in KINDS.items():
        if lowered.startswith(prefix):
            return kind
    raise ValueError(f"unknown kind of unit: {name}")


def _target(raw: Dict) -> Target:
    return Target(int(raw["min_products"]), int(raw["goal_products"]) if raw.get("goal_products") else None)


@functools.lru_cache(maxsize=4)
def load_plan(path: Path) -> TargetPlan:
    """The targets file and the current units of its province."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    province = raw["province"]
    formed_from: Dict[Text, set] = defaultdict(set)
    for record in admin_units().wards:
        if record.new_province == province and record.new_ward:
            formed_from[record.new_ward].add(record.old_district)
    for extra in raw.get("extra_units") or []:
        formed_from[extra["name"]].update(extra.get("former_districts") or [])
    units = tuple(sorted((Unit(name, _kind(name), tuple(sorted(d for d in districts if d)))
                          for name, districts in formed_from.items()), key=lambda unit: unit.key))
    districts = raw.get("per_former_district") or {}
    return TargetPlan(
        province=province,
        source=raw.get("source", ""),
        units=units,
        per_unit={kind: _target(value) for kind, value in raw["per_unit"].items()},
        overrides={unit_key(name): _target(value) for name, value in (raw.get("overrides") or {}).items()},
        four_star_urban=int((districts.get("urban") or {}).get("min_four_star", 0)),
        four_star_rural=int((districts.get("rural") or {}).get("min_four_star", 0)),
    )


@dataclass
class UnitProgress:
    unit: Unit
    target: Target
    stars: Dict[int, int] = field(default_factory=dict)  # 3, 4, 5 → certified products in force
    in_progress: int = 0

    @property
    def certified(self) -> int:
        return sum(self.stars.values())

    @property
    def gap(self) -> int:
        """Products still missing to reach the minimum (0 when reached)."""
        return max(0, self.target.min_products - self.certified)

    @property
    def reached(self) -> bool:
        return self.gap == 0


@dataclass(frozen=True)
class DistrictProgress:
    district: Text
    units: Tuple[Text, ...]
    four_star: int
    target: int

    @property
    def gap(self) -> int:
        return max(0, self.target - self.four_star)


@dataclass(frozen=True)
class Progress:
    plan: TargetPlan
    units: List[UnitProgress]
    districts: List[DistrictProgress]
    unplaced_certificates: int  # in force, holder's commune unknown (no address in the import)
    registrations_by_month: List[Tuple[Text, int]]  # ("03/2026", n), oldest first


def progress(db: Database, plan: TargetPlan, today: dt.date, months: int = 12) -> Progress:
    """Every unit's certified products, registrations in progress and gap, plus the former districts."""
    province = place_key(plan.province)
    by_unit = {unit.key: UnitProgress(unit, plan.target(unit)) for unit in plan.units}
    unplaced = 0
    with db.session() as session:
        rows = session.execute(
            select(Certificate.ward, Certificate.star_rating, func.count())
            .where(Certificate.expiry_date >= today, Certificate.status.not_in(INACTIVE))
            .where((Certificate.province_key == province) | Certificate.province_key.is_(None))
            .group_by(Certificate.ward, Certificate.star_rating))
        for ward, stars, count in rows:
            found = by_unit.get(unit_key(ward))
            if found is None:
                unplaced += count
                continue
            found.stars[stars] = found.stars.get(stars, 0) + count
        rows = session.execute(
            select(Producer.ward, func.count()).select_from(PreRegistration)
            .join(Producer, PreRegistration.producer_id == Producer.id)
            .where(PreRegistration.status.in_(IN_PROGRESS), Producer.province_key == province)
            .group_by(Producer.ward))
        for ward, count in rows:
            if unit_key(ward) in by_unit:
                by_unit[unit_key(ward)].in_progress += count
        first = today.replace(day=1) - relativedelta(months=months - 1)
        starts = [first + relativedelta(months=n) for n in range(months + 1)]
        bounds = [vietnam_midnight(day) for day in starts]
        # One pass, counted in SQL: a bucket per month (boundaries are Vietnam's midnights, in UTC).
        buckets = [func.sum(case((and_(PreRegistration.created_at >= low, PreRegistration.created_at < high), 1),
                                 else_=0)) for low, high in zip(bounds, bounds[1:])]
        counted = session.execute(
            select(*buckets).select_from(PreRegistration).join(Producer, PreRegistration.producer_id == Producer.id)
            .where(PreRegistration.created_at >= bounds[0], Producer.province_key == province)).one()
    by_month = [(day.strftime("%m/%Y"), int(count or 0)) for day, count in zip(starts, counted)]
    return Progress(plan, list(by_unit.values()), _districts(plan, by_unit.values()), unplaced, by_month)


def _districts(plan: TargetPlan, units: Sequence[UnitProgress]) -> List[DistrictProgress]:
    members: Dict[Text, List[UnitProgress]] = defaultdict(list)
    for item in units:
        for district in item.unit.former_districts:
            members[district].append(item)
    return [DistrictProgress(district, tuple(item.unit.name for item in items),
                             sum(item.stars.get(4, 0) for item in items), plan.four_star_target(district))
            for district, items in sorted(members.items())]
