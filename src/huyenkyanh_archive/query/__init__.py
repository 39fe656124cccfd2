"""Research queries over an archive: search, people, person timelines, stats.

Each function takes an :class:`~..archive.Archive` (``open_archive(path,
readonly=True)`` is enough) and returns plain dataclasses (:mod:`.results`);
``to_dict()`` gives their ``--json`` form. The SQL is the archive's
(:mod:`..archive.search_index`, :mod:`..archive.people_reads`); this layer
parses, resolves and shapes.
"""

from __future__ import annotations

from .fulltext import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, MAX_LIMIT, RANK_CAP, search
from .overview import stats
from .persons import DEFAULT_ARTICLE_LIMIT, PeopleSort, people, person
from .results import (
    Ambiguous,
    ArticleRef,
    CoAppearance,
    LastCrawl,
    PersonSummary,
    PersonTimeline,
    RoleSpan,
    SearchHit,
    SearchResults,
    Stats,
)

__all__ = [
    "DEFAULT_ARTICLE_LIMIT", "HIGHLIGHT_CLOSE", "HIGHLIGHT_OPEN", "MAX_LIMIT", "RANK_CAP", "Ambiguous", "ArticleRef",
    "CoAppearance", "LastCrawl", "PeopleSort", "PersonSummary", "PersonTimeline", "RoleSpan", "SearchHit",
    "SearchResults", "Stats", "people", "person", "search", "stats",
]
