"""What a source's planner decides about one result, and the protocols a source fulfils.

A *source* is where responses come from (the live host, the Wayback
Machine, WARC files); it has two halves:

- :class:`Fetching` (in the fetch workers): turns a :class:`~.messages.Task`
  into a :class:`~..response.Response`;
- :class:`Planner` (in the engine's thread): what to fetch first, and what
  each stored result leads to (:class:`Plan`: more tasks, articles for the
  frontier, sections found, walked or gone).

The writer applies a plan in the same transaction as the result it came
from, so a killed crawl never has a listing page stored without the articles
it listed queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..archive import QueuedArticle
from ..archive.sections import FoundBy, SectionKind
from ..response import Response
from .messages import Task, TaskResult

if TYPE_CHECKING:
    from ..archive import Archive
    from ..site.site import Site
    from .events import CrawlSummary
    from .options import CrawlOptions

__all__ = ["Fetching", "Plan", "Planner", "RunContext", "SectionFound", "SectionGone", "SectionWalked"]


@dataclass(frozen=True, slots=True)
class SectionFound:
    url: str  # path and query of the first page
    name: str | None
    kind: SectionKind
    found_by: FoundBy


@dataclass(frozen=True, slots=True)
class SectionWalked:
    url: str
    kind: SectionKind
    pages: int
    complete: bool  # the walk reached the last page
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class SectionGone:
    url: str
    reason: str


@dataclass(slots=True)
class Plan:
    """What one result leads to."""

    tasks: list[Task] = field(default_factory=list)
    frontier: list[QueuedArticle] = field(default_factory=list)
    found: list[SectionFound] = field(default_factory=list)
    walked: list[SectionWalked] = field(default_factory=list)
    gone: list[SectionGone] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # emitted once written
    asset_links: list[tuple[str, str]] = field(default_factory=list)  # (article key, asset address) already held
    meta: dict[str, str] = field(default_factory=dict)  # what the archive remembers of the site (its generation)


@dataclass(slots=True)
class RunContext:
    """What a planner may read and use during a run (from the engine's thread only)."""

    archive: Archive  # reads: which keys are held, the sections, the frontier
    site: Site
    options: CrawlOptions
    summary: CrawlSummary
    emit: Callable[..., None]
    allowed: Callable[[str], bool]  # robots.txt
    robots: Response | None = None  # robots.txt as fetched (its Sitemap: lines)


class Fetching(Protocol):
    """The fetch half of a source: runs in the fetch workers, thread-safe."""

    @property
    def requests(self) -> int: ...  # counters for the summary (read-only to the engine)

    @property
    def retries(self) -> int: ...

    @property
    def bytes(self) -> int: ...

    def prepare(self) -> Response | None:
        """Before the run: robots.txt (its response, kept) or whatever the source needs."""

    def fetch(self, task: Task) -> Response:
        """The task's response; raises :class:`~..errors.FetchError` when it cannot be had."""

    def allowed(self, url: str) -> bool:
        """robots.txt allows ``url`` (always True for a web archive's copies)."""

    def close(self) -> None: ...


class Planner(Protocol):
    """The discovery half of a source: runs in the engine's thread."""

    def start(self, ctx: RunContext) -> Plan:
        """The first tasks (and sections found before any fetch)."""

    def plan(self, result: TaskResult, ctx: RunContext) -> Plan:
        """What ``result`` leads to; called before the result is written."""

    def more(self, ctx: RunContext) -> Plan | None:
        """Work held back until the scheduler has room (a long list read a slice at a
        time, so memory does not grow with it); None when nothing is held back."""

    def idle(self, ctx: RunContext) -> Plan:
        """Nothing queued or in flight: more work (an empty plan ends the run)."""
