"""Per-office summaries, kept exact at write time: who held which office when.

Every attendee role is read as an office (:func:`..extract.offices.read_person_roles`:
position, organ, level, locality; one key per office however it is written).
An article contributes, for each person (name key) it names and each office
their roles in it name, one piece of evidence that the person held the
office on the article's day. Former offices ("nguyên Chủ tịch …") are not
evidence and are not counted.

Tables (created by the office migration in :mod:`.schema`; written in one
transaction with the article they summarise; see README "The database"):

- ``offices``         one row per office key: kind, the label shown (and its position, organ,
                      level, locality), articles, holders, first and last day seen with their articles
- ``office_holders``  per office and person (name key): articles, first and last day with their articles
- ``office_forms``    per office, person and role as written (the part of it naming the office):
                      articles, the attendee row's ``role_key`` (where its evidence is found again)
                      and the reading of that form (label, kind, position, organ, level, locality)

Counts are of distinct articles. The label shown for an office is that of
its most frequent form (most articles, then the smallest label), so it is a
function of the rows, whatever order they were written in. When an article's
attendees are replaced (a new version, ``reextract``) its contribution is
subtracted; a first or last day that came from it is found again among the
person's attendee rows with the office's written forms, each candidate
article re-read in full (a bare "UVBTV" takes its organ from the person's
other roles in that article).

The district or province a role means when it says just "huyện" or "tỉnh"
is :data:`PORTAL_HOME`, the one place to change it (a site profile will
provide it); keys already stored were read with it, so changing it means
``rebuild``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..extract.offices import HOME_DISTRICT, HOME_PROVINCE, RoleReading, read_person_roles

__all__ = ["PORTAL_HOME", "PortalHome", "TABLES", "OfficeContribution", "add_article", "available", "contribution",
           "holder_evidence", "rebuild", "remove_article"]

TABLES = ("offices", "office_holders", "office_forms")  # referred-to first


@dataclass(frozen=True, slots=True)
class PortalHome:
    """The district and province a role means when it names the level but no place."""

    district: str | None
    province: str | None


# The portal's own district and province ("Chủ tịch UBND huyện" on the Kỳ Anh portal is
# the chair of Kỳ Anh). The single place to change: the site profile will provide it.
PORTAL_HOME = PortalHome(HOME_DISTRICT, HOME_PROVINCE)

# An attendee row as the summaries need it: (name, name_key, role, role_key, role_expanded),
# in the article's order (position, then role order).
AttendeeRow = tuple[str, str, str | None, str | None, str | None]

# The earliest (day, article) wins the first slot, the latest the last; undated articles count
# but never set a day (the rule of people_summary, so both read alike).
_SPAN_SET = """
    articles = articles + 1,
    first_article = CASE WHEN :day IS NOT NULL AND (first_day IS NULL OR (:day, :art) < (first_day, first_article))
                         THEN :art ELSE first_article END,
    first_day = CASE WHEN :day IS NOT NULL AND (first_day IS NULL OR (:day, :art) < (first_day, first_article))
                     THEN :day ELSE first_day END,
    last_article = CASE WHEN :day IS NOT NULL AND (last_day IS NULL OR (:day, :art) > (last_day, last_article))
                        THEN :art ELSE last_article END,
    last_day = CASE WHEN :day IS NOT NULL AND (last_day IS NULL OR (:day, :art) > (last_day, last_article))
                    THEN :day ELSE last_day END
"""


@dataclass(frozen=True, slots=True)
class Form:
    """One written form of an office in one person's roles, with its reading."""

    office: str  # office key
    name_key: str
    role: str  # as written (the part naming this office), NFC
    role_key: str  # the attendee row's role_key
    label: str
    # The rest of the reading goes with the label (a form is one row of office_forms per
    # office, person, role, role_key and label).
    kind: str = field(compare=False)
    position: str | None = field(compare=False)
    organ: str | None = field(compare=False)
    level: str | None = field(compare=False)
    locality: str | None = field(compare=False)

    def display(self) -> tuple[str, str, str, str | None, str | None, str | None, str | None]:
        return (self.office, self.kind, self.label, self.position, self.organ, self.level, self.locality)


