"""The crawl: discover, fetch, extract, store; incremental, resumable, one per database.

Threads:

- a *walker* (:class:`_Walker`) walks the folders' listing pages
  (``discover``) and queues the articles it does not hold, then the leftovers
  and the revisits;
- ``concurrency`` *workers* (:class:`_Workers`) fetch and extract (the
  fetcher spaces and caps requests to the host, whatever the number of
  workers);
- the calling thread is the only *writer* (:class:`_Writer`): one transaction
  per listing page and one per article (response + blob + record + children +
  FTS).

They share a :class:`_Shared` (options, fetcher, stop flag, events) and talk
through two queues of typed messages; :class:`_Crawl` starts and ends a run.

The database is the crawl's memory: the frontier (discovered, not yet
archived), the folders whose walk reached the end once, the runs. A crawl
killed at any point leaves whole articles or none, and the next one goes on
from there without refetching what is stored.

Incremental rule: a folder's walk stops at the first listing page whose
articles are all held, once that folder has been walked to its end once
(``full`` walks everything and revisits what the listings no longer show).
Articles published within ``revisit_days`` are revisited with a conditional
GET: 304 is unchanged, a changed page gives a new version, 404/410 marks the
article removed (never deleted).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import extract as _extract_pkg
from ..archive import (
    Archive,
    HeldArticle,
    PreparedBody,
    PreparedRecord,
    QueuedArticle,
    content_hash,
    open_archive,
    prepare_body,
    prepare_record,
)
from ..archive.lock import CrawlLock
from ..clock import utc_now, vn_today
from ..errors import ArchiveError, CrawlBugError, DisallowedError, ExtractError, FetchError, StoreError
from ..record import Article
from ..site.profile import Profile, load_profile
from .discover import asset_urls, folder_url, parse_listing
from .fetch import DEFAULT_USER_AGENT, Fetcher, FetchEvent, FetchOptions, FetchResult

_POLL = 0.1



@dataclass(slots=True)
class CrawlOptions:
    folders: tuple[str, ...] = ()  # empty: the profile's folders
    since: date | None = None  # only articles published on or after this day
    max_articles: int | None = None  # at most this many article fetches for new articles
    full: bool = False  # walk every listing page; revisit what the listings no longer show
    concurrency: int = 1
    delay: float = 1.0  # seconds between request starts on the host
    user_agent: str = DEFAULT_USER_AGENT
    base_url: str | None = None  # fetch the site from this address (a mirror, a local replica)
    revisit_days: float = 14.0  # revisit articles published this recently (conditional GET)
    assets: bool = False  # also archive same-host images and attachments linked by articles
    retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_body: int = 20 * 1024 * 1024
    max_asset: int = 50 * 1024 * 1024
    max_attempts: int = 5  # a frontier article that failed in this many runs is skipped until --full
    max_pages: int = 100_000  # per folder: a pager that never ends
    respect_robots: bool = True
    seed: int | None = None  # backoff jitter, for reproducible tests
    # Extraction is pure CPU: with more than one request in flight it runs in this many
    # worker processes so it does not queue behind the GIL (None: automatic; 0: in-thread).
    extract_processes: int | None = None
    max_page_count: int | None = None  # cap the database's size in pages: a full disk, for tests
    # Called by the writer with a stage name ("fetched", "response", "saved", "fts", "committed")
    # around each article's transaction: fault-injection tests SIGKILL the process there.
    stage_hook: Callable[[str], None] | None = None


@dataclass(slots=True)
class Event:
    """One thing that happened; ``--json`` prints each as a line."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=utc_now)

    def to_json(self) -> str:
        return json.dumps({"event": self.kind, "at": self.at, **self.data}, ensure_ascii=False, default=str)


@dataclass(slots=True)
class CrawlSummary:
    run_id: int = 0
    status: str = "ok"  # ok | partial | failed | interrupted
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    gone: int = 0  # discovered but answering 404/410 before it was ever archived
    disallowed: int = 0  # listed articles robots.txt forbids: never fetched
    failed: int = 0
    listing_pages: int = 0
    listing_failures: int = 0
    folders: int = 0
    assets: int = 0
    asset_failures: int = 0
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    elapsed: float = 0.0
    errors: list[str] = field(default_factory=list)  # the first few failure messages

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.listing_failures == 0 and self.status == "ok"

    @property
    def articles(self) -> int:
        return self.new + self.changed + self.unchanged + self.removed + self.gone + self.failed

    @property
    def nothing_new(self) -> bool:
        return self.new == 0 and self.changed == 0 and self.removed == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Task:
    article_id: str
    url: str  # canonical
    folder: str | None
    revisit: bool = False
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class _ArticleDone:
    task: _Task
    response: FetchResult | None = None
    record: Article | None = None
    error: str | None = None
    assets: list[tuple[str, FetchResult | None, str | None]] = field(default_factory=list)
    prepared: PreparedRecord | None = None
    body: PreparedBody | None = None


