"""Vietnamese time (UTC+7, no daylight saving) for everything officers and producers read.

Datetimes are stored in UTC; SQLite gives them back without a time zone,
which ``as_utc`` puts back.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

VIETNAM = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")


def as_utc(moment: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """A naive datetime read back from SQLite is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


def local_time(moment: dt.datetime) -> dt.datetime:
    return as_utc(moment).astimezone(VIETNAM)


def local_now(now: Optional[dt.datetime] = None) -> dt.datetime:
    return local_time(now or dt.datetime.now(dt.timezone.utc))


def vietnam_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Vietnam, in UTC (to compare with stored datetimes)."""
    return dt.datetime.combine(day, dt.time(), VIETNAM).astimezone(dt.timezone.utc)
