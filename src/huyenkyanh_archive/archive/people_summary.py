"""Per-person summaries, kept exact at write time, so ``person`` and ``people`` read a
few rows instead of every appearance of a prominent official (13,000 articles in a
100,000-article archive) and every co-attendee of each.

Tables (created by migration v5 in :mod:`.schema`; written in one transaction with the
article they summarise; see README "The database"):

- ``persons``            one row per name key: articles, and the first and last day seen,
                         each with the article that shows it
- ``person_names``       how often each written form of the name appears (the most frequent is shown)
- ``person_role_spans``  per person and normalised role: articles, first and last day with their articles
- ``person_role_forms``  per person and role as written: articles (the shown form; the localities
                         that decide whether a name is split, see :mod:`.people_index`)
- ``person_pairs``       per ordered pair of people: the articles they share

Counts are of distinct articles. When an article's attendees are replaced (a new
version, ``reextract``), its contribution is subtracted; a first or last day that
came from it is recomputed from the remaining attendee rows.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..vietnamese import fold_key, locality_of

TABLES = ("persons", "person_names", "person_role_spans", "person_role_forms", "person_pairs")

# An attendee row as the summaries need it: (name, name_key, role, role_key, role_expanded).
AttendeeRow = tuple[str, str, str | None, str | None, str | None]

# The earliest (day, article) wins the first slot, the latest the last; undated articles count
# but never set a day. Row values compare lexicographically, as the recomputation orders.
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


@dataclass(slots=True)
class Contribution:
    """What one article adds to the summaries (each item once, however often it is written)."""

    keys: list[str] = field(default_factory=list)
    names: set[tuple[str, str]] = field(default_factory=set)
    role_keys: set[tuple[str, str]] = field(default_factory=set)
    role_forms: set[tuple[str, str, str, str]] = field(default_factory=set)


def contribution(rows: Iterable[AttendeeRow]) -> Contribution:
    out = Contribution()
    seen: set[str] = set()
    for name, key, role, role_key, expanded in rows:
        if key not in seen:
            seen.add(key)
            out.keys.append(key)
        out.names.add((key, name))
        if role and role_key:
            out.role_keys.add((key, role_key))
            out.role_forms.add((key, role_key, role, expanded or role))
    return out


def _ids(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        out.update(conn.execute(
            f"SELECT name_key, id FROM persons WHERE name_key IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall())
    return out


def add_article(conn: sqlite3.Connection, article: int, day: str | None, rows: Iterable[AttendeeRow]) -> None:
    """Count ``article`` (published on ``day``, YYYY-MM-DD) with its attendee ``rows``."""
    c = contribution(rows)
    if not c.keys:
        return
    conn.executemany("INSERT INTO persons (name_key) VALUES (?) ON CONFLICT (name_key) DO NOTHING", [(k,) for k in c.keys])
    ids = _ids(conn, c.keys)
    span = {"day": day, "art": article}
    conn.executemany(f"UPDATE persons SET {_SPAN_SET} WHERE id = :id", [{**span, "id": ids[k]} for k in c.keys])
    conn.executemany(
        "INSERT INTO person_names (person, name, articles) VALUES (?, ?, 1)"
        " ON CONFLICT DO UPDATE SET articles = articles + 1",
        [(ids[k], name) for k, name in c.names],
    )
    conn.executemany(
        "INSERT INTO person_role_spans (person, role_key) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(ids[k], rk) for k, rk in c.role_keys],
    )
    conn.executemany(
        f"UPDATE person_role_spans SET {_SPAN_SET} WHERE person = :id AND role_key = :rk",
        [{**span, "id": ids[k], "rk": rk} for k, rk in c.role_keys],
    )
    conn.executemany(
        "INSERT INTO person_role_forms (person, role_key, role, role_expanded, articles) VALUES (?, ?, ?, ?, 1)"
        " ON CONFLICT DO UPDATE SET articles = articles + 1",
        [(ids[k], rk, role, exp) for k, rk, role, exp in c.role_forms],
    )
    conn.executemany(
        "INSERT INTO person_pairs (person, other, articles) VALUES (?, ?, 1)"
        " ON CONFLICT DO UPDATE SET articles = articles + 1",
        [(ids[a], ids[b]) for a in c.keys for b in c.keys if a != b],
    )


def remove_article(conn: sqlite3.Connection, article: int, rows: Iterable[AttendeeRow]) -> None:
    """Subtract what :func:`add_article` counted for ``article``.

    Call after the article's attendee rows are deleted: a first or last day that
    came from it is recomputed from the rows that remain.
    """
    c = contribution(rows)
    if not c.keys:
        return
    ids = _ids(conn, c.keys)
    keys = [k for k in c.keys if k in ids]  # a summary never built (damaged file): nothing to undo
    pairs = [(ids[a], ids[b]) for a in keys for b in keys if a != b]
    conn.executemany("UPDATE person_pairs SET articles = articles - 1 WHERE person = ? AND other = ?", pairs)
    names = [(ids[k], n) for k, n in c.names if k in ids]
    conn.executemany("UPDATE person_names SET articles = articles - 1 WHERE person = ? AND name = ?", names)
    forms = [(ids[k], rk, r, e) for k, rk, r, e in c.role_forms if k in ids]
    conn.executemany(
        "UPDATE person_role_forms SET articles = articles - 1"
        " WHERE person = ? AND role_key = ? AND role = ? AND role_expanded = ?",
        forms,
    )
    spans = [(ids[k], rk) for k, rk in c.role_keys if k in ids]
    conn.executemany("UPDATE person_role_spans SET articles = articles - 1 WHERE person = ? AND role_key = ?", spans)
    conn.executemany("UPDATE persons SET articles = articles - 1 WHERE id = ?", [(ids[k],) for k in keys])
    for k in keys:
        _respan(conn, "persons", "id = ?", (ids[k],), "name_key = ?", (k,), article)
    for k, rk in c.role_keys:
        if k in ids:
            _respan(conn, "person_role_spans", "person = ? AND role_key = ?", (ids[k], rk),
                    "name_key = ? AND role_key = ?", (k, rk), article)
    for table in ("person_pairs", "person_names", "person_role_forms", "person_role_spans"):
        conn.execute(f"DELETE FROM {table} WHERE articles <= 0")
    conn.execute("DELETE FROM persons WHERE articles <= 0")


def _respan(
    conn: sqlite3.Connection, table: str, where: str, params: tuple[object, ...],
    attendee_where: str, attendee_params: tuple[object, ...], article: int,
) -> None:
    row = conn.execute(f"SELECT first_article, last_article, articles FROM {table} WHERE {where}", params).fetchone()
    if row is None or (article not in (row[0], row[1])) or row[2] <= 0:
        return
    dated = f"FROM attendees WHERE {attendee_where} AND day IS NOT NULL"
    first = conn.execute(f"SELECT day, article {dated} ORDER BY day, article LIMIT 1", attendee_params).fetchone()
    last = conn.execute(f"SELECT day, article {dated} ORDER BY day DESC, article DESC LIMIT 1", attendee_params).fetchone()
    conn.execute(
        f"UPDATE {table} SET first_day = ?, first_article = ?, last_day = ?, last_article = ? WHERE {where}",
        (*(first or (None, None)), *(last or (None, None)), *params),
    )


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every summary from the attendee rows (a migration, or a repair)."""
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
                add_article(conn, current, day, batch)
            current, day, batch = article, row_day, []
        batch.append(tuple(rest))  # type: ignore[arg-type]
    if current is not None:
        add_article(conn, current, day, batch)


