"""What the query functions return: plain dataclasses; ``to_dict()`` is their ``--json`` form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..archive.people_reads import ArticleRef

__all__ = ["Ambiguous", "ArticleRef", "AtAnswer", "CoAppearance", "HolderBrief", "LastCrawl", "OfficeAmbiguous",
           "OfficeAt", "OfficeEntry", "OfficeForm", "OfficeHolder", "OfficeTimeline", "PersonOffice", "PersonSummary",
           "PersonTimeline", "RoleSpan", "SearchHit", "SearchResults", "Stats"]


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
class PersonOffice(_Dict):
    """One office a person is seen holding (their roles grouped by office key)."""

    key: str
    label: str
    kind: str
    first_seen: str | None
    last_seen: str | None
    articles: int
    forms: list[str] = field(default_factory=list)  # the person's written forms of it, the most written first


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
    offices: list[PersonOffice] = field(default_factory=list)


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
    responses_by_source: dict[str, int]
    versions_by_source: dict[str, int]
    articles_by_source: dict[str, int]
    sections: dict[str, int]
    raw_bytes: int
    stored_bytes: int
    last_crawl: LastCrawl | None


# -- offices -----------------------------------------------------------------------

AtAnswer = Literal["held", "last-seen-before", "none-before"]


@dataclass(slots=True)
class OfficeHolder(_Dict):
    """A person seen holding an office: the evidence and the articles at both ends."""

    name: str
    name_key: str
    articles: int
    first_seen: str | None
    last_seen: str | None
    first_article: ArticleRef | None
    last_article: ArticleRef | None


@dataclass(slots=True)
class OfficeForm(_Dict):
    role: str  # as written
    articles: int  # articles writing it, summed over the holders


@dataclass(slots=True)
class OfficeAt(_Dict):
    """Who held the office on a day, as far as the articles show.

    ``answer`` is "held" (the holders seen in it before and after the day, or on it),
    "last-seen-before" (nobody's span contains the day; ``holders`` are the ones last
    seen in it before that day) or "none-before" (nobody seen in it on or before the
    day; ``holders`` are the first seen after it). ``statement`` says it in words.
    """

    day: str
    answer: AtAnswer
    holders: list[OfficeHolder]
    statement: str


@dataclass(slots=True)
class OfficeTimeline(_Dict):
    """An office's holders in the order they were first seen."""

    key: str
    label: str
    kind: str
    position: str | None
    organ: str | None
    level: str | None
    locality: str | None
    unplaced: bool  # a commune-level office written without its commune: holders from any commune
    articles: int
    first_seen: str | None
    last_seen: str | None
    holders: list[OfficeHolder]
    forms: list[OfficeForm]
    at: OfficeAt | None = None
    notes: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


@dataclass(slots=True)
class HolderBrief(_Dict):
    name: str
    name_key: str
    articles: int
    first_seen: str | None
    last_seen: str | None


@dataclass(slots=True)
class OfficeEntry(_Dict):
    """An office in the directory: the holder last seen in it, and the others."""

    key: str
    label: str
    kind: str
    position: str | None
    organ: str | None
    level: str | None
    locality: str | None
    unplaced: bool
    articles: int
    holder_count: int
    first_seen: str | None
    last_seen: str | None
    current: HolderBrief | None  # the holder with the latest last-seen day
    past: list[HolderBrief] = field(default_factory=list)  # the others, the most recently seen first


@dataclass(slots=True)
class OfficeAmbiguous(_Dict):
    """The text names several offices: the candidates, the most written first."""

    query: str
    candidates: list[OfficeEntry]
    more: int = 0  # candidates beyond those listed
    why: list[str] = field(default_factory=list)
