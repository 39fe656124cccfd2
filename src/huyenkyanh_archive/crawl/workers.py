"""The fetch workers: a task in, one typed result out.

A worker fetches through the source, then reads what came back: an article
page is extracted (in the forked pool when there is one) and its identity
keys gathered (its address, the address it redirected to, the addresses
the page names as its own); a home, listing, sitemap or feed page is read
for its links; a page that is not there (404/410, a redirect to the home
page or a copy of it) is *gone*; anything unreadable is a failure whose raw
response is kept.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from urllib.parse import urlsplit

from ..errors import DisallowedError, ExtractError, FetchError, NotReplayableError
from ..response import Response
from ..site.site import Site
from .discover import asset_urls, decode_page, read_feed, read_page, read_sitemap
from .extraction import ExtractionPool
from .messages import (
    ArticleFetched,
    AssetFetched,
    Failed,
    Gone,
    NotAnArticle,
    NotModified,
    PageFetched,
    Result,
    Task,
    WorkerCrashed,
)
from .plan import Fetching

__all__ = ["HomePages", "Processor", "run_worker"]

_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
# A page with this many listed articles and no date of its own is a listing, not an article.
_LISTING_LINKS = 5
# Pages read as listings at once: each parse holds a whole DOM (about 0.6 MB for a portal
# page). The reading holds the GIL anyway, so more at once buys no speed, only memory.
_PARSES_AT_ONCE = 2


class HomePages:
    """What the site's home looks like: its addresses and its body's hash. A page that
    redirects there, or serves it, in place of a section or an article is gone (a soft 404)."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.digests: set[str] = set()

    def add(self, response: Response) -> None:
        self.paths.add(_path(response.url))
        if response.status == 200 and response.body:
            self.digests.add(hashlib.sha256(response.body).hexdigest())

    def is_home(self, asked: str, response: Response) -> bool:
        if _path(asked) in self.paths:
            return False
        if response.redirects and _path(response.url) in self.paths:
            return True
        return bool(response.body) and hashlib.sha256(response.body).hexdigest() in self.digests


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path.rstrip("/") or "/") + (f"?{parts.query}" if parts.query else "")


class Processor:
    """Turns one task into one result. Thread-safe: the workers share it."""

    def __init__(self, source: Fetching, site: Site, pool: ExtractionPool, homes: HomePages, *,
                 assets: bool, max_asset: int) -> None:
        self.source = source
        self.site = site
        self.pool = pool
        self.homes = homes
        self.assets = assets
        self.max_asset = max_asset
        self._parsing = threading.BoundedSemaphore(_PARSES_AT_ONCE)

    def process(self, task: Task) -> Result:
        try:
            response = self.source.fetch(task)
        except DisallowedError as exc:
            return Failed(task, str(exc), retryable=False, disallowed=True)
        except NotReplayableError as exc:
            return Gone(task, None, str(exc))  # the web archive holds no exact copy: nothing to keep
        except FetchError as exc:
            return Failed(task, str(exc))
        if task.kind == "asset":
            if response.status == 200:
                return AssetFetched(task, response)
            return Failed(task, f"HTTP {response.status}", response, retryable=response.status in _RETRYABLE)
        if response.status == 304:
            return NotModified(task, response)
        if response.status in (404, 410):
            return Gone(task, response, f"HTTP {response.status}")
        if task.kind == "capture" and response.status != 200:
            # A captured redirect or error page: kept raw (it says which addresses were
            # aliases, or that the page was gone then), never an article.
            return Gone(task, response, f"captured with HTTP {response.status}")
        if response.status != 200:
            return Failed(task, f"HTTP {response.status}", response, retryable=response.status in _RETRYABLE)
        if task.kind != "home" and self.homes.is_home(task.url, response):
            return Gone(task, response, "the home page served in its place")
        if task.kind in ("article", "capture"):
            return self._article(task, response)
        return self._page(task, response)

    def _page(self, task: Task, response: Response) -> Result:
        if task.kind == "sitemap":
            return PageFetched(task, response, "sitemap", sitemap=read_sitemap(response.body, response.url, self.site))
        if task.kind == "feed":
            return PageFetched(task, response, "feed", feed=read_feed(response.body, response.url, self.site))
        with self._parsing:
            listing = read_page(response.body, response.url, self.site)
        return PageFetched(task, response, "home" if task.kind == "home" else "listing", listing=listing)

    def _article(self, task: Task, response: Response) -> Result:
        try:
            extracted = self.pool.extract(response.body, response.url, dict(response.headers))
        except BrokenProcessPool:
            # A worker died (killed, out of memory): this page is kept raw and retried next
            # run; the rest of this run extracts in-thread.
            self.pool.degrade()
            return Failed(task, "extractor process died on this page", response, retryable=False)
        except ExtractError as exc:
            return self._not_an_article(task, response, f"extract: {exc}")
        except Exception as exc:  # noqa: BLE001 - an extractor bug must not lose the raw page
            return Failed(task, f"extractor failed: {type(exc).__name__}: {exc}", response, retryable=False)
        record = extracted.record
        if self.site.generic and record.published_at is None:
            return self._not_an_article(task, response, "no publication date: not an article")
        keys = list(task.ref.keys if task.ref else ())
        final = self.site.article(response.url)
        if final is not None:
            keys += final.keys
        keys += extracted.page_keys
        links = [ref for r in record.related if (ref := self.site.article(r.url)) is not None]
        assets = asset_urls(response.body, response.url, self.site) if self.assets else []
        return ArticleFetched(task, response, record, extracted.prepared, extracted.body, tuple(dict.fromkeys(keys)),
                              links, assets)

    def _not_an_article(self, task: Task, response: Response, reason: str) -> Result:
        """A page at an article's address that is no article: a listing (walked as a section), or a page."""
        with self._parsing:
            listing = read_page(response.body, response.url, self.site, text=decode_page(response.body))
        if len(listing.articles) >= _LISTING_LINKS or (self.site.generic and listing.next_url and listing.articles):
            return NotAnArticle(task, response, "it lists articles: a section", listing)
        if not self.site.generic:
            return Failed(task, reason, response, retryable=False)
        return NotAnArticle(task, response, reason)


def run_worker(work: queue.Queue[Task | None], results: queue.Queue[Result], process: Callable[[Task], Result],
               stop: threading.Event) -> None:
    """A worker thread's loop: tasks until a None, each answered with exactly one result."""
    while True:
        try:
            task = work.get(timeout=0.1)
        except queue.Empty:
            if stop.is_set():
                return
            continue
        if task is None:
            return
        try:
            result = process(task)
        except BaseException as exc:  # noqa: BLE001 - reported to the engine, which stops the run
            results.put(WorkerCrashed("worker", exc))
            return
        results.put(result)