# -- reading -------------------------------------------------------------------


@dataclass(slots=True)
class Span:
    articles: int
    first_day: str | None
    first_article: int | None
    last_day: str | None
    last_article: int | None


@dataclass(slots=True)
class PersonRow:
    """One name key's summary, as stored."""

    id: int
    name_key: str
    span: Span
    names: dict[str, int] = field(default_factory=dict)
    roles: dict[str, Span] = field(default_factory=dict)  # role_key -> span
    forms: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)  # role_key -> (role, expanded) -> articles

    @property
    def name(self) -> str:
        """The most frequent written form (ties: the greatest, as the resolver picks)."""
        return max(self.names, key=lambda n: (self.names[n], n)) if self.names else self.name_key

    def role_written(self, role_key: str) -> str:
        written: dict[str, int] = defaultdict(int)
        for (role, _exp), n in self.forms.get(role_key, {}).items():
            written[role] += n
        return max(written, key=lambda r: (written[r], r)) if written else role_key

    def localities(self) -> dict[str, int]:
        """The localities the roles name, as written, with their articles."""
        out: dict[str, int] = defaultdict(int)
        for forms in self.forms.values():
            for (role, expanded), n in forms.items():
                place = locality_of(expanded) or locality_of(role)
                if place:
                    out[place] += n
        return out

    def places(self) -> set[str]:
        """The folded localities the roles name: more than one means namesakes may be split."""
        return {fold_key(place) for place in self.localities()}


