"""Reads for ``office``, ``offices`` and a person's offices: the office summaries as rows.

The summaries are kept by :mod:`.office_summary`; the query layer
(:mod:`..query.offices`) picks, orders and words what these return.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from . import office_summary
from .crawl_state import chunked
from .search_index import read_rows

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["FormCount", "HolderRow", "OfficeRow", "all_offices", "available", "evidence", "forms_of",
           "holders_of", "office_by_key", "offices_with_prefix", "person_holdings", "shown_names"]

_OFFICE_COLUMNS = ("id, key, kind, label, position, organ, level, locality, articles, holders,"
                   " first_day, first_article, last_day, last_article")
_HOLDER_COLUMNS = "office, name_key, articles, first_day, first_article, last_day, last_article"


@dataclass(frozen=True, slots=True)
class OfficeRow:
    """One office's summary, as stored."""

    id: int
    key: str
    kind: str
    label: str
    position: str | None
    organ: str | None
    level: str | None
    locality: str | None
    articles: int
    holders: int
    first_day: str | None
    first_article: int | None
    last_day: str | None
    last_article: int | None


@dataclass(frozen=True, slots=True)
class HolderRow:
    """One person's evidence of holding one office, as stored."""

    office: int
    name_key: str
    articles: int
    first_day: str | None
    first_article: int | None
    last_day: str | None
    last_article: int | None


@dataclass(frozen=True, slots=True)
class FormCount:
    """A written form of an office, with how many articles write it (summed over holders)."""

    role: str
    articles: int


def available(archive: Archive) -> bool:
    return office_summary.available(archive.conn)


def _offices(rows: Sequence[Sequence[Any]]) -> list[OfficeRow]:
    return [OfficeRow(*r) for r in rows]


def office_by_key(archive: Archive, key: str) -> OfficeRow | None:
    rows = read_rows(archive, f"SELECT {_OFFICE_COLUMNS} FROM offices WHERE key = ?", (key,))
    return OfficeRow(*rows[0]) if rows else None


def offices_with_prefix(archive: Archive, prefix: str) -> list[OfficeRow]:
    """Offices whose key starts with ``prefix`` (a range over the key index)."""
    return _offices(read_rows(
        archive, f"SELECT {_OFFICE_COLUMNS} FROM offices WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")
    ))


def all_offices(archive: Archive, kinds: Sequence[str] | None = None) -> list[OfficeRow]:
    """Every office (of these kinds)."""
    if kinds is None:
        return _offices(read_rows(archive, f"SELECT {_OFFICE_COLUMNS} FROM offices"))
    marks = ",".join("?" * len(kinds)) or "NULL"
    return _offices(read_rows(archive, f"SELECT {_OFFICE_COLUMNS} FROM offices WHERE kind IN ({marks})", tuple(kinds)))


def holders_of(archive: Archive, office_ids: Sequence[int]) -> dict[int, list[HolderRow]]:
    out: dict[int, list[HolderRow]] = defaultdict(list)
    for chunk in chunked(list(office_ids)):
        for row in read_rows(
            archive, f"SELECT {_HOLDER_COLUMNS} FROM office_holders WHERE office IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[int(row[0])].append(HolderRow(*row))
    return out


def forms_of(archive: Archive, office_id: int, name_key: str | None = None) -> list[FormCount]:
    """The office's written forms (of one holder), the most written first."""
    cond, params = ("office = ?", (office_id,)) if name_key is None else ("office = ? AND name_key = ?", (office_id, name_key))
    rows = read_rows(
        archive,
        f"SELECT role, sum(articles) FROM office_forms WHERE {cond} GROUP BY role ORDER BY 2 DESC, role",
        params,
    )
    return [FormCount(str(role), int(n)) for role, n in rows]


def person_holdings(archive: Archive, name_key: str) -> list[tuple[OfficeRow, HolderRow]]:
    """Every office a name key is seen holding, with that holder row."""
    rows = read_rows(
        archive,
        f"SELECT {', '.join('o.' + c.strip() for c in _OFFICE_COLUMNS.split(','))},"
        f" {', '.join('h.' + c.strip() for c in _HOLDER_COLUMNS.split(','))}"
        " FROM office_holders h JOIN offices o ON o.id = h.office WHERE h.name_key = ?",
        (name_key,),
    )
    width = len(_OFFICE_COLUMNS.split(","))
    return [(OfficeRow(*r[:width]), HolderRow(*r[width:])) for r in rows]


def shown_names(archive: Archive, name_keys: Sequence[str]) -> dict[str, str]:
    """Each name key's most frequent written form (ties: the greatest, as ``person`` shows it)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for chunk in chunked(list(dict.fromkeys(name_keys))):
        for key, name, n in read_rows(
            archive,
            "SELECT p.name_key, n.name, n.articles FROM persons p JOIN person_names n ON n.person = p.id"
            f" WHERE p.name_key IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            counts[key][name] = n
    return {key: max(forms, key=lambda f: (forms[f], f)) for key, forms in counts.items()}


def evidence(archive: Archive, office: OfficeRow, name_key: str) -> list[tuple[int, str | None]]:
    """(article, day) of every article showing ``name_key`` in the office, in day order."""
    try:
        return office_summary.holder_evidence(archive.conn, office.id, office.key, name_key)
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None