@dataclass(slots=True)
class _ListingDone:
    folder: str
    page: int
    response: FetchResult | None
    new: list[tuple[str, str, str | None]]
    error: str | None = None
    body: PreparedBody | None = None


@dataclass(slots=True)
class _FolderDone:
    folder: str
    pages: int
    complete: bool
    stopped: str


@dataclass(slots=True)
class _Disallowed:
    urls: list[str]


@dataclass(slots=True)
class _Crashed:
    where: str
    exc: BaseException


_WORKER_DONE = object()


def extract_page(body: bytes, url: str, profile: Profile, headers: dict[str, str] | None = None) -> Article:
    """The current extractor over one page (looked up at call time, so it can be upgraded in place)."""
    fn = getattr(_extract_pkg, "extract_article", None)
    if fn is None:
        raise ExtractError("the extractor is not installed (huyenkyanh_archive.extract.extract_article missing)")
    return fn(body, url, profile=profile, headers=headers, source=url)


_CHILD_PROFILE: Profile | None = None


def _child_init(profile: Profile, inherited_fds: tuple[int, ...]) -> None:
    global _CHILD_PROFILE
    _CHILD_PROFILE = profile
    # The crawl lock is an flock shared by every copy of its descriptor: a forked child
    # holding one would keep the database locked after the crawl itself died.
    for fd in inherited_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    parent = os.getppid()

    def watch() -> None:
        # A SIGKILLed crawl cannot stop its pool: its workers leave by themselves.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _extract_and_prepare(
    body: bytes, url: str, profile: Profile, headers: dict[str, str]
) -> tuple[Article, PreparedRecord, PreparedBody]:
    """Extraction plus the writer's CPU work (JSON, hashes, folding, compression), done
    by a worker so that the single writer only runs SQL."""
    record = extract_page(body, url, profile, headers)
    return record, prepare_record(record), prepare_body(body)


def _child_extract(body: bytes, url: str, headers: dict[str, str]) -> tuple[Article, PreparedRecord, PreparedBody]:
    assert _CHILD_PROFILE is not None
    return _extract_and_prepare(body, url, _CHILD_PROFILE, headers)


def _extract_process_count(options: CrawlOptions) -> int:
    if options.extract_processes is not None:
        return max(0, options.extract_processes)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0  # spawn would re-import the caller's __main__: in-thread instead
    cpus = os.cpu_count() or 1
    return 0 if options.concurrency < 4 or cpus < 2 else min(cpus, 4)


def _profiles(profile: Profile, base_url: str | None) -> tuple[Profile, Profile]:
    """(identity profile, fetch profile): canonical URLs stay on the site's own host while
    requests go to ``base_url``; links to either host are the same site."""
    if not base_url:
        return profile, profile
    mirror_host = urlsplit(base_url).hostname or ""
    site_host = urlsplit(profile.base_url).hostname or ""
    identity = replace(profile, host_aliases=(*profile.host_aliases, mirror_host))
    fetching = replace(profile.with_base_url(base_url), host_aliases=(*profile.host_aliases, site_host))
    return identity, fetching


def _start_pool(options: CrawlOptions, profile: Profile, private_fds: tuple[int, ...]) -> ProcessPoolExecutor | None:
    """The extraction processes, or None to extract in the fetch threads."""
    n = _extract_process_count(options)
    if not n:
        return None
    # Forked now, before this crawl starts any thread, so no lock is copied held.
    pool = ProcessPoolExecutor(
        n, mp_context=multiprocessing.get_context("fork"), initializer=_child_init, initargs=(profile, private_fds)
    )
    pool.submit(int).result()
    return pool


