"""Jinja filters: dates dd/mm/yyyy in Vietnam's time, numbers with Vietnamese separators."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict

from ocop.vietnam_time import local_time


def date_vn(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return local_time(value).strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def datetime_vn(value: Any) -> str:
    return local_time(value).strftime("%d/%m/%Y %H:%M") if value else ""


def number_vn(value: Any) -> str:
    return f"{int(value):,}".replace(",", ".")


FILTERS: Dict[str, Callable[[Any], str]] = {"date_vn": date_vn, "datetime_vn": datetime_vn, "number_vn": number_vn}