def available(conn: sqlite3.Connection) -> bool:
    """Whether the archive keeps the summaries (schema v5 on); older files are read without them."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'person_pairs'").fetchone() is not None


def load(conn: sqlite3.Connection, name_key: str) -> PersonRow | None:
    row = conn.execute(
        "SELECT id, name_key, articles, first_day, first_article, last_day, last_article FROM persons WHERE name_key = ?",
        (name_key,),
    ).fetchone()
    if row is None:
        return None
    found = _load(conn, [row], "WHERE person = ?", (row[0],))
    return found[0]


def load_all(conn: sqlite3.Connection) -> list[PersonRow]:
    rows = conn.execute("SELECT id, name_key, articles, first_day, first_article, last_day, last_article FROM persons").fetchall()
    return _load(conn, rows, "", ())


def _load(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]], where: str, params: tuple[object, ...]) -> list[PersonRow]:
    people = {int(r[0]): PersonRow(int(r[0]), str(r[1]), Span(*r[2:])) for r in rows}
    for pid, name, n in conn.execute(f"SELECT person, name, articles FROM person_names {where}", params):
        if pid in people:
            people[pid].names[name] = n
    for pid, rkey, *span in conn.execute(
        f"SELECT person, role_key, articles, first_day, first_article, last_day, last_article FROM person_role_spans {where}",
        params,
    ):
        if pid in people:
            people[pid].roles[rkey] = Span(*span)
    for pid, rkey, role, exp, n in conn.execute(
        f"SELECT person, role_key, role, role_expanded, articles FROM person_role_forms {where}", params
    ):
        if pid in people:
            people[pid].forms.setdefault(rkey, {})[(role, exp)] = n
    return list(people.values())


def co_appearing(conn: sqlite3.Connection, person: int, limit: int) -> list[tuple[str, str, int]]:
    """(name key, shown name, shared articles) of the people ``person`` appears with most."""
    top = conn.execute(
        "SELECT pp.other, p.name_key, pp.articles FROM person_pairs pp JOIN persons p ON p.id = pp.other"
        " WHERE pp.person = ? ORDER BY pp.articles DESC, p.name_key LIMIT ?",
        (person, limit),
    ).fetchall()
    names: dict[int, dict[str, int]] = defaultdict(dict)
    if top:
        marks = ",".join("?" * len(top))
        for pid, name, n in conn.execute(
            f"SELECT person, name, articles FROM person_names WHERE person IN ({marks})", [t[0] for t in top]
        ):
            names[pid][name] = n
    out = []
    for pid, key, n in top:
        forms = names.get(pid) or {key: 1}
        out.append((str(key), max(forms, key=lambda f: (forms[f], f)), int(n)))
    return out