class _Shared:
    """What the walker, the fetch workers and the writer of one crawl share.

    The options, the two profiles, the fetcher, the stop flag, the event stream,
    and the two queues: walker → ``work`` (:class:`_Task`) → workers; walker and
    workers → ``results`` (:class:`_ListingDone`, :class:`_FolderDone`,
    :class:`_ArticleDone`, :class:`_Disallowed`, :class:`_Crashed`) → writer.
    """

    def __init__(
        self,
        archive: Archive,
        profile: Profile,
        fetch_profile: Profile,
        options: CrawlOptions,
        events: Callable[[Event], None] | None,
    ) -> None:
        self.archive = archive
        self.options = options
        self.profile = profile
        self.fetch_profile = fetch_profile
        self.events = events
        self.stop = threading.Event()
        self.results: queue.Queue[Any] = queue.Queue(maxsize=max(8, options.concurrency * 4))
        self.work: queue.Queue[Any] = queue.Queue(maxsize=max(8, options.concurrency * 4))
        self._event_lock = threading.Lock()
        o = options
        self.fetcher = Fetcher(
            fetch_profile,
            FetchOptions(
                user_agent=o.user_agent, delay=o.delay, concurrency=max(1, o.concurrency),
                connect_timeout=o.connect_timeout, read_timeout=o.read_timeout, retries=o.retries,
                backoff_base=o.backoff_base, backoff_max=o.backoff_max, max_body=o.max_body,
                respect_robots=o.respect_robots,
            ),
            on_event=self._fetch_event,
            stop=self.stop,
            seed=o.seed,
        )

    def emit(self, kind: str, **data: Any) -> None:
        if self.events is not None:
            with self._event_lock:
                self.events(Event(kind, data))

    def _fetch_event(self, ev: FetchEvent) -> None:
        if ev.kind == "retry":
            self.emit("retry", url=ev.url, attempt=ev.attempt, reason=ev.reason, wait=round(ev.wait, 3))

    def put(self, q: queue.Queue[Any], item: Any) -> bool:
        """Put ``item`` on ``q``, waiting while it is full; False once the crawl is stopping."""
        while not self.stop.is_set():
            try:
                q.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False


