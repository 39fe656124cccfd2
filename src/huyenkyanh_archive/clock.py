"""Time, in one place: UTC stamps for what the program does, Vietnam days for what articles say.

The archive stamps its own actions (fetches, runs, discoveries) in UTC
(:func:`utc_now`); articles are dated in Vietnam time, UTC+7 all year
(:data:`VN_TZ`), and researchers ask for days, months or years of those
dates (:func:`day_bound`, :func:`parse_day`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from .errors import QueryError

__all__ = ["VN_TZ", "utc_now", "vn_today", "day_bound", "parse_day", "wayback_to_iso"]

VN_TZ = timezone(timedelta(hours=7))

_PERIOD_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def utc_now() -> str:
    """Now, as the archive stamps its rows: ISO 8601 UTC with microseconds and ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def vn_today(days_ago: float = 0.0) -> date:
    """Today's date in Vietnam (minus ``days_ago``): what "published recently" is measured against."""
    return (datetime.now(VN_TZ) - timedelta(days=days_ago)).date()


def day_bound(value: str | None, *, upper: bool, option: str) -> str | None:
    """A ``--since``/``--until`` value as a full day ``YYYY-MM-DD``.

    ``YYYY`` and ``YYYY-MM`` widen to the period's first day (``upper=False``)
    or last day (``upper=True``), so ``--until 2023-02`` keeps all of February.
    """
    if value is None:
        return None
    value = value.strip()
    if not _PERIOD_RE.match(value):
        raise QueryError(f"{option} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        first = date(int(value[:4]), int(value[5:7] or 1), int(value[8:10] or 1))
    except ValueError:
        raise QueryError(f"{option} {value!r}: no such date") from None
    if not upper or len(value) == 10:
        return first.isoformat()
    if len(value) == 4:
        return f"{value}-12-31"
    next_month = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (next_month - timedelta(days=1)).isoformat()


def parse_day(value: str | None, *, option: str = "--since") -> date | None:
    """``YYYY[-MM[-DD]]`` as the first day of that period (None stays None)."""
    bound = day_bound(value, upper=False, option=option)
    return date.fromisoformat(bound) if bound else None


def wayback_to_iso(timestamp: str) -> str:
    """A web archive's 14-digit ``yyyyMMddhhmmss`` stamp (UTC) as the archive's ISO form."""
    padded = (timestamp + "00000101000000"[len(timestamp):])[:14]
    moment = datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
