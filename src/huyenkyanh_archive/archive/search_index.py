"""Reads of the full-text index for ``search``: ranked matches, filters, the hits' text.

The query layer (:mod:`..query.fulltext`) parses the query and builds
snippets; the SQL that ranks and filters lives here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import QueryError, StoreError

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["HitText", "Ranked", "SearchFilter", "category_index", "category_pairs", "day_range_clauses",
           "hit_texts", "rank", "read_rows"]

# Title hits weigh most, then the lead, captions, body: a subject in the title is the article's subject.
_BM25_WEIGHTS = "10.0, 4.0, 1.0, 2.0"


def read_rows(archive: Archive, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a read, with SQLite's errors as one line."""
    try:
        return archive.conn.execute(sql, tuple(params)).fetchall()
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None
    except UnicodeEncodeError:
        # Bytes that are not UTF-8 in argv arrive as lone surrogates, which SQLite cannot bind.
        raise QueryError("an argument is not valid UTF-8 text; check the terminal's encoding") from None


def day_range_clauses(column: str, lo: str | None, hi: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions (and their parameters) keeping rows whose ``column`` day lies in [lo, hi]."""
    where, params = [], []
    if lo:
        where.append(f"substr({column}, 1, 10) >= ?")
        params.append(lo)
    if hi:
        where.append(f"substr({column}, 1, 10) <= ?")
        params.append(hi)
    return where, params


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """What a search keeps: publication days, categories or folders, attendees' name keys."""

    since: str | None = None  # YYYY-MM-DD
    until: str | None = None
    categories: tuple[str, ...] | None = None  # None: any; with folders, either matches
    folders: tuple[str, ...] = ()
    name_keys: tuple[str, ...] | None = None  # None: anyone

    def clauses(self) -> tuple[list[str], list[Any], bool]:
        """(conditions, parameters, needs the article row joined)."""
        where, params = day_range_clauses("a.published_at", self.since, self.until)
        params_any: list[Any] = list(params)
        join = bool(where)
        if self.categories is not None:
            join = True
            cats, folders = self.categories, self.folders
            where.append(f"(a.category IN ({','.join('?' * len(cats)) or 'NULL'})"
                         f" OR a.folder IN ({','.join('?' * len(folders)) or 'NULL'}))")
            params_any += [*cats, *folders]
        if self.name_keys is not None:
            # The person's articles are listed once from the covering (name_key, …, article)
            # index and probed in memory per match. The unary + keeps the IN list away from
            # FTS5, which would otherwise run the match once per listed article.
            where.append("+articles_fts.rowid IN (SELECT article FROM attendees"
                         f" WHERE name_key IN ({','.join('?' * len(self.name_keys))}))")
            params_any += list(self.name_keys)
        return where, params_any, join


@dataclass(slots=True)
class Ranked:
    """The best hits as (article row id, score), how many matched (None: not counted), exhaustive?"""

    top: list[tuple[int, float]] = field(default_factory=list)
    matches: int | None = 0
    exhaustive: bool = True


def rank(archive: Archive, match: str, filt: SearchFilter, limit: int, cap: int) -> Ranked:
    """The best ``limit`` matches of the FTS5 expression ``match`` that pass ``filt``.

    Up to ``cap`` full-text matches, every one that passes the filters is
    ranked by bm25. Beyond, the query is ranked over the articles that match
    it in their title or lead (bm25 on those columns): for a subject that
    common, an article naming it there is about it; and of those (that pass
    the filters) only the most recently archived ``cap`` are ranked. Too few
    are topped up with the most recently archived others that pass the
    filters. Ties in score go to the more recently archived article.
    """
    filters, params, join = filt.clauses()
    conn = archive.conn
    ranked = f"bm25(articles_fts, {_BM25_WEIGHTS})"
    source = "FROM articles_fts" + (" JOIN articles a ON a.id = articles_fts.rowid" if join else "")
    cond = "".join(f" AND {f}" for f in filters)
    try:
        beyond = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, cap),
        ).fetchone()
        # One pass of the match scores and counts (FTS5 has no top-k; a separate count or
        # floor query would run the match again); SQLite keeps only the best ``limit``.
        if beyond is None:
            rows = conn.execute(
                f"WITH m AS MATERIALIZED (SELECT articles_fts.rowid AS id, {ranked} AS score {source}"
                f" WHERE articles_fts MATCH ?{cond})"
                " SELECT id, score, (SELECT count(*) FROM m) FROM m ORDER BY score, id DESC LIMIT ?",
                (match, *params, limit),
            ).fetchall()
            return Ranked([(r[0], r[1]) for r in rows], rows[0][2] if rows else 0, True)
        # Newest first, so bm25 is computed for the ``cap`` rows kept only.
        top = [(r[0], r[1]) for r in conn.execute(
            f"SELECT id, score FROM (SELECT articles_fts.rowid AS id, {ranked} AS score {source}"
            f" WHERE articles_fts MATCH ?{cond} ORDER BY articles_fts.rowid DESC LIMIT ?)"
            " ORDER BY score, id DESC LIMIT ?",
            ("{title lead} : " + match, *params, cap, limit),
        )]
        if len(top) < limit:
            seen = {r[0] for r in top}
            for (rowid,) in conn.execute(
                f"SELECT articles_fts.rowid {source} WHERE articles_fts MATCH ?{cond}"
                " ORDER BY articles_fts.rowid DESC LIMIT ?",
                (match, *params, limit + len(seen)),
            ):
                if rowid not in seen and len(top) < limit:
                    top.append((rowid, 0.0))
        return Ranked(top, None, False)
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "fts5" in text or "syntax" in text:
            raise QueryError(text) from None
        raise StoreError(f"{archive.path}: {text}") from None


