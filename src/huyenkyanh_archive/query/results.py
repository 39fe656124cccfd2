"""What the query functions return: plain dataclasses; ``to_dict()`` is their ``--json`` form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..archive.people_reads import ArticleRef

__all__ = ["Ambiguous", "ArticleRef", "CoAppearance", "LastCrawl", "PersonSummary", "PersonTimeline", "RoleSpan",
           "SearchHit", "SearchResults", "Stats"]


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
    than the rank cap (they are not counted). ``exhaustive`` is False when the
    query was that broad: see :func:`.fulltext.search`.
    """

    def __init__(self, hits: Iterable[SearchHit] = (), *, matches: int | None = None, exhaustive: bool = True) -> None:
        super().__init__(hits)
        self.matches = matches
        self.exhaustive = exhaustive


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