class _Writer:
    """The only thread that writes: one transaction per listing page and one per article."""

    def __init__(self, shared: _Shared, summary: CrawlSummary) -> None:
        self.shared = shared
        self.archive = shared.archive
        self.summary = summary
        self._asset_waiters: dict[str, list[str]] = {}  # asset URL -> articles to link once it is stored

    def _error(self, message: str) -> None:
        if len(self.summary.errors) < 20:
            self.summary.errors.append(message)

    def loop(self, workers: int) -> None:
        """Write what the walker and the workers send until every worker is done."""
        done_workers = 0
        while done_workers < workers:
            item = self.shared.results.get()
            if item is _WORKER_DONE:
                done_workers += 1
            elif isinstance(item, _Crashed):
                if isinstance(item.exc, ArchiveError):
                    raise item.exc
                raise CrawlBugError(
                    f"internal error in the crawl's {item.where} ({type(item.exc).__name__}: {item.exc}); "
                    "the archive is consistent, please report this"
                ) from item.exc
            elif isinstance(item, _ListingDone):
                self._write_listing(item)
            elif isinstance(item, _FolderDone):
                self._write_folder(item)
            elif isinstance(item, _ArticleDone):
                self._write_article(item)
            elif isinstance(item, _Disallowed):
                self.summary.disallowed += len(item.urls)
                for url in item.urls:
                    self.shared.emit("disallowed", url=url)

    def add_response(self, res: FetchResult, kind: str, body: PreparedBody | None = None) -> int:
        for hop in res.redirects:
            self.add_response(hop, "redirect")
        return self.archive.bodies.add_response(res, kind, self.summary.run_id, prepared=body)

    def _write_folder(self, item: _FolderDone) -> None:
        with self.archive.transaction():
            self.archive.state.folder_walked(self.shared.profile.site, item.folder, item.pages, item.complete, utc_now())
        self.summary.folders += 1
        self.shared.emit("folder", folder=item.folder, pages=item.pages, reached_end=item.complete, stopped=item.stopped)

    def _write_listing(self, item: _ListingDone) -> None:
        s = self.summary
        emit = self.shared.emit
        if item.response is None:
            s.listing_failures += 1
            self._error(item.error or "listing failed")
            emit("error", folder=item.folder, page=item.page, message=item.error)
            return
        with self.archive.transaction():
            self.add_response(item.response, "listing", item.body)
            self.archive.state.add_frontier([QueuedArticle(*n) for n in item.new], utc_now())
        s.listing_pages += 1
        if item.error:
            s.listing_failures += 1
            self._error(item.error)
            emit("error", folder=item.folder, page=item.page, message=item.error)
        emit("listing", folder=item.folder, page=item.page, url=item.response.url,
             status=item.response.status, new=len(item.new))

    def _write_article(self, done: _ArticleDone) -> None:
        task, res, s = done.task, done.response, self.summary
        a = self.archive
        outcome = "failed"
        error = done.error
        hook = self.shared.options.stage_hook
        if hook is not None:
            hook("fetched")
        with a.transaction():
            if res is None:
                if not task.revisit:
                    a.state.frontier_failed(QueuedArticle(task.article_id, task.url, task.folder), error or "fetch failed", utc_now())
            elif res.status == 200 and done.record is not None:
                rid = self.add_response(res, "article", done.body)
                if hook is not None:
                    hook("response")
                outcome = a.articles.save(
                    done.record, article_id=task.article_id, response_id=rid, fetched_at=res.fetched_at,
                    folder=task.folder, etag=res.header("etag"), last_modified=res.header("last-modified"),
                    prepared=done.prepared,
                )
                if hook is not None:
                    hook("saved")
                self._write_assets(task.article_id, done.assets)
            elif res.status == 304:
                self.add_response(res, "article")
                a.articles.mark_checked(task.article_id, res.fetched_at, res.header("etag"), res.header("last-modified"))
                outcome = "unchanged"
            elif res.status in (404, 410):
                self.add_response(res, "article")
                if a.articles.mark_removed(task.article_id, res.fetched_at):
                    outcome = "removed"
                else:
                    a.state.frontier_drop(task.article_id)
                    outcome = "gone"
            else:
                # Raw page kept even when it cannot be read: reextract may manage later.
                self.add_response(res, "article")
                error = error or f"HTTP {res.status}"
                if not task.revisit:
                    a.state.frontier_failed(QueuedArticle(task.article_id, task.url, task.folder), error, utc_now())
        if hook is not None:
            hook("committed")
        setattr(s, outcome, getattr(s, outcome) + 1)
        if outcome == "failed":
            self._error(f"{task.url}: {error}")
        self.shared.emit("article", article_id=task.article_id, url=task.url, outcome=outcome,
                         status=res.status if res else None, error=error if outcome == "failed" else None)

    def _write_assets(self, article_id: str, assets: list[tuple[str, FetchResult | None, str | None]]) -> None:
        """An article's assets, in its transaction: stored, linked, or left to link once another worker's copy is."""
        a, s = self.archive, self.summary
        for url, ares, aerr in assets:
            if ares is not None and ares.status == 200:
                self.add_response(ares, "asset")
                a.state.add_asset(url, ares.body, ares.header("content-type"), ares.fetched_at)
                s.assets += 1
                for waiting in self._asset_waiters.pop(url, []):
                    a.state.link_asset(waiting, url)
            elif ares is None and aerr is None and not a.state.has_asset(url):
                # Another worker is fetching it: link when it is written.
                self._asset_waiters.setdefault(url, []).append(article_id)
                continue
            elif ares is not None or aerr is not None:
                if ares is not None:
                    self.add_response(ares, "asset")
                s.asset_failures += 1
                self._error(f"asset {url}: {aerr or (ares.status if ares else '?')}")
                self._asset_waiters.pop(url, None)
                continue
            a.state.link_asset(article_id, url)