@dataclass(frozen=True, slots=True)
class HitText:
    """What a hit shows: its identity, date, category, and the text snippets are cut from."""

    article_id: str
    url: str
    title: str | None
    published_at: str | None
    category: str | None
    lead: str | None
    body: str | None
    captions: str | None


def hit_texts(archive: Archive, ids: Sequence[int]) -> dict[int, HitText]:
    if not ids:
        return {}
    rows = read_rows(
        archive,
        "SELECT id, article_id, url, title, published_at, category, lead, body, captions"
        f" FROM articles WHERE id IN ({','.join('?' * len(ids))})",
        ids,
    )
    return {r[0]: HitText(*r[1:]) for r in rows}


def category_index(archive: Archive) -> str | None:
    """The name of an index on articles led by (category, folder), if the archive has one."""
    for _seq, name, _unique, _origin, partial in read_rows(archive, "PRAGMA index_list(articles)"):
        quoted = '"' + str(name).replace('"', '""') + '"'
        cols = [r[2] for r in read_rows(archive, f"PRAGMA index_info({quoted})")]
        if cols[:2] == ["category", "folder"] and not partial:
            return quoted
    return None


def category_pairs(archive: Archive) -> list[tuple[str | None, str | None]]:
    """The distinct (category, folder) pairs of the articles."""
    index = category_index(archive)
    if index is None:
        return [(r[0], r[1]) for r in read_rows(archive, "SELECT DISTINCT category, folder FROM articles")]
    # Skip from one pair to the next along the index: a handful of seeks, where
    # DISTINCT would read all of its 100,000 entries.
    head = f"SELECT category, folder FROM articles INDEXED BY {index} WHERE "
    tail = " ORDER BY category, folder LIMIT 1"
    pairs: list[tuple[str | None, str | None]] = []
    row = read_rows(archive, head + "1" + tail)
    while row:
        cat, folder = row[0]
        pairs.append((cat, folder))
        same_cat = "category IS NULL" if cat is None else "category = ?"
        later = "folder IS NOT NULL" if folder is None else "folder > ?"
        row = read_rows(archive, f"{head}{same_cat} AND {later}{tail}", [v for v in (cat, folder) if v is not None])
        if not row:
            row = read_rows(archive, head + ("category IS NOT NULL" if cat is None else "category > ?") + tail,
                            [] if cat is None else [cat])
    return pairs
