"""``search``: full-text search, best first, each hit with a highlighted snippet.

The query is parsed here (:mod:`.ftsquery`), filters are resolved against
the archive's categories and people, the archive ranks the matches
(:func:`..archive.search_index.rank`), and snippets are cut from the hits'
own text (:mod:`.snippets`).
"""

from __future__ import annotations

from ..archive import search_index
from ..archive.search_index import SearchFilter
from ..archive.store import Archive
from ..clock import day_bound
from ..errors import QueryError
from ..vietnamese import fold_key
from .ftsquery import parse
from .names import name_keys_for
from .results import SearchHit, SearchResults
from .snippets import snippet

__all__ = ["HIGHLIGHT_OPEN", "HIGHLIGHT_CLOSE", "MAX_LIMIT", "RANK_CAP", "search"]

HIGHLIGHT_OPEN = "«"
HIGHLIGHT_CLOSE = "»"
MAX_LIMIT = 1000
# Every match is scored before the best are known (FTS5 has no top-k), so a
# query matching most of the archive costs ~2-3 µs per article. Above this many
# matches a query is ranked by its title-and-lead matches instead (see search_index.rank).
RANK_CAP = 5000


def check_limit(limit: int) -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"--limit {limit}: give a number from 1 to {MAX_LIMIT}")
    return limit


def search(
    archive: Archive,
    query: str,
    *,
    since: str | None = None,
    until: str | None = None,
    category: str | None = None,
    person: str | None = None,
    limit: int = 20,
    rank_cap: int | None = None,
) -> SearchResults:
    """Full-text search, best first (bm25), each hit with a highlighted snippet.

    A query matching more than ``rank_cap`` (:data:`RANK_CAP`) articles is
    ranked over its title-and-lead matches: see :func:`..archive.search_index.rank`.
    """
    parsed = parse(query)
    limit = check_limit(limit)
    archive.tune_for_reading()
    categories: tuple[str, ...] | None = None
    folders: tuple[str, ...] = ()
    if category:
        categories, folders = _category_filter(archive, category)
    keys: tuple[str, ...] | None = None
    if person:
        keys = tuple(name_keys_for(archive, person))
        if not keys:
            raise QueryError(f"--person {person!r}: nobody of that name in the archive; see `kyanh-archive people`")
    filt = SearchFilter(
        since=day_bound(since, upper=False, option="--since"),
        until=day_bound(until, upper=True, option="--until"),
        categories=categories, folders=folders, name_keys=keys,
    )
    try:
        ranked = search_index.rank(archive, parsed.match, filt, limit, rank_cap or RANK_CAP)
    except QueryError as exc:
        raise QueryError(f"malformed query {query!r}: {exc}") from None
    if not ranked.top:
        return SearchResults(matches=ranked.matches or 0, exhaustive=ranked.exhaustive)
    texts = search_index.hit_texts(archive, [pk for pk, _score in ranked.top])
    hits = []
    for pk, score in ranked.top:
        t = texts[pk]
        text = snippet((t.title, t.lead, t.body, t.captions), parsed.positive, tokens=24,
                       open_mark=HIGHLIGHT_OPEN, close_mark=HIGHLIGHT_CLOSE)
        hits.append(SearchHit(t.article_id, t.url, t.title, t.published_at[:10] if t.published_at else None,
                              t.category, text, score))
    return SearchResults(hits, matches=ranked.matches, exhaustive=ranked.exhaustive)


def _category_filter(archive: Archive, category: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    wanted = fold_key(category)
    pairs = search_index.category_pairs(archive)
    cats = sorted({c for c, _f in pairs if c and fold_key(c) == wanted})
    folders = sorted({f for _c, f in pairs if f and fold_key(f) == wanted})
    if not cats and not folders:
        known = sorted({c for c, _f in pairs if c} | {f for _c, f in pairs if f})
        raise QueryError(f"no category or folder {category!r} in the archive; known: {', '.join(known) or 'none'}")
    return tuple(cats), tuple(folders)
