"""``office`` and ``offices``: who held which office when, and the directory of offices.

Answers come from the office summaries kept at write time
(:mod:`..archive.office_summary`): an office's holders are a few rows
whatever the size of the archive. The text asked for is read like a role
(:func:`..extract.offices.read_role`), so "Chủ tịch UBND huyện", "CT UBND
huyện Kỳ Anh" and "Chủ tịch Ủy ban nhân dân huyện" ask for the same office.

A holder's span is from the first to the last article that shows them in
the office; ``at`` says who held it on a day only as far as those spans
show, and says so when they do not ("last seen before").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..archive import office_reads
from ..archive.office_reads import HolderRow, OfficeRow
from ..archive.office_summary import PORTAL_HOME
from ..archive.people_reads import ArticleRef, article_refs
from ..archive.store import Archive
from ..errors import QueryError, StoreError
from ..extract.offices import KINDS, RoleReading, read_person_roles, read_role
from ..extract.roles import expand_role
from ..vietnamese import collapse_space, compare_key, fold_key, nfc
from .people_index import Appearance
from .results import (
    HolderBrief,
    OfficeAmbiguous,
    OfficeAt,
    OfficeEntry,
    OfficeForm,
    OfficeHolder,
    OfficeTimeline,
    PersonOffice,
)

__all__ = ["CANDIDATE_LIMIT", "DEFAULT_KINDS", "appearance_offices", "is_unplaced", "kinds_of", "office", "offices",
           "person_offices"]

DEFAULT_KINDS: tuple[str, ...] = ("office",)
CANDIDATE_LIMIT = 30  # offices listed for an ambiguous text
_MAX_TEXT = 300
_NATIONAL = frozenset({compare_key("trung ương")})
# Directory order: the wider levels first.
_LEVELS = ("trung ương", "tỉnh", "thành phố", "thị xã", "huyện", "thị trấn", "phường", "xã", "thôn", "xóm",
           "tổ dân phố", "khu phố")
_LEVEL_RANK = {compare_key(level): i for i, level in enumerate(_LEVELS)}
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def kinds_of(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--kind`` values as a tuple of kinds (None: every kind); the default is offices only."""
    if not values:
        return DEFAULT_KINDS
    wanted: list[str] = []
    for value in values:
        for part in value.split(","):
            kind = part.strip().lower()
            if kind == "all":
                return None
            if kind not in KINDS:
                raise QueryError(f"--kind {part.strip()!r}: choose {', '.join(KINDS)} or all")
            if kind not in wanted:
                wanted.append(kind)
    return tuple(wanted) or DEFAULT_KINDS


def is_unplaced(level: str | None, locality: str | None) -> bool:
    """A level with no place: "Chủ tịch UBND xã" names no commune (a national office needs none)."""
    return bool(level) and not locality and compare_key(level or "") not in _NATIONAL


def _require(archive: Archive) -> None:
    if not office_reads.available(archive):
        raise StoreError(
            f"{archive.path}: this archive predates the office summaries; open it once with write access to"
            " upgrade it (any command does), or copy it somewhere writable"
        )


def _text(text: str | None, what: str) -> str:
    value = collapse_space(nfc(text or ""))
    if not value or len(value) > _MAX_TEXT:
        raise QueryError(f"give {what} (at most {_MAX_TEXT} characters)")
    return value