@dataclass(slots=True)
class OfficeContribution:
    """What one article adds to the summaries (each item once, however often it is written)."""

    offices: dict[str, Form] = field(default_factory=dict)  # office key -> its first form in the article
    holders: set[tuple[str, str]] = field(default_factory=set)  # (office key, name key)
    forms: set[Form] = field(default_factory=set)


def _form(reading: RoleReading, name_key: str, role_key: str) -> Form:
    return Form(reading.key, name_key, reading.text, role_key, reading.label, reading.kind, reading.position,
                reading.organ, reading.level, reading.locality)


def contribution(rows: Iterable[AttendeeRow], home: PortalHome = PORTAL_HOME) -> OfficeContribution:
    """The offices an article's attendee rows show each person holding."""
    people: dict[str, tuple[list[str], list[str]]] = {}
    for _name, key, role, role_key, _expanded in rows:
        roles, role_keys = people.setdefault(key, ([], []))
        if role and role_key:
            roles.append(role)
            role_keys.append(role_key)
    out = OfficeContribution()
    for name_key, (roles, role_keys) in people.items():
        if not roles:
            continue
        for sourced in read_person_roles(roles, home_district=home.district, home_province=home.province):
            reading = sourced.reading
            if reading.former or not reading.key:
                continue  # "nguyên …": held before, not evidence of holding it now
            form = _form(reading, name_key, role_keys[sourced.source])
            out.offices.setdefault(reading.key, form)
            out.holders.add((reading.key, name_key))
            out.forms.add(form)
    return out


@dataclass(slots=True)
class _Stored:
    id: int
    label: str
    first_article: int | None
    last_article: int | None


