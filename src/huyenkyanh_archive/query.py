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

from . import people_index
from .errors import QueryError, StoreError
from .ftsquery import to_fts
from .people_index import Appearance, Entity, Resolution
from .store import Archive
from .vietnamese import collapse_space, compare_key, fold, fold_key, nfc

HIGHLIGHT_OPEN = "«"
HIGHLIGHT_CLOSE = "»"
MAX_LIMIT = 1000
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
    key: str
    name: str
    locality: str | None
    articles: list[ArticleRef]
    roles: list[RoleSpan]
    appears_with: list[CoAppearance]
    why: list[str] = field(default_factory=list)


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


def _date_bound(value: str | None, *, upper: bool, option: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _DATE_RE.match(value):
        raise QueryError(f"{option} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    if upper:
        return value + "-12-31"[len(value) - 4 :] if len(value) < 10 else value
    return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value


def _limit(limit: int) -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"--limit {limit}: give a number from 1 to {MAX_LIMIT}")
    return limit


def _rows(archive: Archive, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
    try:
        return archive.conn.execute(sql, tuple(params)).fetchall()
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None


def _category_filter(archive: Archive, category: str) -> tuple[list[str], list[str]]:
    wanted = fold_key(category)
    pairs = _rows(archive, "SELECT DISTINCT category, folder FROM articles")
    cats = sorted({c for c, _f in pairs if c and fold_key(c) == wanted})
    folders = sorted({f for _c, f in pairs if f and fold_key(f) == wanted})
    if not cats and not folders:
        known = sorted({c for c, _f in pairs if c} | {f for _c, f in pairs if f})
        raise QueryError(f"no category or folder {category!r} in the archive; known: {', '.join(known) or 'none'}")
    return cats, folders


def _name_keys_for(archive: Archive, name: str) -> list[str]:
    """Name keys whose names equal ``name`` ignoring case, diacritics and tone placement."""
    key = compare_key(name)
    exact = _rows(archive, "SELECT DISTINCT name_key FROM attendees WHERE name_key = ?", (key,))
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
) -> list[SearchHit]:
    """Full-text search, best first (bm25), each hit with a highlighted snippet."""
    match = to_fts(query)
    limit = _limit(limit)
    where, params = ["articles_fts MATCH ?"], [match]
    lo, hi = _date_bound(since, upper=False, option="--since"), _date_bound(until, upper=True, option="--until")
    if lo:
        where.append("substr(a.published_at, 1, 10) >= ?")
        params.append(lo)
    if hi:
        where.append("substr(a.published_at, 1, 10) <= ?")
        params.append(hi)
    if category:
        cats, folders = _category_filter(archive, category)
        where.append(
            f"(a.category IN ({','.join('?' * len(cats)) or 'NULL'}) OR a.folder IN ({','.join('?' * len(folders)) or 'NULL'}))"
        )
        params.extend(cats + folders)
    if person:
        keys = _name_keys_for(archive, person)
        if not keys:
            raise QueryError(f"--person {person!r}: nobody of that name in the archive; see `kyanh-archive people`")
        where.append(f"a.id IN (SELECT article FROM attendees WHERE name_key IN ({','.join('?' * len(keys))}))")
        params.extend(keys)
    filtered = len(where) > 1
    if filtered:
        ranked = (
            f"SELECT a.id, bm25(articles_fts, {_BM25_WEIGHTS}) AS score FROM articles_fts"
            f" JOIN articles a ON a.id = articles_fts.rowid WHERE {' AND '.join(where)} ORDER BY score LIMIT ?"
        )
    else:
        # No join while ranking: every match is scored, so each per-row step counts.
        ranked = f"SELECT rowid, bm25(articles_fts, {_BM25_WEIGHTS}) AS score FROM articles_fts WHERE articles_fts MATCH ? ORDER BY score LIMIT ?"
    try:
        top = archive.conn.execute(ranked, (*params, limit)).fetchall()
        if not top:
            return []
        ids = [r[0] for r in top]
        marks = ",".join("?" * len(ids))
        meta = {
            r[0]: r[1:]
            for r in archive.conn.execute(
                f"SELECT id, article_id, url, title, published_at, category FROM articles WHERE id IN ({marks})", ids
            )
        }
        # Snippets for the page of hits only: computing them inside the ranked query
        # would build one for every match before the sort.
        snippets = dict(
            archive.conn.execute(
                f"SELECT rowid, snippet(articles_fts, -1, '{HIGHLIGHT_OPEN}', '{HIGHLIGHT_CLOSE}', '…', 24)"
                f" FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks})",
                (match, *ids),
            ).fetchall()
        )
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "fts5" in text or "syntax" in text:
            raise QueryError(f"malformed query {query!r}: {text}") from None
        raise StoreError(f"{archive.path}: {text}") from None
    hits = []
    for pk, score in top:
        article_id, url, title, published, cat = meta[pk]
        hits.append(SearchHit(article_id, url, title, _date(published), cat, snippets.get(pk, ""), score))
    return hits


# -- people --------------------------------------------------------------------

_ROWS_SQL = (
    "SELECT at.article, at.position, a.published_at, at.name, at.name_key, at.role, at.role_key, at.role_expanded,"
    " a.article_id FROM attendees at JOIN articles a ON a.id = at.article"
)


def _coattendees(rows: Iterable[Sequence[Any]]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        out[int(row[0])].add(str(row[4]))
    return out


def _role_spans(apps: Sequence[Appearance], refs: dict[int, ArticleRef] | None = None) -> list[RoleSpan]:
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
            shown = sorted((refs[a] for a in arts if a in refs), key=lambda r: (r.date or "", r.article_id))
        spans.append(RoleSpan(role, key, dates[0] if dates else None, dates[-1] if dates else None, len(arts), shown))
    spans.sort(key=lambda s: (s.first_seen or "", s.last_seen or "", s.role_key))
    return spans


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


def _resolve_all(rows: list[Any]) -> list[Resolution]:
    grouped = people_index.group_rows(rows)
    mates: dict[int, set[str]] | None = None
    out = []
    for key, apps in grouped.items():
        if len({p for a in apps for p in a.localities}) > 1 and mates is None:
            mates = _coattendees(rows)
        out.append(people_index.resolve(key, apps, mates))
    return out


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
    lo = _date_bound(since, upper=False, option="--since")
    rows = _rows(archive, _ROWS_SQL + " ORDER BY at.article, at.position, at.id")
    summaries = [_summary(e) for res in _resolve_all(rows) for e in res.entities]
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


def person(archive: Archive, name: str, *, why: bool = False, co_limit: int = 10) -> PersonTimeline | Ambiguous:
    """One person's timeline, or the candidates when ``name`` means several people.

    ``name`` may carry a locality to pick one of several namesakes:
    "Nguyễn Văn Hải (xã Kỳ Tân)".
    """
    name = collapse_space(nfc(name))
    if not name or len(name) > 200:
        raise QueryError("give a person's full name (at most 200 characters)")
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
    resolutions = [_resolve_key(archive, k) for k in keys]
    entities = [(res, e) for res in resolutions for e in res.entities]
    if place is not None:
        chosen = [(r, e) for r, e in entities if e.locality and fold_key(e.locality) == fold_key(place)]
        if not chosen:
            places = ", ".join(e.locality or "-" for _r, e in entities)
            raise QueryError(f"{name!r} has no entry in {place!r}; entries: {places}")
        entities = chosen
    reasons = [reason for res in resolutions for reason in res.reasons]
    if len(entities) > 1:
        return Ambiguous(name, [_summary(e) for _r, e in entities], reasons if why else [])
    res, entity = entities[0]
    return _timeline(archive, entity, reasons if why else [], co_limit)


def _resolve_key(archive: Archive, key: str) -> Resolution:
    rows = _rows(archive, _ROWS_SQL + " WHERE at.name_key = ? ORDER BY at.article, at.position, at.id", (key,))
    apps = people_index.group_rows(rows)[key]
    mates = None
    if len({p for a in apps for p in a.localities}) > 1:
        mates = _mates(archive, sorted({a.article for a in apps}))
    return people_index.resolve(key, apps, {a: {k for k, _n in names} for a, names in mates.items()} if mates else None)


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


def _timeline(archive: Archive, entity: Entity, why: list[str], co_limit: int) -> PersonTimeline:
    articles = sorted({a.article for a in entity.appearances})
    refs: dict[int, ArticleRef] = {}
    for start in range(0, len(articles), 500):
        chunk = articles[start : start + 500]
        for pk, aid, published, title, url in _rows(
            archive,
            f"SELECT id, article_id, published_at, title, url FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            refs[int(pk)] = ArticleRef(aid, _date(published), title, url)
    counts: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for _art, pairs in _mates(archive, articles).items():
        for key in {k for k, _n in pairs if k != entity.name_key}:
            counts[key] += 1
        for key, nm in pairs:
            names[key][nm] += 1
    co = [
        CoAppearance(names[k].most_common(1)[0][0], k, n)
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], fold_key(kv[0])))[:co_limit]
    ]
    ordered = sorted(refs.values(), key=lambda r: (r.date or "", r.article_id))
    return PersonTimeline(
        key=entity.key,
        name=entity.name,
        locality=entity.locality,
        articles=ordered,
        roles=_role_spans(entity.appearances, refs),
        appears_with=co,
        why=why,
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
        people=one("SELECT count(DISTINCT name_key) FROM attendees"),
        attendee_rows=one("SELECT count(*) FROM attendees"),
        versions=one("SELECT count(*) FROM versions"),
        changed_articles=one("SELECT count(*) FROM articles WHERE version_count > 1"),
        removed_articles=one("SELECT count(*) FROM articles WHERE removed_at IS NOT NULL"),
        responses=one("SELECT count(*) FROM responses"),
        raw_bytes=one("SELECT coalesce(sum(size), 0) FROM blobs"),
        stored_bytes=one("SELECT coalesce(sum(length(data)), 0) FROM blobs"),
        last_crawl=last,
    )