class _Walker:
    """The scheduler thread: the frontier left by earlier runs, the folders' listing
    pages, then the revisits, queued as :class:`_Task` for the workers."""

    def __init__(self, shared: _Shared) -> None:
        self.shared = shared

    def run(self, folders: list[str]) -> None:
        sh = self.shared
        reader: Archive | None = None
        try:
            reader = open_archive(sh.archive.path, readonly=True)
            self._walk(reader, folders)
        except BaseException as exc:  # noqa: BLE001 - reported to the writer, which stops the run
            if not sh.stop.is_set():
                sh.put(sh.results, _Crashed("walker", exc))
        finally:
            if reader is not None:
                reader.close()
            for _ in range(max(1, sh.options.concurrency)):
                # Workers must learn the walk is over even when stopping.
                while True:
                    try:
                        sh.work.put(None, timeout=_POLL)
                        break
                    except queue.Full:
                        if sh.stop.is_set():
                            try:
                                sh.work.get_nowait()
                            except queue.Empty:
                                pass

    def _walk(self, reader: Archive, folders: list[str]) -> None:
        sh = self.shared
        o = sh.options
        queued: set[str] = set()
        listed: set[str] = set()
        budget = o.max_articles if o.max_articles is not None else -1

        def queue_new(aid: str, url: str, folder: str | None) -> bool:
            nonlocal budget
            if budget == 0 or aid in queued:
                return budget != 0
            queued.add(aid)
            if budget > 0:
                budget -= 1
            return sh.put(sh.work, _Task(aid, url, folder))

        # 1. What earlier runs discovered and did not finish.
        for q in reader.state.frontier(None if o.full else o.max_attempts):
            if not queue_new(q.article_id, q.url, q.folder) or sh.stop.is_set():
                return
        # 2. The folders.
        for folder in folders:
            if sh.stop.is_set() or budget == 0:
                break
            self._walk_folder(reader, folder, queued, listed, queue_new)
        if sh.stop.is_set():
            return
        # 3. Revisits: recent articles, and on a full walk those no listing showed.
        revisits: list[HeldArticle] = []
        if o.revisit_days > 0:
            cutoff = vn_today(o.revisit_days).isoformat()
            revisits += reader.state.revisit_candidates(cutoff)
        if o.full and not o.folders and budget != 0:
            revisits += reader.state.articles_not_in(listed)
        for h in revisits:
            if h.article_id in queued:
                continue
            queued.add(h.article_id)
            if not sh.put(sh.work, _Task(h.article_id, h.url, h.folder, True, h.etag, h.last_modified)):
                return

    def _walk_folder(
        self,
        reader: Archive,
        folder: str,
        queued: set[str],
        listed: set[str],
        queue_new: Callable[[str, str, str | None], bool],
    ) -> None:
        sh = self.shared
        o, fetcher, results = sh.options, sh.fetcher, sh.results
        since = o.since.isoformat() if o.since else None
        walked_before = reader.state.folder_state(sh.profile.site, folder) is not None
        url: str | None = folder_url(sh.fetch_profile, folder, 1)
        page, pages, complete, stopped = 0, 0, False, "end"
        seen_pages: set[str] = set()
        while url is not None:
            if sh.stop.is_set():
                return
            if pages >= o.max_pages:
                stopped = "max-pages"
                break
            page += 1
            seen_pages.add(url)
            try:
                res = fetcher.get(url)
            except DisallowedError:
                sh.put(results, _Disallowed([url]))
                stopped = "disallowed"
                break
            except FetchError as exc:
                sh.put(results, _ListingDone(folder, page, None, [], f"{url}: {exc}"))
                stopped = "error"
                break
            pages += 1
            if res.status != 200:
                err = None if (res.status == 404 and page > 1) else f"{url}: HTTP {res.status}"
                sh.put(results, _ListingDone(folder, page, res, [], err))
                stopped, complete = ("error", False) if err else ("end", True)
                break
            listing = parse_listing(res.body, res.url, sh.profile)
            items = listing.items
            ids = [it.ref.article_id for it in items]
            held = reader.state.held(ids)
            known_before = held | queued
            fresh = [
                it for it in items
                if it.ref.article_id not in known_before and (since is None or it.date is None or it.date >= since)
            ]
            allowed = [it for it in fresh if fetcher.allowed(it.ref.url)]
            if len(allowed) < len(fresh):
                sh.put(results, _Disallowed([it.ref.url for it in fresh if it not in allowed]))
                fresh = allowed
            new: list[tuple[str, str, str | None]] = [(it.ref.article_id, it.ref.url, folder) for it in fresh]
            listed.update(ids)
            if not sh.put(results, _ListingDone(folder, page, res, new, body=prepare_body(res.body))):
                return
            for aid, aurl, afolder in new:
                if not queue_new(aid, aurl, afolder):
                    break
            if o.max_articles is not None and len(queued) >= o.max_articles and fresh:
                stopped = "max-articles"
                break
            if since and items and all(it.date is not None and it.date < since for it in items):
                stopped = "since"
                break
            if walked_before and not o.full and items and all(i in known_before for i in ids):
                stopped = "known"
                break
            nxt = listing.next_url
            if not items or nxt is None or nxt in seen_pages or not fetcher.on_site(nxt):
                complete = True
                break
            url = nxt
        sh.put(results, _FolderDone(folder, pages, complete, stopped))