def _stored(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, _Stored]:
    out: dict[str, _Stored] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for key, oid, label, first, last in conn.execute(
            f"SELECT key, id, label, first_article, last_article FROM offices WHERE key IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[key] = _Stored(int(oid), label, first, last)
    return out


def add_article(
    conn: sqlite3.Connection, article: int, day: str | None, rows: Iterable[AttendeeRow], home: PortalHome = PORTAL_HOME
) -> None:
    """Count ``article`` (published on ``day``, YYYY-MM-DD) with its attendee ``rows``."""
    c = contribution(rows, home)
    if not c.holders:
        return
    conn.executemany(
        "INSERT INTO offices (key, kind, label, position, organ, level, locality) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (key) DO NOTHING",
        [form.display() for form in c.offices.values()],
    )
    stored = _stored(conn, list(c.offices))
    span = {"day": day, "art": article}
    conn.executemany(f"UPDATE offices SET {_SPAN_SET} WHERE id = :id", [{**span, "id": stored[k].id} for k in c.offices])
    holders = [(stored[k].id, nk) for k, nk in c.holders]
    conn.executemany("INSERT INTO office_holders (office, name_key) VALUES (?, ?) ON CONFLICT DO NOTHING", holders)
    conn.executemany(
        f"UPDATE office_holders SET {_SPAN_SET} WHERE office = :id AND name_key = :nk",
        [{**span, "id": oid, "nk": nk} for oid, nk in holders],
    )
    conn.executemany(
        "INSERT INTO office_forms (office, name_key, role, role_key, label, kind, position, organ, level, locality,"
        " articles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET articles = articles + 1",
        [(stored[f.office].id, f.name_key, f.role, f.role_key, f.label, f.kind, f.position, f.organ, f.level, f.locality)
         for f in c.forms],
    )
    ids = sorted({s.id for s in stored.values()})
    _count_holders(conn, ids)
    # The shown label is the most frequent form's: it can change only if another label gained.
    _relabel(conn, sorted({stored[f.office].id for f in c.forms if f.label != stored[f.office].label}))


def remove_article(
    conn: sqlite3.Connection, article: int, rows: Iterable[AttendeeRow], home: PortalHome = PORTAL_HOME
) -> None:
    """Subtract what :func:`add_article` counted for ``article``.

    Call after the article's attendee rows are deleted: a first or last day that
    came from it is found again among the attendee rows that remain.
    """
    c = contribution(rows, home)
    if not c.holders:
        return
    stored = _stored(conn, list(c.offices))  # a summary never built (damaged file): nothing to undo
    forms = [f for f in c.forms if f.office in stored]
    conn.executemany(
        "UPDATE office_forms SET articles = articles - 1"
        " WHERE office = ? AND name_key = ? AND role = ? AND role_key = ? AND label = ?",
        [(stored[f.office].id, f.name_key, f.role, f.role_key, f.label) for f in forms],
    )
    holders = sorted((stored[k].id, k, nk) for k, nk in c.holders if k in stored)
    conn.executemany("UPDATE office_holders SET articles = articles - 1 WHERE office = ? AND name_key = ?",
                     [(oid, nk) for oid, _k, nk in holders])
    ids = sorted({s.id for s in stored.values()})
    conn.executemany("UPDATE offices SET articles = articles - 1 WHERE id = ?", [(i,) for i in ids])
    marks = ",".join("?" * len(ids))
    conn.execute(f"DELETE FROM office_forms WHERE office IN ({marks}) AND articles <= 0", ids)
    for oid, key, name_key in holders:
        _respan_holder(conn, oid, key, name_key, article, home)
    conn.execute(f"DELETE FROM office_holders WHERE office IN ({marks}) AND articles <= 0", ids)
    for s in stored.values():
        if article in (s.first_article, s.last_article):
            _respan_office(conn, s.id)
    _count_holders(conn, ids)
    _relabel(conn, sorted({stored[f.office].id for f in forms if f.label == stored[f.office].label}))
    conn.execute(f"DELETE FROM offices WHERE id IN ({marks}) AND articles <= 0", ids)


def _count_holders(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    conn.executemany(
        "UPDATE offices SET holders = (SELECT count(*) FROM office_holders h WHERE h.office = offices.id) WHERE id = ?",
        [(i,) for i in ids],
    )


def _relabel(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """The shown label (and its parts): the form with the most articles, then the smallest label."""
    for oid in ids:
        best = conn.execute(
            "SELECT label, min(kind), min(position), min(organ), min(level), min(locality) FROM office_forms"
            " WHERE office = ? AND articles > 0 GROUP BY label ORDER BY sum(articles) DESC, label LIMIT 1",
            (oid,),
        ).fetchone()
        if best is not None:
            conn.execute(
                "UPDATE offices SET label = ?, kind = ?, position = ?, organ = ?, level = ?, locality = ? WHERE id = ?",
                (*best, oid),
            )


def _holds(
    conn: sqlite3.Connection, article: int, name_key: str, office: str, home: PortalHome, cache: dict[int, bool]
) -> bool:
    """Whether the person's roles in ``article`` (its current attendee rows) name ``office``."""
    if article not in cache:
        rows = conn.execute(
            "SELECT name, name_key, role, role_key, role_expanded FROM attendees"
            " WHERE article = ? AND name_key = ? ORDER BY position, id",
            (article, name_key),
        ).fetchall()
        cache[article] = (office, name_key) in contribution(rows, home).holders
    return cache[article]


def _candidates(
    conn: sqlite3.Connection, office_id: int, name_key: str, *, newest_first: bool = False, dated: bool = True
) -> Iterator[tuple[int, str | None]]:
    """(article, day) of the person's attendee rows with a role written as one of the office's
    forms for them: a superset of the evidence (each must be re-read), in day order."""
    role_keys = [r[0] for r in conn.execute(
        "SELECT DISTINCT role_key FROM office_forms WHERE office = ? AND name_key = ? AND articles > 0",
        (office_id, name_key),
    )]
    if not role_keys:
        return
    order = "DESC" if newest_first else ""
    sql = (
        f"SELECT DISTINCT article, day FROM attendees WHERE name_key = ? AND role_key IN ({','.join('?' * len(role_keys))})"
        + (" AND day IS NOT NULL" if dated else "")
        + f" ORDER BY day {order}, article {order}"
    )
    # fetchall: the caller reads other rows between candidates.
    yield from conn.execute(sql, (name_key, *role_keys)).fetchall()


def _respan_holder(
    conn: sqlite3.Connection, office_id: int, key: str, name_key: str, article: int, home: PortalHome
) -> None:
    row = conn.execute(
        "SELECT first_article, last_article, articles FROM office_holders WHERE office = ? AND name_key = ?",
        (office_id, name_key),
    ).fetchone()
    if row is None or article not in (row[0], row[1]) or row[2] <= 0:
        return
    cache: dict[int, bool] = {}
    ends: list[tuple[int | None, str | None]] = []
    for newest_first in (False, True):
        found: tuple[int | None, str | None] = (None, None)
        for art, day in _candidates(conn, office_id, name_key, newest_first=newest_first):
            if _holds(conn, art, name_key, key, home, cache):
                found = (art, day)
                break
        ends.append(found)
    (first_art, first_day), (last_art, last_day) = ends
    conn.execute(
        "UPDATE office_holders SET first_day = ?, first_article = ?, last_day = ?, last_article = ?"
        " WHERE office = ? AND name_key = ?",
        (first_day, first_art, last_day, last_art, office_id, name_key),
    )


def _respan_office(conn: sqlite3.Connection, office_id: int) -> None:
    # An office's evidence is its holders' evidence: its ends are theirs.
    dated = "FROM office_holders WHERE office = ? AND first_day IS NOT NULL"
    first = conn.execute(f"SELECT first_day, first_article {dated} ORDER BY first_day, first_article LIMIT 1",
                         (office_id,)).fetchone()
    last = conn.execute(f"SELECT last_day, last_article {dated} ORDER BY last_day DESC, last_article DESC LIMIT 1",
                        (office_id,)).fetchone()
    conn.execute(
        "UPDATE offices SET first_day = ?, first_article = ?, last_day = ?, last_article = ? WHERE id = ?",
        (*(first or (None, None)), *(last or (None, None)), office_id),
    )


def holder_evidence(
    conn: sqlite3.Connection, office_id: int, key: str, name_key: str, home: PortalHome = PORTAL_HOME
) -> list[tuple[int, str | None]]:
    """Every (article, day) that shows ``name_key`` holding the office, in day order (undated last)."""
    cache: dict[int, bool] = {}
    found = [(a, d) for a, d in _candidates(conn, office_id, name_key, dated=False)
             if _holds(conn, a, name_key, key, home, cache)]
    return sorted(found, key=lambda ad: (ad[1] is None, ad[1] or "", ad[0]))


def available(conn: sqlite3.Connection) -> bool:
    """Whether the archive keeps the office summaries (older files are upgraded on a writable open)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'office_forms'").fetchone() is not None


def rebuild(conn: sqlite3.Connection, home: PortalHome = PORTAL_HOME) -> None:
    """Recompute every office summary from the attendee rows (a migration, or a repair)."""
    for table in reversed(TABLES):
        conn.execute(f"DELETE FROM {table}")
    current: int | None = None
    day: str | None = None
    batch: list[AttendeeRow] = []
    # A second cursor: the summaries are written while the attendee rows are still being read.
    cursor = conn.cursor().execute(
        "SELECT article, day, name, name_key, role, role_key, role_expanded FROM attendees ORDER BY article, position, id"
    )
    for article, row_day, *rest in cursor:
        if article != current:
            if current is not None:
                add_article(conn, current, day, batch, home)
            current, day, batch = article, row_day, []
        batch.append(tuple(rest))  # type: ignore[arg-type]
    if current is not None:
        add_article(conn, current, day, batch, home)
