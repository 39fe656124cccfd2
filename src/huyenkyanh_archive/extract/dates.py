"""Publication dates: printed Vietnamese forms and ISO values from meta tags.

Pure functions on text. Every result is Vietnam time: ISO 8601 with the
+07:00 offset, or the date alone (``YYYY-MM-DD``) where the page prints no
time. ``text`` is the date exactly as printed, without labels such as
"Ngày đăng:".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..clock import VN_TZ

__all__ = ["VN_TZ", "PrintedDate", "find_date", "find_dates", "parse_iso", "iso_date_part"]


_WEEKDAY = r"(?:(?:th[ứư]\s*(?:hai|ba|t[ưư]|n[ăa]m|s[áa]u|b[ảa]y|[2-7]))|ch[ủu]\s*nh[ậa]t|cn|t[2-7])"
_TIME = r"(?P<{p}h>[01]?\d|2[0-3])\s*(?::|h|giờ)\s*(?P<{p}mi>[0-5]\d)(?::(?P<{p}s>[0-5]\d))?(?:\s*(?P<{p}ap>AM|PM|SA|CH)\b)?"
_DATE = r"(?P<{p}d>[0-3]?\d)\s*(?P<{p}sep>[/.\-])\s*(?P<{p}mo>[01]?\d)\s*(?P={p}sep)\s*(?P<{p}y>(?:19|20)\d\d)"
_DATE_WORDS = r"ngày\s+(?P<{p}d>[0-3]?\d)\s+tháng\s+(?P<{p}mo>[01]?\d)\s+năm\s+(?P<{p}y>(?:19|20)\d\d)"


def _date(p: str) -> str:
    # The back-reference keeps "03/02-2023" out: one separator per date.
    return _DATE.format(p=p)


_PATTERN = re.compile(
    r"(?<![\w/.\-])(?:"
    # 09:33 03/02/2023 · 09:33 | 03/02/2023 · 09:33, ngày 03/02/2023
    r"(?P<a>" + _TIME.format(p="a") + r")\s*(?:[|,\-–—]\s*)?(?:ngày\s+)?" + _date("ad") + r"(?![\d/])"
    # Thứ Sáu, 03/02/2023 - 09:33 · 03/02/2023 09:33:10 · 03-02-2023 | 09:33
    r"|(?P<b>(?:" + _WEEKDAY + r")\s*,?\s*(?:ngày\s+)?)?" + _date("bd") + r"(?![\d/])"
    r"(?:\s*(?:[|,\-–—]\s*|lúc\s+)?" + _TIME.format(p="bt") + r"(?![\d:]))?"
    # ngày 3 tháng 2 năm 2023
    r"|" + _DATE_WORDS.format(p="w") + r"(?:\s*(?:,|lúc)?\s*" + _TIME.format(p="wt") + r"(?![\d:]))?"
    r")",
    re.I,
)


@dataclass(frozen=True, slots=True)
class PrintedDate:
    """A date found in text: ``iso`` is published_at, ``text`` the date as printed."""

    iso: str
    text: str
    start: int = 0

    @property
    def day(self) -> str:
        return self.iso[:10]


def _to_iso(y: int, mo: int, d: int, h: str | None, mi: str | None, s: str | None, ap: str | None) -> str | None:
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if h is None or mi is None:
        return day.isoformat()
    hour = int(h)
    # "13:00 AM" (a 24-hour time with a stray marker, seen on pages made by hand):
    # the hour is unambiguous, so the marker is ignored rather than the date lost.
    if ap and hour <= 12:
        pm = ap.upper() in ("PM", "CH")
        hour = hour % 12 + (12 if pm else 0)
    try:
        moment = datetime(y, mo, d, hour, int(mi), int(s or 0), tzinfo=VN_TZ)
    except ValueError:
        return None
    return moment.isoformat()


def _from_match(m: re.Match[str]) -> PrintedDate | None:
    g = m.groupdict()
    if g["a"] is not None:
        iso = _to_iso(int(g["ady"]), int(g["admo"]), int(g["add"]), g["ah"], g["ami"], g["as"], g["aap"])
    elif g["bdd"] is not None:
        iso = _to_iso(int(g["bdy"]), int(g["bdmo"]), int(g["bdd"]), g["bth"], g["btmi"], g["bts"], g["btap"])
    else:
        iso = _to_iso(int(g["wy"]), int(g["wmo"]), int(g["wd"]), g["wth"], g["wtmi"], g["wts"], g["wtap"])
    if iso is None:
        return None
    text = m.group(0).strip(" ,|-–—")
    return PrintedDate(iso, text, m.start())


def find_dates(text: str, *, limit: int = 20) -> list[PrintedDate]:
    """Every valid printed date in ``text``, in order (at most ``limit``)."""
    found: list[PrintedDate] = []
    for m in _PATTERN.finditer(text or ""):
        parsed = _from_match(m)
        if parsed is not None:
            found.append(parsed)
            if len(found) >= limit:
                break
    return found


def find_date(text: str) -> PrintedDate | None:
    """The first valid printed date in ``text``: "09:33 03/02/2023", "Thứ Sáu, 03/02/2023 - 09:33", ..."""
    for m in _PATTERN.finditer(text or ""):
        parsed = _from_match(m)
        if parsed is not None:
            return parsed
    return None


_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_iso(value: str | None) -> str | None:
    """An ISO 8601 value from a meta tag or JSON-LD, in Vietnam time.

    "2023-02-03T02:33:00Z" -> "2023-02-03T09:33:00+07:00"; a value without an
    offset is taken as Vietnam time; a date alone stays a date.
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    m = _ISO_DATE_RE.match(value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    candidate = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value) else value
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        # "+0700" offsets and fractional seconds of odd length.
        fixed = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)
        fixed = re.sub(r"\.\d+", "", fixed)
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    try:
        return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()
    except OverflowError:  # year 1 or 9999 pushed past the calendar by the offset
        return None


def iso_date_part(iso: str | None) -> str | None:
    return iso[:10] if iso else None
