"""Research queries over an open archive: search, people, person timelines, stats.

Each function takes an :class:`~.store.Archive` (``open_archive(path, readonly=True)``
is enough) and returns plain dataclasses; ``to_dict()`` gives their ``--json`` form.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from . import people_index, people_summary
from .errors import QueryError, StoreError
from .ftsquery import parse
from .people_index import Appearance, Entity, Resolution
from .snippets import snippet
from .store import Archive
from .vietnamese import collapse_space, compare_key, fold, fold_key, nfc

HIGHLIGHT_OPEN = "«"
HIGHLIGHT_CLOSE = "»"
MAX_LIMIT = 1000
# Every match is scored before the best are known (FTS5 has no top-k), so a
# query matching most of the archive costs ~2-3 µs per article. Above this many
# matches a query is ranked by its title-and-lead matches instead (see _rank).
RANK_CAP = 5000
# Title hits weigh most, then the lead, captions, body: a subject in the title is the article's subject.
_BM25_WEIGHTS = "10.0, 4.0, 1.0, 2.0"
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

PeopleSort = Literal["articles", "name", "last-seen"]


class _Dict:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload, no-any-return]


@dataclass(slots=True)
class SearchHit(_Dict):
    article_id: str
    url: str
    title: str | None
    date: str | None
    category: str | None
    snippet: str
    score: float


class SearchResults(list[SearchHit]):
    """The hits, plus how they were ranked.

    ``matches`` is the number of matching articles, or None when there are more
    than :data:`RANK_CAP` (they are not counted). ``exhaustive`` is False when
    the query was that broad: see :func:`search`.
    """

    def __init__(self, hits: Iterable[SearchHit] = (), *, matches: int | None = None, exhaustive: bool = True) -> None:
        super().__init__(hits)
        self.matches = matches
        self.exhaustive = exhaustive


@dataclass(slots=True)
class ArticleRef(_Dict):
    article_id: str
    date: str | None
    title: str | None
    url: str


@dataclass(slots=True)
class RoleSpan(_Dict):
    role: str
    role_key: str
    first_seen: str | None
    last_seen: str | None
    articles: int
    shown_in: list[ArticleRef] = field(default_factory=list)


@dataclass(slots=True)
class PersonSummary(_Dict):
    key: str
    name: str
    locality: str | None
    articles: int
    first_seen: str | None
    last_seen: str | None
    roles: list[RoleSpan]


@dataclass(slots=True)
class CoAppearance(_Dict):
    name: str
    name_key: str
    articles: int


@dataclass(slots=True)
class PersonTimeline(_Dict):
    """``articles`` (and each role's ``shown_in``) hold every article, or the earliest and
    latest ones when there are more than the limit asked for; ``article_count`` is the total."""

    key: str
    name: str
    locality: str | None
    articles: list[ArticleRef]
    roles: list[RoleSpan]
    appears_with: list[CoAppearance]
    why: list[str] = field(default_factory=list)
    article_count: int = 0


@dataclass(slots=True)
class Ambiguous(_Dict):
    query: str
    candidates: list[PersonSummary]
    why: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LastCrawl(_Dict):
    id: int
    started_at: str
    finished_at: str | None
    status: str
    stats: dict[str, Any] | None


@dataclass(slots=True)
class Stats(_Dict):
    articles: int
    by_year: dict[str, int]
    by_folder: dict[str, int]
    people: int
    attendee_rows: int
    versions: int
    changed_articles: int
    removed_articles: int
    responses: int
    raw_bytes: int
    stored_bytes: int
    last_crawl: LastCrawl | None


# -- helpers -------------------------------------------------------------------


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def date_bound(value: str | None, *, upper: bool, option: str) -> str | None:
    """``--since``/``--until`` as a full day (YYYY-MM-DD); YYYY and YYYY-MM widen to the period's edge."""
    if value is None:
        return None
    value = value.strip()
    if not _DATE_RE.match(value):
        raise QueryError(f"{option} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    if upper:
        return value + "-12-31"[len(value) - 4 :] if len(value) < 10 else value
    return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value


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


# Reads jump around a file of several GB (attendee rows, their articles, FTS
# pages): a larger page cache and memory-mapped reads make them 5-10x cheaper
# than SQLite's 2 MB default. Per connection, so set on first use.
_CACHE_KIB = 256 * 1024
_MMAP_BYTES = 4 << 30


def _prepare(archive: Archive) -> None:
    if getattr(archive, "_query_tuned", False):
        return
    try:
        archive.conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        archive.conn.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
    except sqlite3.Error:
        pass  # a tuning hint only
    archive._query_tuned = True  # type: ignore[attr-defined]


def _limit(limit: int) -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"--limit {limit}: give a number from 1 to {MAX_LIMIT}")
    return limit


def _rows(archive: Archive, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
    try:
        return archive.conn.execute(sql, tuple(params)).fetchall()
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None
    except UnicodeEncodeError:
        # Bytes that are not UTF-8 in argv arrive as lone surrogates, which SQLite cannot bind.
        raise QueryError("an argument is not valid UTF-8 text; check the terminal's encoding") from None


def _category_index(archive: Archive) -> str | None:
    """The name of an index on articles led by (category, folder), if the archive has one."""
    for _seq, name, _unique, _origin, partial in _rows(archive, "PRAGMA index_list(articles)"):
        quoted = '"' + str(name).replace('"', '""') + '"'
        cols = [r[2] for r in _rows(archive, f"PRAGMA index_info({quoted})")]
        if cols[:2] == ["category", "folder"] and not partial:
            return quoted
    return None


def _category_pairs(archive: Archive) -> list[tuple[str | None, str | None]]:
    """The distinct (category, folder) pairs of the articles."""
    index = _category_index(archive)
    if index is None:
        return [(r[0], r[1]) for r in _rows(archive, "SELECT DISTINCT category, folder FROM articles")]
    # Skip from one pair to the next along the index: a handful of seeks, where
    # DISTINCT would read all of its 100,000 entries.
    head = f"SELECT category, folder FROM articles INDEXED BY {index} WHERE "
    tail = " ORDER BY category, folder LIMIT 1"
    pairs: list[tuple[str | None, str | None]] = []
    row = _rows(archive, head + "1" + tail)
    while row:
        cat, folder = row[0]
        pairs.append((cat, folder))
        same_cat = "category IS NULL" if cat is None else "category = ?"
        later = "folder IS NOT NULL" if folder is None else "folder > ?"
        row = _rows(archive, f"{head}{same_cat} AND {later}{tail}", [v for v in (cat, folder) if v is not None])
        if not row:
            row = _rows(archive, head + ("category IS NOT NULL" if cat is None else "category > ?") + tail,
                        [] if cat is None else [cat])
    return pairs


def _category_filter(archive: Archive, category: str) -> tuple[list[str], list[str]]:
    wanted = fold_key(category)
    pairs = _category_pairs(archive)
    cats = sorted({c for c, _f in pairs if c and fold_key(c) == wanted})
    folders = sorted({f for _c, f in pairs if f and fold_key(f) == wanted})
    if not cats and not folders:
        known = sorted({c for c, _f in pairs if c} | {f for _c, f in pairs if f})
        raise QueryError(f"no category or folder {category!r} in the archive; known: {', '.join(known) or 'none'}")
    return cats, folders


def _name_keys_for(archive: Archive, name: str) -> list[str]:
    """Name keys whose names equal ``name`` ignoring case, diacritics and tone placement."""
    key = compare_key(name)
    exact = _rows(archive, "SELECT name_key FROM attendees WHERE name_key = ? LIMIT 1", (key,))
    if exact:
        return [exact[0][0]]
    # name_fold is fold(name) as written; compare space-collapsed in Python (few rows).
    rows = _rows(archive, "SELECT DISTINCT name_key, name_fold FROM attendees WHERE name_fold = ?", (fold(collapse_space(nfc(name))),))
    return sorted({k for k, _f in rows})


# -- search --------------------------------------------------------------------


def search(
    archive: Archive,
    query: str,
    *,
    since: str | None = None,
    until: str | None = None,
    category: str | None = None,
    person: str | None = None,
    limit: int = 20,
) -> SearchResults:
    """Full-text search, best first (bm25), each hit with a highlighted snippet.

    Returns a list of :class:`SearchHit`; see :class:`SearchResults` and
    :func:`_rank` for how a query matching more than
    :data:`RANK_CAP` articles is ranked.
    """
    parsed = parse(query)
    match = parsed.match
    limit = _limit(limit)
    _prepare(archive)
    lo, hi = date_bound(since, upper=False, option="--since"), date_bound(until, upper=True, option="--until")
    # Filters test each full-text match as FTS5 yields it, newest first, so a broad
    # query stops after RANK_CAP that pass. (An IN (list of ids) would be built whole
    # first: ~40 ms for the 90,000 ids of a wide date range.)
    where, params = day_range_clauses("a.published_at", lo, hi)
    join = bool(where)
    if category:
        cats, folders = _category_filter(archive, category)
        join = True
        where.append(
            f"(a.category IN ({','.join('?' * len(cats)) or 'NULL'}) OR a.folder IN ({','.join('?' * len(folders)) or 'NULL'}))"
        )
        params.extend(cats + folders)
    if person:
        keys = _name_keys_for(archive, person)
        if not keys:
            raise QueryError(f"--person {person!r}: nobody of that name in the archive; see `kyanh-archive people`")
        # The person's articles are listed once from the covering (name_key, …, article)
        # index and probed in memory per match. The unary + keeps the IN list away from
        # FTS5, which would otherwise run the match once per listed article.
        where.append(
            "+articles_fts.rowid IN (SELECT article FROM attendees"
            f" WHERE name_key IN ({','.join('?' * len(keys))}))"
        )
        params.extend(keys)
    try:
        top, matches, exhaustive = _rank(archive.conn, match, where, params, limit, join=join)
        if not top:
            return SearchResults(matches=matches or 0, exhaustive=exhaustive)
        ids = [r[0] for r in top]
        marks = ",".join("?" * len(ids))
        # Snippets from the hits' own text (see snippets.py): FTS5's snippet() re-runs the
        # query once per hit, which for a prefix term means re-expanding it each time.
        meta = {
            r[0]: r[1:]
            for r in archive.conn.execute(
                "SELECT id, article_id, url, title, published_at, category, lead, body, captions"
                f" FROM articles WHERE id IN ({marks})",
                ids,
            )
        }
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "fts5" in text or "syntax" in text:
            raise QueryError(f"malformed query {query!r}: {text}") from None
        raise StoreError(f"{archive.path}: {text}") from None
    hits = []
    for pk, score in top:
        article_id, url, title, published, cat, lead, body, captions = meta[pk]
        text = snippet(
            (title, lead, body, captions), parsed.positive, tokens=24, open_mark=HIGHLIGHT_OPEN, close_mark=HIGHLIGHT_CLOSE
        )
        hits.append(SearchHit(article_id, url, title, _date(published), cat, text, score))
    return SearchResults(hits, matches=matches, exhaustive=exhaustive)


def _rank(
    conn: sqlite3.Connection, match: str, filters: list[str], params: list[Any], limit: int, *, join: bool = False
) -> tuple[list[Any], int | None, bool]:
    """(rowid, score) of the best hits, the number of matches (None: not counted), exhaustive?

    ``filters`` are SQL conditions on ``articles_fts.rowid`` (or, with ``join``,
    on the article row ``a``). Up to RANK_CAP full-text matches, every one
    that passes the filters is ranked by bm25. Beyond, the query is ranked
    over the articles that match it in their title or lead (bm25 on those
    columns): for a subject that common, an article naming it there is about
    it; and of those (that pass the filters) only the most recently archived
    RANK_CAP are ranked. Too few are topped up with the most recently
    archived others that pass the filters.

    Ties in score go to the more recently archived article.
    """
    ranked = f"bm25(articles_fts, {_BM25_WEIGHTS})"
    source = "FROM articles_fts" + (" JOIN articles a ON a.id = articles_fts.rowid" if join else "")
    cond = "".join(f" AND {f}" for f in filters)
    beyond = conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (match, RANK_CAP),
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
        return [r[:2] for r in rows], rows[0][2] if rows else 0, True
    # Newest first, so bm25 is computed for the RANK_CAP rows kept only.
    top = conn.execute(
        f"SELECT id, score FROM (SELECT articles_fts.rowid AS id, {ranked} AS score {source}"
        f" WHERE articles_fts MATCH ?{cond} ORDER BY articles_fts.rowid DESC LIMIT ?)"
        " ORDER BY score, id DESC LIMIT ?",
        ("{title lead} : " + match, *params, RANK_CAP, limit),
    ).fetchall()
    if len(top) < limit:
        seen = {r[0] for r in top}
        for (rowid,) in conn.execute(
            f"SELECT articles_fts.rowid {source} WHERE articles_fts MATCH ?{cond} ORDER BY articles_fts.rowid DESC LIMIT ?",
            (match, *params, limit + len(seen)),
        ):
            if rowid not in seen and len(top) < limit:
                top.append((rowid, 0.0))
    return top, None, False


# -- people --------------------------------------------------------------------

_ROWS_SQL = (
    "SELECT at.article, at.position, a.published_at, at.name, at.name_key, at.role, at.role_key, at.role_expanded,"
    " a.article_id FROM attendees at JOIN articles a ON a.id = at.article"
)


def _ends(items: list[Any], limit: int | None) -> list[Any]:
    """All ``items``, or the first and last of them when there are more than ``limit``:
    a long timeline is shown by its two ends, where a role was first and last seen."""
    if limit is None or len(items) <= limit:
        return items
    head = (limit + 1) // 2
    return items[:head] + items[len(items) - (limit - head) :]


def _role_spans(
    apps: Sequence[Appearance], refs: dict[int, ArticleRef] | None = None, limit: int | None = None
) -> list[RoleSpan]:
    written: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, dict[int, str | None]] = defaultdict(dict)
    for app in apps:
        for role, key, _expanded in app.roles:
            written[key][role] += 1
            seen[key][app.article] = _date(app.date)
    spans = []
    for key, arts in seen.items():
        dates = sorted(d for d in arts.values() if d)
        role = max(written[key], key=lambda r: (written[key][r], r))
        shown = []
        if refs is not None:
            shown = _ends(sorted((refs[a] for a in arts if a in refs), key=_ref_order), limit)
        spans.append(RoleSpan(role, key, dates[0] if dates else None, dates[-1] if dates else None, len(arts), shown))
    spans.sort(key=lambda s: (s.first_seen or "", s.last_seen or "", s.role_key))
    return spans


def _ref_order(ref: ArticleRef) -> tuple[str, str]:
    return (ref.date or "", ref.article_id)


def _summary(entity: Entity) -> PersonSummary:
    dates = sorted(d for d in (_date(a.date) for a in entity.appearances) if d)
    return PersonSummary(
        key=entity.key,
        name=entity.name,
        locality=entity.locality,
        articles=len({a.article for a in entity.appearances}),
        first_seen=dates[0] if dates else None,
        last_seen=dates[-1] if dates else None,
        roles=_role_spans(entity.appearances),
    )


def _directory(archive: Archive) -> list[PersonSummary]:
    """Every person's summary, from the summaries the archive keeps (:mod:`.people_summary`).
    Names the rule may split (their roles name two localities) go through the resolver."""
    _require_summaries(archive)
    out = []
    split = []
    for row in people_summary.load_all(archive.conn):
        if len(row.places()) > 1:
            split.append(row.name_key)
        else:
            out.append(_summary_of(row))
    for key in sorted(split):
        res, _refs = _resolve_key(archive, key)
        out.extend(_summary(e) for e in res.entities)
    return out


def _require_summaries(archive: Archive) -> None:
    if not people_summary.available(archive.conn):
        raise StoreError(
            f"{archive.path}: this archive predates the people summaries (schema v5); open it once with write"
            " access to upgrade it (any command does), or copy it somewhere writable"
        )


def _summary_of(row: people_summary.PersonRow) -> PersonSummary:
    spans = [
        RoleSpan(row.role_written(rkey), rkey, span.first_day, span.last_day, span.articles)
        for rkey, span in row.roles.items()
    ]
    spans.sort(key=lambda r: (r.first_seen or "", r.last_seen or "", r.role_key))
    return PersonSummary(row.name_key, row.name, None, row.span.articles, row.span.first_day, row.span.last_day, spans)


def _role_matcher(role: str) -> tuple[str, ...]:
    from .extract.roles import expand_role

    return tuple({fold_key(role), fold_key(expand_role(nfc(role)))})


def people(
    archive: Archive,
    *,
    sort: PeopleSort = "articles",
    role: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[PersonSummary]:
    """The directory of people: one entry per person (see :mod:`.people_index`)."""
    if sort not in ("articles", "name", "last-seen"):
        raise QueryError(f"--sort {sort!r}: choose articles, name or last-seen")
    if limit is not None and limit < 1:
        raise QueryError(f"--limit {limit}: give a number of at least 1")
    lo = date_bound(since, upper=False, option="--since")
    _prepare(archive)
    summaries = _directory(archive)
    if role:
        wanted = _role_matcher(role)
        # A role matches from its start on whole words: "Bí thư" is not "Phó Bí thư".
        summaries = [
            s for s in summaries
            if any(fold_key(r.role_key) == w or fold_key(r.role_key).startswith(w + " ")
                   or fold_key(r.role) == w or fold_key(r.role).startswith(w + " ")
                   for r in s.roles for w in wanted)
        ]
    if lo:
        summaries = [s for s in summaries if s.last_seen and s.last_seen >= lo]
    if sort == "articles":
        summaries.sort(key=lambda s: (-s.articles, fold_key(s.name), s.key))
    elif sort == "name":
        summaries.sort(key=lambda s: (_sort_name(s.name), s.key))
    else:
        summaries.sort(key=lambda s: (s.last_seen or "", s.articles), reverse=True)
    return summaries[:limit] if limit else summaries


def _sort_name(name: str) -> tuple[str, str]:
    # Vietnamese directories sort by given name (the last syllable), then the full name.
    folded = fold_key(name)
    return (folded.rsplit(" ", 1)[-1], folded)


_LOCALITY_RE = re.compile(r"^(?P<name>.+?)\s*[(@]\s*(?P<place>[^()]+?)\s*\)?\s*$")


DEFAULT_ARTICLE_LIMIT = 50


def person(
    archive: Archive,
    name: str,
    *,
    why: bool = False,
    co_limit: int = 10,
    article_limit: int | None = DEFAULT_ARTICLE_LIMIT,
) -> PersonTimeline | Ambiguous:
    """One person's timeline, or the candidates when ``name`` means several people.

    ``name`` may carry a locality to pick one of several namesakes:
    "Nguyễn Văn Hải (xã Kỳ Tân)". The timeline lists every article up to
    ``article_limit`` (None: no limit); beyond, the earliest and latest of them,
    and so for each role.
    """
    if article_limit is not None and article_limit < 2:
        raise QueryError(f"--articles {article_limit}: give at least 2 (the first and the last), or 0 for all")
    name = collapse_space(nfc(name))
    if not name or len(name) > 200:
        raise QueryError("give a person's full name (at most 200 characters)")
    _prepare(archive)
    place = None
    m = _LOCALITY_RE.match(name)
    if m:
        name, place = m.group("name"), m.group("place")
    keys = _name_keys_for(archive, name)
    if not keys:
        like = "%" + fold(name).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = _rows(
            archive,
            "SELECT name_key, min(name), count(DISTINCT article) FROM attendees WHERE name_fold LIKE ? ESCAPE '\\'"
            " GROUP BY name_key ORDER BY 3 DESC LIMIT 50",
            (like,),
        )
        keys = [r[0] for r in rows]
        if not keys:
            raise QueryError(f"nobody named {name!r} in the archive; see `kyanh-archive people`")
    _require_summaries(archive)
    # A name whose roles name at most one locality is one person, read from its summary;
    # the others go through the resolver, which reads every appearance.
    summarised: list[people_summary.PersonRow] = []
    resolved: list[tuple[Resolution, dict[int, ArticleRef]]] = []
    for key in keys:
        row = people_summary.load(archive.conn, key)
        if row is not None and len(row.places()) <= 1:
            summarised.append(row)
        else:
            resolved.append(_resolve_key(archive, key))
    entities = [(res, e) for res, _refs in resolved for e in res.entities]
    reasons = [_one_person_reason(row) for row in summarised]
    reasons += [reason for res, _refs in resolved for reason in res.reasons]
    if place is not None:
        chosen = [(r, e) for r, e in entities if e.locality and fold_key(e.locality) == fold_key(place)]
        if not chosen:
            places = ", ".join(["-"] * len(summarised) + [e.locality or "-" for _r, e in entities])
            raise QueryError(f"{name!r} has no entry in {place!r}; entries: {places}")
        entities, summarised = chosen, []
    if len(entities) + len(summarised) > 1:
        candidates = [_summary_of(row) for row in summarised] + [_summary(e) for _r, e in entities]
        return Ambiguous(name, candidates, reasons if why else [])
    if summarised:
        return _summary_timeline(archive, summarised[0], why=reasons if why else [], co_limit=co_limit,
                                 limit=article_limit)
    res, entity = entities[0]
    refs = next(refs for r, refs in resolved if r is res)
    return _timeline(archive, entity, refs, split=len(res.entities) > 1, why=reasons if why else [],
                     co_limit=co_limit, limit=article_limit)


def _one_person_reason(row: people_summary.PersonRow) -> str:
    # The resolver's words for the same decision (people_index.resolve), from the summary.
    labels = row.localities()
    head = f"one person: all {row.span.articles} articles share the name key {row.name_key!r}; "
    if labels:
        return head + f"the only locality named in the roles is {max(labels, key=lambda p: (labels[p], p))}"
    return head + "no role names a commune, so nothing suggests namesakes"


def _person_articles(conn: sqlite3.Connection, key: str, role_key: str | None, limit: int | None) -> list[int]:
    """The articles of a name key (with that role), in date order; the two ends beyond ``limit``."""
    cond = "name_key = ?" + (" AND role_key = ?" if role_key is not None else "")
    params: tuple[Any, ...] = (key,) if role_key is None else (key, role_key)
    if limit is None:
        return [r[0] for r in conn.execute(f"SELECT DISTINCT article, day FROM attendees WHERE {cond} ORDER BY day, article",
                                            params)]
    head = (limit + 1) // 2
    first = conn.execute(f"SELECT DISTINCT article, day FROM attendees WHERE {cond} ORDER BY day, article LIMIT ?",
                         (*params, head)).fetchall()
    last = conn.execute(
        f"SELECT DISTINCT article, day FROM attendees WHERE {cond} ORDER BY day DESC, article DESC LIMIT ?",
        (*params, limit - head),
    ).fetchall()
    return list(dict.fromkeys([r[0] for r in first] + [r[0] for r in reversed(last)]))


def _article_refs(archive: Archive, ids: Sequence[int]) -> dict[int, ArticleRef]:
    out = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pk, aid, published, title, url in _rows(
            archive,
            f"SELECT id, article_id, published_at, title, url FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[int(pk)] = ArticleRef(aid, _date(published), title, url)
    return out


def _summary_timeline(
    archive: Archive, row: people_summary.PersonRow, *, why: list[str], co_limit: int, limit: int | None
) -> PersonTimeline:
    conn = archive.conn
    try:
        listed = _person_articles(conn, row.name_key, None, limit)
        by_role = {rkey: _person_articles(conn, row.name_key, rkey, limit) for rkey in row.roles}
        mates = people_summary.co_appearing(conn, row.id, co_limit)
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None
    refs = _article_refs(archive, sorted({a for ids in [listed, *by_role.values()] for a in ids}))
    summary = _summary_of(row)
    for span in summary.roles:
        span.shown_in = sorted((refs[a] for a in by_role[span.role_key] if a in refs), key=_ref_order)
    return PersonTimeline(
        key=row.name_key,
        name=row.name,
        locality=None,
        articles=sorted((refs[a] for a in listed if a in refs), key=_ref_order),
        roles=summary.roles,
        appears_with=[CoAppearance(name, key, n) for key, name, n in mates],
        why=why,
        article_count=row.span.articles,
    )


def _resolve_key(archive: Archive, key: str) -> tuple[Resolution, dict[int, ArticleRef]]:
    rows = _rows(
        archive,
        _ROWS_SQL.replace(" FROM attendees", ", a.title, a.url FROM attendees")
        + " WHERE at.name_key = ? ORDER BY at.article, at.position, at.id",
        (key,),
    )
    refs = {int(r[0]): ArticleRef(r[8], _date(r[2]), r[9], r[10]) for r in rows}
    apps = people_index.group_rows(r[:9] for r in rows)[key]
    mates = None
    if len({p for a in apps for p in a.localities}) > 1:
        mates = _mates(archive, sorted({a.article for a in apps}))
    res = people_index.resolve(key, apps, {a: {k for k, _n in names} for a, names in mates.items()} if mates else None)
    return res, refs


def _mates(archive: Archive, articles: Sequence[int]) -> dict[int, set[tuple[str, str]]]:
    out: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for start in range(0, len(articles), 500):
        chunk = articles[start : start + 500]
        for art, key, nm in _rows(
            archive,
            f"SELECT article, name_key, name FROM attendees WHERE article IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[int(art)].add((str(key), str(nm)))
    return out


def _co_appearances(archive: Archive, entity: Entity, split: bool, limit: int) -> list[CoAppearance]:
    if not split:
        # The whole name is this person: let SQLite count over the name index.
        rows = _rows(
            archive,
            "SELECT b.name_key, min(b.name), count(DISTINCT b.article) AS n"
            " FROM (SELECT DISTINCT article FROM attendees WHERE name_key = ?) a"
            " JOIN attendees b ON b.article = a.article GROUP BY b.name_key ORDER BY n DESC, b.name_key LIMIT ?",
            (entity.name_key, limit + 1),
        )
        return [CoAppearance(nm, k, n) for k, nm, n in rows if k != entity.name_key][:limit]
    counts: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for _art, pairs in _mates(archive, sorted({a.article for a in entity.appearances})).items():
        for key in {k for k, _n in pairs if k != entity.name_key}:
            counts[key] += 1
        for key, nm in pairs:
            names[key][nm] += 1
    return [
        CoAppearance(names[k].most_common(1)[0][0], k, n)
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    ]


def _timeline(
    archive: Archive, entity: Entity, refs: dict[int, ArticleRef], *, split: bool, why: list[str], co_limit: int,
    limit: int | None,
) -> PersonTimeline:
    mine = {a.article for a in entity.appearances}
    refs = {k: v for k, v in refs.items() if k in mine}
    ordered = sorted(refs.values(), key=_ref_order)
    return PersonTimeline(
        key=entity.key,
        name=entity.name,
        locality=entity.locality,
        articles=_ends(ordered, limit),
        roles=_role_spans(entity.appearances, refs, limit),
        appears_with=_co_appearances(archive, entity, split, co_limit),
        why=why,
        article_count=len(ordered),
    )


# -- stats ---------------------------------------------------------------------


def stats(archive: Archive) -> Stats:
    """What the archive holds, and how the last crawl went."""

    def one(sql: str) -> Any:
        return _rows(archive, sql)[0][0]

    by_year = {str(y or "undated"): n for y, n in _rows(
        archive, "SELECT substr(published_at, 1, 4) AS y, count(*) FROM articles GROUP BY y ORDER BY y"
    )}
    by_folder = {str(f or "-"): n for f, n in _rows(
        archive, "SELECT coalesce(folder, category) AS f, count(*) FROM articles GROUP BY f ORDER BY count(*) DESC, f"
    )}
    last = None
    run = _rows(archive, "SELECT id, started_at, finished_at, status, stats FROM runs ORDER BY id DESC LIMIT 1")
    if run:
        rid, started, finished, status, raw = run[0]
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = {"unparsed": raw}
        last = LastCrawl(int(rid), started, finished, status, parsed if isinstance(parsed, dict) else {"value": parsed})
    return Stats(
        articles=one("SELECT count(*) FROM articles"),
        by_year=by_year,
        by_folder=by_folder,
        people=one("SELECT count(*) FROM persons" if people_summary.available(archive.conn)
                   else "SELECT count(DISTINCT name_key) FROM attendees"),
        attendee_rows=one("SELECT count(*) FROM attendees"),
        versions=one("SELECT count(*) FROM versions"),
        changed_articles=one("SELECT count(*) FROM articles WHERE version_count > 1"),
        removed_articles=one("SELECT count(*) FROM articles WHERE removed_at IS NOT NULL"),
        responses=one("SELECT count(*) FROM responses"),
        raw_bytes=one("SELECT coalesce(sum(size), 0) FROM blobs"),
        stored_bytes=one("SELECT coalesce(sum(length(data)), 0) FROM blobs"),
        last_crawl=last,
    )
