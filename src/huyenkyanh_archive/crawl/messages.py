"""Typed messages between the crawl's parts.

The scheduler hands :class:`Task` objects to the fetch workers; each worker
answers with one result message, which the writer stores and the planner
(the source's discovery) reads for new tasks::

    planner ──Task──► scheduler ──Task──► workers ──result──► writer ──► planner
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..archive import HeldArticle, PreparedBody, PreparedRecord
from ..record import Article
from ..response import Response
from ..site.urls import ArticleRef
from .discover import Listing, SitemapDoc

__all__ = [
    "ArticleFetched", "AssetFetched", "Failed", "Gone", "NotAnArticle", "NotModified", "PageFetched", "PageKind", "Result", "Task", "TaskResult",
    "TaskKind", "WorkerCrashed",
]

TaskKind = Literal["home", "listing", "sitemap", "feed", "article", "asset", "capture"]
PageKind = Literal["home", "listing", "sitemap", "feed"]


@dataclass(slots=True)
class Task:
    """One address to fetch, and why."""

    kind: TaskKind
    url: str  # on the site's own host (the fetcher maps it to the fetch address)
    ref: ArticleRef | None = None  # an article's identity, as its address gives it
    section: str | None = None  # the section (its key) a listing page belongs to
    page: int = 1  # which page of the section
    found_by: str = ""  # how the address was found: home, menu, listing, sitemap, feed, profile, article…
    revisit: HeldArticle | None = None  # a held article re-checked with a conditional GET
    etag: str | None = None  # validators for a conditional GET (revisits, sitemaps, feeds)
    last_modified: str | None = None
    waiting: list[str] = field(default_factory=list)  # assets: the articles (ids) to link once stored
    round: int = 0  # 0: the first try; 1: the end-of-run try of a task that failed its retries
    # A web-archive capture: the archive's address to fetch and the capture's time.
    capture_url: str | None = None
    captured_at: str | None = None


@dataclass(slots=True)
class ArticleFetched:
    """An article page fetched and extracted."""

    task: Task
    response: Response
    record: Article
    prepared: PreparedRecord
    body: PreparedBody
    keys: tuple[str, ...]  # every identity key: the address's, the final address's, the page's own
    links: list[ArticleRef] = field(default_factory=list)  # other articles the page links (related news)
    assets: list[str] = field(default_factory=list)  # images and attachments it links (with --assets)


@dataclass(slots=True)
class PageFetched:
    """A home, listing, sitemap or feed page fetched and read."""

    task: Task
    response: Response
    kind: PageKind
    listing: Listing | None = None
    sitemap: SitemapDoc | None = None
    feed: list[ArticleRef] = field(default_factory=list)
    body: PreparedBody | None = None


@dataclass(slots=True)
class NotAnArticle:
    """An address that looked like an article but serves no article (kept as a page)."""

    task: Task
    response: Response
    reason: str
    listing: Listing | None = None  # it lists articles: it is a section, walked as one


@dataclass(slots=True)
class NotModified:
    """A conditional GET answered 304: nothing changed."""

    task: Task
    response: Response


@dataclass(slots=True)
class Gone:
    """A page that is not there: 404/410, or a redirect to (or a copy of) the home page."""

    task: Task
    response: Response | None
    reason: str


@dataclass(slots=True)
class Failed:
    """A fetch or an extraction that failed; ``response`` is kept when there was one."""

    task: Task
    error: str
    response: Response | None = None
    retryable: bool = True  # worth the end-of-run round (a page that cannot be read is not)
    disallowed: bool = False  # robots.txt forbids it


@dataclass(slots=True)
class AssetFetched:
    task: Task
    response: Response


@dataclass(slots=True)
class WorkerCrashed:
    where: str
    exc: BaseException


# What a task came to (what planners read), and what the workers put on the results queue.
TaskResult = ArticleFetched | PageFetched | NotAnArticle | NotModified | Gone | Failed | AssetFetched
Result = TaskResult | WorkerCrashed