class _Workers:
    """The fetch workers (``concurrency`` threads running :meth:`run`): fetch an
    article, extract it (in the process pool when there is one), fetch its assets."""

    def __init__(self, shared: _Shared, pool: ProcessPoolExecutor | None) -> None:
        self.shared = shared
        self._pool = pool
        self._asset_lock = threading.Lock()
        self._assets_in_flight: set[str] = set()

    def run(self) -> None:
        sh = self.shared
        reader: Archive | None = None
        try:
            if sh.options.assets:
                reader = open_archive(sh.archive.path, readonly=True)
            while True:
                try:
                    task = sh.work.get(timeout=_POLL)
                except queue.Empty:
                    if sh.stop.is_set():
                        return
                    continue
                if task is None:
                    break
                done = self._fetch_article(task, reader)
                if not sh.put(sh.results, done):
                    return
        except BaseException as exc:  # noqa: BLE001 - reported to the writer
            sh.put(sh.results, _Crashed("worker", exc))
        finally:
            if reader is not None:
                reader.close()
            sh.put(sh.results, _WORKER_DONE)

    def _fetch_article(self, task: _Task, reader: Archive | None) -> _ArticleDone:
        sh = self.shared
        try:
            res = sh.fetcher.get(task.url, etag=task.etag, last_modified=task.last_modified)
        except FetchError as exc:
            return _ArticleDone(task, error=str(exc))
        done = _ArticleDone(task, res)
        if res.status != 200:
            return done
        pool = self._pool
        try:
            if pool is not None:
                prepared = pool.submit(_child_extract, res.body, task.url, dict(res.headers)).result()
            else:
                prepared = _extract_and_prepare(res.body, task.url, sh.profile, dict(res.headers))
            done.record, done.prepared, done.body = prepared
        except BrokenProcessPool:
            # A worker died (killed, out of memory): this page is kept raw and retried next
            # run; the rest of this run extracts in-thread.
            self._pool = None
            done.error = "extractor process died on this page"
            return done
        except ExtractError as exc:
            done.error = f"extract: {exc}"
            return done
        except Exception as exc:  # noqa: BLE001 - an extractor bug must not lose the raw page
            done.error = f"extractor failed: {type(exc).__name__}: {exc}"
            return done
        if sh.options.assets and reader is not None:
            done.assets = self._fetch_assets(res, reader)
        return done

    def _fetch_assets(self, res: FetchResult, reader: Archive) -> list[tuple[str, FetchResult | None, str | None]]:
        fetcher = self.shared.fetcher
        out: list[tuple[str, FetchResult | None, str | None]] = []
        for url in asset_urls(res.body, res.url, self.shared.profile):
            if not fetcher.on_site(url) and not fetcher.on_site(fetcher.site_url(url)):
                continue
            with self._asset_lock:
                if url in self._assets_in_flight or reader.state.has_asset(url):
                    out.append((url, None, None))  # already archived: just link it
                    continue
                self._assets_in_flight.add(url)
            try:
                ares = fetcher.get(url, max_bytes=self.shared.options.max_asset)
                out.append((url, ares, None if ares.status == 200 else f"HTTP {ares.status}"))
            except FetchError as exc:
                out.append((url, None, str(exc)))
        return out