def _at_day(at: str | None) -> str | None:
    if at is None:
        return None
    value = at.strip()
    if not _DAY_RE.match(value):
        raise QueryError(f"--at {at!r}: give a day as YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"--at {at!r}: no such date") from None


def _read(text: str) -> RoleReading:
    return read_role(text, home_district=PORTAL_HOME.district, home_province=PORTAL_HOME.province)


def _words_in(needle: str, hay: str) -> bool:
    return bool(needle) and f" {needle} " in f" {hay} "


# -- office ------------------------------------------------------------------------


def office(
    archive: Archive, text: str, *, at: str | None = None, why: bool = False,
    kinds: Sequence[str] | None = DEFAULT_KINDS,
) -> OfficeTimeline | OfficeAmbiguous:
    """An office's holders in time order, or the candidates when ``text`` names several.

    ``text`` is a role as written ("Chủ tịch UBND huyện"), an office key, or a part
    of office labels ("Bí thư Đảng ủy"); partial matches are of ``kinds`` (None: any).
    ``at`` (YYYY-MM-DD): who held it that day, as far as the articles show.
    """
    text = _text(text, 'an office as written, e.g. "Chủ tịch UBND huyện"')
    day = _at_day(at)
    archive.tune_for_reading()
    _require(archive)
    reasons: list[str] = []
    found = _find(archive, text, tuple(kinds) if kinds is not None else None, reasons)
    if isinstance(found, OfficeAmbiguous):
        found.why = reasons if why else []
        return found
    return _timeline(archive, found, day, reasons if why else [])


def _find(archive: Archive, text: str, kinds: tuple[str, ...] | None, why: list[str]) -> OfficeRow | OfficeAmbiguous:
    if "|" in text:
        key = compare_key(text)
        row = office_reads.office_by_key(archive, key)
        if row is None:
            raise QueryError(f"no office with the key {key!r}; see `kyanh-archive offices`")
        why.append(f"asked for by its key {key!r}")
        return row
    reading = _read(text)
    why.append(f"{text!r} is read as {reading.label!r} (kind {reading.kind}), key {reading.key!r}:")
    why.extend(reading.why)
    if reading.former:
        why.append("'nguyên' (former) is not part of an office: the office itself is asked for")
    row = office_reads.office_by_key(archive, reading.key)
    if is_unplaced(reading.level, reading.locality):
        prefix = "|".join(reading.key.split("|")[:3]) + "|"
        siblings = office_reads.offices_with_prefix(archive, prefix)
        if len(siblings) > 1:
            why.append(f"{reading.label!r} names no {reading.level}: each {reading.label} of a named"
                       f" {reading.level} is a candidate, and the offices written without one")
            return _ambiguous(archive, text, siblings)
    if row is not None:
        return row
    needles = {fold_key(text), fold_key(reading.label)}
    matches = [
        r for r in office_reads.all_offices(archive, kinds)
        if any(_words_in(n, fold_key(r.label)) for n in needles)
    ]
    if len(matches) == 1:
        why.append(f"no office has that key; the only office whose label contains {text!r} is {matches[0].label!r}")
        return matches[0]
    if matches:
        why.append(f"no office has that key; {len(matches)} office labels contain {text!r}")
        return _ambiguous(archive, text, matches)
    raise QueryError(f"no office in the archive reads as {reading.label!r}, and no office label contains"
                     f" {text!r}; see `kyanh-archive offices`")


def _ambiguous(archive: Archive, text: str, rows: Sequence[OfficeRow]) -> OfficeAmbiguous:
    ordered = sorted(rows, key=lambda r: (-r.articles, fold_key(r.label), r.key))
    shown = ordered[:CANDIDATE_LIMIT]
    return OfficeAmbiguous(text, _entries(archive, shown), more=len(ordered) - len(shown))


def _holder_order(h: HolderRow) -> tuple[bool, str, int, str]:
    return (h.first_day is None, h.first_day or "", h.first_article or 0, h.name_key)


def _timeline(archive: Archive, row: OfficeRow, day: str | None, why: list[str]) -> OfficeTimeline:
    rows = sorted(office_reads.holders_of(archive, [row.id]).get(row.id, []), key=_holder_order)
    names = office_reads.shown_names(archive, [h.name_key for h in rows])
    refs = article_refs(archive, sorted({a for h in rows for a in (h.first_article, h.last_article) if a is not None}))
    holders = [_holder(h, names, refs) for h in rows]
    forms = [OfficeForm(f.role, f.articles) for f in office_reads.forms_of(archive, row.id)]
    unplaced = is_unplaced(row.level, row.locality)
    notes = []
    if unplaced:
        notes.append(f"written without the name of the {row.level}: the holders of this office in any {row.level},"
                     " not one succession")
    if row.kind != "office":
        notes.append(f"a {row.kind}, not an office: several people hold it at once")
    if any(h.first_seen is None for h in holders):
        notes.append("holders seen only in undated articles are listed last and have no span")
    return OfficeTimeline(
        key=row.key, label=row.label, kind=row.kind, position=row.position, organ=row.organ, level=row.level,
        locality=row.locality, unplaced=unplaced, articles=row.articles, first_seen=row.first_day,
        last_seen=row.last_day, holders=holders, forms=forms, at=_at(holders, day) if day else None,
        notes=notes, why=why,
    )


def _holder(h: HolderRow, names: dict[str, str], refs: dict[int, ArticleRef]) -> OfficeHolder:
    return OfficeHolder(
        name=names.get(h.name_key, h.name_key), name_key=h.name_key, articles=h.articles,
        first_seen=h.first_day, last_seen=h.last_day,
        first_article=refs.get(h.first_article) if h.first_article is not None else None,
        last_article=refs.get(h.last_article) if h.last_article is not None else None,
    )


def _names(holders: Sequence[OfficeHolder]) -> str:
    return ", ".join(h.name for h in holders)


def _at(holders: Sequence[OfficeHolder], day: str) -> OfficeAt:
    """Who held it on ``day``: a holder whose span (first..last seen) contains the day; else
    the ones last seen before it; else, nobody before it (the first seen after)."""
    dated = [h for h in holders if h.first_seen and h.last_seen]
    held = [h for h in dated if (h.first_seen or "") <= day <= (h.last_seen or "")]
    if held:
        spans = "; ".join(f"{h.name}, seen in it from {h.first_seen} to {h.last_seen} ({h.articles} articles)"
                          for h in held)
        return OfficeAt(day, "held", held, f"On {day} the articles show it held by: {spans}.")
    before = [h for h in dated if (h.last_seen or "") < day]
    after = sorted((h for h in dated if (h.first_seen or "") > day), key=lambda h: (h.first_seen or "", h.name_key))
    nxt = f" Next seen in it: {after[0].name}, from {after[0].first_seen}." if after else ""
    if before:
        last = max(h.last_seen or "" for h in before)
        chosen = [h for h in before if h.last_seen == last]
        return OfficeAt(day, "last-seen-before", chosen,
                        f"No article shows who held it on {day}. Last seen holding it before that day:"
                        f" {_names(chosen)}, on {last}.{nxt}")
    first = [h for h in after if h.first_seen == after[0].first_seen] if after else []
    return OfficeAt(day, "none-before", first,
                    f"No article shows anyone holding it on or before {day}."
                    + (f" First seen in it: {_names(first)}, on {first[0].first_seen}." if first else ""))


# -- offices -------------------------------------------------------------------------


def _brief(h: HolderRow, names: dict[str, str]) -> HolderBrief:
    return HolderBrief(names.get(h.name_key, h.name_key), h.name_key, h.articles, h.first_day, h.last_day)


def _entries(archive: Archive, rows: Sequence[OfficeRow]) -> list[OfficeEntry]:
    holders = office_reads.holders_of(archive, [r.id for r in rows])
    names = office_reads.shown_names(archive, [h.name_key for hs in holders.values() for h in hs])
    out = []
    for r in rows:
        recent = sorted(holders.get(r.id, []), key=lambda h: (h.last_day or "", h.last_article or 0, h.articles),
                        reverse=True)
        out.append(OfficeEntry(
            key=r.key, label=r.label, kind=r.kind, position=r.position, organ=r.organ, level=r.level,
            locality=r.locality, unplaced=is_unplaced(r.level, r.locality), articles=r.articles, holder_count=r.holders,
            first_seen=r.first_day, last_seen=r.last_day,
            current=_brief(recent[0], names) if recent else None,
            past=[_brief(h, names) for h in recent[1:]],
        ))
    return out


def _organ_match(wanted: set[str], organ: str | None) -> bool:
    if not organ:
        return False
    hay = {fold_key(organ), fold_key(expand_role(organ))}
    return any(_words_in(w, h) for w in wanted for h in hay)


def _directory_order(r: OfficeRow) -> tuple[int, str, str, bool, str, str]:
    position = fold_key(r.position or r.label)
    return (_LEVEL_RANK.get(compare_key(r.level or ""), len(_LEVEL_RANK)), fold_key(r.locality or "~"),
            fold_key(r.organ or ""), position.startswith("pho "), position, r.key)


def offices(
    archive: Archive, *, organ: str | None = None, level: str | None = None, locality: str | None = None,
    kinds: Sequence[str] | None = DEFAULT_KINDS,
) -> list[OfficeEntry]:
    """The directory of offices (of ``kinds``; None: every kind) with the holder last seen in
    each and the others; ``organ``, ``level`` and ``locality`` narrow it (diacritics optional)."""
    wanted_organ = None
    if organ:
        written = _text(organ, "an organ")
        wanted_organ = {fold_key(written), fold_key(expand_role(written))}
    wanted_level = fold_key(_text(level, "a level")) if level else None
    wanted_place = fold_key(_text(locality, "a locality")) if locality else None
    archive.tune_for_reading()
    _require(archive)
    rows = office_reads.all_offices(archive, tuple(kinds) if kinds is not None else None)
    if wanted_organ is not None:
        rows = [r for r in rows if _organ_match(wanted_organ, r.organ)]
    if wanted_level is not None:
        rows = [r for r in rows if fold_key(r.level or "") == wanted_level]
    if wanted_place is not None:
        rows = [r for r in rows if wanted_place in (fold_key(r.locality or ""), fold_key(f"{r.level} {r.locality}"))]
    return _entries(archive, sorted(rows, key=_directory_order))


# -- a person's offices --------------------------------------------------------------


def person_offices(archive: Archive, name_key: str) -> list[PersonOffice]:
    """The offices a name key is seen holding (from the summaries), first seen first."""
    if not office_reads.available(archive):
        return []
    held = office_reads.person_holdings(archive, name_key)
    out = []
    for row, h in held:
        forms = [f.role for f in office_reads.forms_of(archive, row.id, name_key)]
        out.append(PersonOffice(row.key, row.label, row.kind, h.first_day, h.last_day, h.articles, forms))
    return sorted(out, key=lambda o: (o.first_seen is None, o.first_seen or "", o.last_seen or "", o.key))


@dataclass(slots=True)
class _Held:
    articles: dict[int, str | None] = field(default_factory=dict)  # article -> day
    forms: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    kind: str = "office"


def appearance_offices(apps: Sequence[Appearance]) -> list[tuple[PersonOffice, list[str]]]:
    """The offices a set of appearances shows (a namesake read by the resolver), each with
    the days of its evidence: the same reading as the summaries, article by article."""
    by_article: dict[int, list[Appearance]] = defaultdict(list)
    for app in apps:
        by_article[app.article].append(app)
    held: dict[str, _Held] = defaultdict(_Held)
    for article, group in by_article.items():
        group.sort(key=lambda a: a.position)
        roles = [role for app in group for role, _key, _exp in app.roles if role]
        day = next((a.date[:10] for a in group if a.date), None)
        for sourced in read_person_roles(roles, home_district=PORTAL_HOME.district, home_province=PORTAL_HOME.province):
            r = sourced.reading
            if r.former or not r.key:
                continue
            entry = held[r.key]
            entry.articles[article] = day
            entry.forms[r.text] += 1
            entry.labels[r.label] += 1
            entry.kind = r.kind
    out = []
    for key, entry in held.items():
        days = sorted(d for d in entry.articles.values() if d)
        label = min(entry.labels, key=lambda lb: (-entry.labels[lb], lb))
        forms = sorted(entry.forms, key=lambda f: (-entry.forms[f], f))
        out.append((PersonOffice(key, label, entry.kind, days[0] if days else None, days[-1] if days else None,
                                 len(entry.articles), forms), days))
    return sorted(out, key=lambda od: (od[0].first_seen is None, od[0].first_seen or "", od[0].last_seen or "",
                                       od[0].key))