class _Crawl:
    """One run: the walker thread, the fetch worker threads, and the calling thread as the writer."""

    def __init__(
        self,
        archive: Archive,
        profile: Profile,
        options: CrawlOptions,
        events: Callable[[Event], None] | None,
        private_fds: tuple[int, ...] = (),
    ) -> None:
        identity, fetching = _profiles(profile, options.base_url)
        self._pool = _start_pool(options, identity, private_fds)
        self.shared = _Shared(archive, identity, fetching, options, events)
        self.summary = CrawlSummary()
        self.writer = _Writer(self.shared, self.summary)
        self.walker = _Walker(self.shared)
        self.workers = _Workers(self.shared, self._pool)

    def run(self) -> CrawlSummary:
        started = time.monotonic()
        sh = self.shared
        o = sh.options
        folders = list(o.folders or sh.profile.folders)
        options_record = {k: v for k, v in asdict(o).items() if k not in ("user_agent", "stage_hook")}
        self.summary.run_id = sh.archive.state.begin_run(options_record)
        sh.emit("start", run_id=self.summary.run_id, db=sh.archive.path, site=sh.profile.site,
                base_url=sh.fetch_profile.base_url, folders=folders)
        threads: list[threading.Thread] = []
        try:
            try:
                robots = sh.fetcher.load_robots()
            except FetchError as exc:
                raise FetchError(f"robots.txt: {exc}; the site is unreachable, nothing was changed") from None
            if robots is not None:
                with sh.archive.transaction():
                    self.writer.add_response(robots, "robots")
                sh.emit("robots", status=robots.status)
            threads.append(threading.Thread(target=self.walker.run, args=(folders,), name="walker", daemon=True))
            for i in range(max(1, o.concurrency)):
                threads.append(threading.Thread(target=self.workers.run, name=f"worker-{i}", daemon=True))
            for t in threads:
                t.start()
            self.writer.loop(workers=len(threads) - 1)
            self.summary.status = "ok" if self.summary.failed == 0 and self.summary.listing_failures == 0 else "partial"
        except KeyboardInterrupt:
            self.summary.status = "interrupted"
            raise
        except BaseException:
            self.summary.status = "failed"
            raise
        finally:
            self._finish(threads, started)
        return self.summary

    def _finish(self, threads: list[threading.Thread], started: float) -> None:
        sh = self.shared
        sh.stop.set()
        # After a failure or Ctrl-C, do not sit out a request's whole read timeout:
        # the threads are daemons and their work is either written or not.
        patience = sh.options.read_timeout + 5 if self.summary.status in ("ok", "partial") else 2.0
        for t in threads:
            t.join(timeout=patience)
        sh.fetcher.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        s = self.summary
        s.requests, s.retries, s.bytes = sh.fetcher.requests, sh.fetcher.retries, sh.fetcher.bytes
        s.elapsed = round(time.monotonic() - started, 3)
        try:
            sh.archive.state.finish_run(s.run_id, s.status, {k: v for k, v in s.to_dict().items() if k != "errors"})
        except StoreError:
            pass  # the run row stays 'running' and is closed as 'killed' by the next run
        sh.emit("end", **s.to_dict())


def crawl(
    db_path: str | Path,
    profile: Profile | None = None,
    options: CrawlOptions | None = None,
    events: Callable[[Event], None] | None = None,
) -> CrawlSummary:
    """Archive (or bring up to date) the site of ``profile`` into the database at ``db_path``.

    Raises :class:`LockedError` when another crawl holds the database,
    :class:`StoreError` when it cannot be written (the archive stays as it was
    before the failing article), :class:`FetchError` when the site cannot be
    reached at all. Failures of single pages are counted in the summary.
    """
    profile = profile or load_profile()
    options = options or CrawlOptions()
    with CrawlLock(db_path) as lock:
        archive = open_archive(db_path, stage_hook=options.stage_hook)
        try:
            if options.max_page_count:
                archive.cap_size(options.max_page_count)
            fds = (lock.fileno,) if lock.fileno is not None else ()
            return _Crawl(archive, profile, options, events, fds).run()
        finally:
            archive.close()


@dataclass(slots=True)
class ReextractSummary:
    articles: int = 0
    changed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def reextract(
    db_path: str | Path,
    profile: Profile | None = None,
    events: Callable[[Event], None] | None = None,
) -> ReextractSummary:
    """Re-run the current extractor over every stored version's raw page (no network).

    Each version's record is rewritten from its own page; the article's
    current record becomes its latest version's. One transaction per article.
    """
    profile = profile or load_profile()
    summary = ReextractSummary()
    with CrawlLock(db_path):
        archive = open_archive(db_path, create=False)
        try:
            for article_id in archive.articles.ids():
                before = archive.articles.current_record(article_id)
                try:
                    with archive.transaction():
                        latest: Article | None = None
                        for stored in archive.articles.stored_versions(article_id):
                            canonical = before.url if before and before.url else stored.url
                            latest = extract_page(stored.body, canonical, profile, dict(stored.headers))
                            archive.articles.rewrite_version(stored.version_id, latest)
                        if latest is not None:
                            archive.articles.replace_current(article_id, latest)
                except StoreError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one unreadable page must not stop the upgrade
                    summary.failed += 1
                    if len(summary.errors) < 20:
                        summary.errors.append(f"{article_id}: {exc}")
                    continue
                summary.articles += 1
                if latest is not None and (before is None or content_hash(before) != content_hash(latest)):
                    summary.changed += 1
                if events:
                    events(Event("reextract", {"article_id": article_id}))
        finally:
            archive.close()
    return summary
