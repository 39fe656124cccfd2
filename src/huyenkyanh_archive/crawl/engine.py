"""The crawl engine: a source's planner, the scheduler, fetch workers and the writer, wired.

::

    planner ──Task──► scheduler ──► fetch workers ──result──► planner.plan ──► writer (one transaction)
       ▲                                                                         │
       └──────────────────────────── new tasks ◄─────────────────────────────────┘

The engine's thread plans and writes; ``concurrency`` worker threads fetch
and read (the fetcher spaces and caps requests to the host, whatever the
number of workers; extraction runs in forked processes when there are
several). A page that fails after its retries waits for the end of the run
and is tried once more, patiently, before it is recorded as failed.

The database is the crawl's memory: the frontier, the sections, the runs. A
crawl killed at any point leaves whole results or none, and the next one
goes on from there without refetching what is stored.
"""

from __future__ import annotations

import ctypes
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ..archive import Archive
from ..errors import ArchiveError, CrawlBugError, StoreError
from ..site.site import Site
from .events import CrawlSummary, Event
from .extraction import ExtractionPool, process_count
from .fetch import FetchEvent
from .messages import Failed, Result, Task, WorkerCrashed
from .options import CrawlOptions
from .plan import Fetching, Plan, Planner, RunContext
from .scheduler import Scheduler
from .workers import HomePages, Processor, run_worker
from .writer import Writer

__all__ = ["Engine", "EventSink", "SourceFactory"]

EventSink = Callable[[Event], None] | None
# Makes a source's two halves for a run: (site, options, fetch events, stop, home pages) -> (fetching, planner).
SourceFactory = Callable[[Site, CrawlOptions, Callable[[FetchEvent], None], threading.Event, HomePages],
                         tuple[Fetching, Planner]]


_M_ARENA_MAX = -8  # glibc's mallopt() parameter number


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Fewer malloc arenas for the fetch threads, before they start.

    glibc gives each thread that allocates concurrently an arena of its own (up to
    8 per core) and seldom returns their free pages: with eight fetch threads
    decoding and compressing pages, the crawl's resident memory grew with the
    number of articles (75 MB at 2,000, 124 at 10,000) and malloc got slower.
    Two arenas keep it flat and faster (bench/crawl.py). Elsewhere (musl, macOS)
    there is no mallopt and nothing is done.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass


class Engine:
    """One run of one source over one archive."""

    def __init__(self, archive: Archive, site: Site, options: CrawlOptions, source: SourceFactory,
                 events: EventSink = None, private_fds: tuple[int, ...] = ()) -> None:
        self.archive = archive
        self.site = site
        self.options = options
        self.events = events
        self.summary = CrawlSummary(source=options.source, generation=site.main.name)
        self.stop = threading.Event()
        self._event_lock = threading.Lock()
        homes = HomePages()
        self.fetching, self.planner = source(site, options, self.fetch_event, self.stop, homes)
        # Forked now, before this run starts any thread, so no lock is copied held.
        self.pool = ExtractionPool(site, process_count(options.extract_processes, options.concurrency), private_fds)
        self.processor = Processor(self.fetching, site, self.pool, homes, assets=options.assets,
                                   max_asset=options.max_asset)
        self.scheduler = Scheduler(low_water=4 * max(1, options.concurrency))
        self.writer = Writer(archive, self.summary, self.emit)
        self.work: queue.Queue[Task | None] = queue.Queue()
        self.results: queue.Queue[Result] = queue.Queue()
        self.in_flight = 0

    # -- events ------------------------------------------------------------
    def emit(self, kind: str, /, **data: Any) -> None:
        if self.events is not None:
            with self._event_lock:
                self.events(Event(kind, data))

    def fetch_event(self, ev: FetchEvent) -> None:
        if ev.kind == "retry":
            self.emit("retry", url=ev.url, attempt=ev.attempt, reason=ev.reason, wait=round(ev.wait, 3))

    # -- the run -------------------------------------------------------------
    def run(self) -> CrawlSummary:
        started = time.monotonic()
        o, s = self.options, self.summary
        options_record = {k: v for k, v in asdict(o).items() if k not in ("user_agent", "stage_hook")}
        s.run_id = self.archive.state.begin_run(options_record)
        self.emit("start", run_id=s.run_id, db=self.archive.path, site=self.site.base_url, source=o.source,
                  base_url=self.site.fetch_base, generations=[p.name for p in self.site.generations])
        threads: list[threading.Thread] = []
        limit_malloc_arenas()
        try:
            robots = self.fetching.prepare()
            if robots is not None:
                with self.archive.transaction():
                    self.writer.add_response(robots, "robots")
                self.emit("robots", status=robots.status)
            ctx = RunContext(self.archive, self.site, o, s, self.emit, self.fetching.allowed, robots)
            self._plan(self.planner.start(ctx))
            for i in range(max(1, o.concurrency)):
                t = threading.Thread(target=run_worker, args=(self.work, self.results, self.processor.process, self.stop),
                                     name=f"fetch-{i}", daemon=True)
                threads.append(t)
                t.start()
            self._loop(ctx)
            s.status = "ok" if s.failed == 0 and s.listing_failures == 0 else "partial"
        except KeyboardInterrupt:
            s.status = "interrupted"
            raise
        except BaseException:
            s.status = "failed"
            raise
        finally:
            self.stop.set()
            for _ in threads:
                self.work.put(None)
            # After a failure or Ctrl-C, do not sit out a request's whole read timeout:
            # the threads are daemons and their work is either written or not.
            patience = o.read_timeout + 5 if s.status in ("ok", "partial") else 2.0
            for t in threads:
                t.join(timeout=patience)
            self.fetching.close()
            self.pool.close()
            self.scheduler.close()
            if self.scheduler.spill_lost:
                self.emit("warning", message=f"{self.scheduler.spill_lost} queued articles could not be read back "
                          "from the temporary task file; the next run fetches them")
            s.requests, s.retries, s.bytes = self.fetching.requests, self.fetching.retries, self.fetching.bytes
            s.elapsed = round(time.monotonic() - started, 3)
            try:
                self.archive.state.finish_run(s.run_id, s.status, {k: v for k, v in s.to_dict().items() if k != "errors"})
            except StoreError:
                pass  # the run row stays 'running' and is closed as 'killed' by the next run
            self.emit("end", **s.to_dict())
        return s

    def _plan(self, plan: Plan) -> None:
        self.writer.apply(plan)
        self.scheduler.extend(plan.tasks)

    def _feed(self) -> None:
        capacity = 4 * max(1, self.options.concurrency)  # results waiting for the writer do not starve the workers
        while self.in_flight < capacity:
            task = self.scheduler.next()
            if task is None:
                return
            self.work.put(task)
            self.in_flight += 1

    def _top_up(self, ctx: RunContext) -> None:
        """The planner's held-back work, while the scheduler has room for it in memory."""
        while self.scheduler.waiting_articles < self.scheduler.in_memory:
            more = self.planner.more(ctx)
            if more is None:
                return
            self._plan(more)

    def _loop(self, ctx: RunContext) -> None:
        while True:
            self._top_up(ctx)
            self._feed()
            if self.in_flight == 0 and self.scheduler.empty():
                more = self.planner.idle(ctx)
                if more.tasks or more.frontier or more.found:
                    self._plan(more)
                    continue
                if self.options.final_round and (n := self.scheduler.start_final_round()):
                    self.summary.final_round += n
                    self.emit("final-round", tasks=n)
                    continue
                return
            result = self.results.get()
            if isinstance(result, WorkerCrashed):
                if isinstance(result.exc, ArchiveError):
                    raise result.exc
                raise CrawlBugError(
                    f"internal error in the crawl's {result.where} ({type(result.exc).__name__}: {result.exc}); "
                    "the archive is consistent, please report this"
                ) from result.exc
            self.in_flight -= 1
            if isinstance(result, Failed) and result.retryable and result.task.round == 0 and self.options.final_round:
                self.scheduler.defer(result.task)
                continue
            try:
                plan = self.planner.plan(result, ctx)
            except ArchiveError:
                raise
            except Exception as exc:
                raise CrawlBugError(
                    f"internal error in the crawl's planner ({type(exc).__name__}: {exc}); "
                    "the archive is consistent, please report this"
                ) from exc
            self.writer.write(result, plan)
            self.scheduler.extend(plan.tasks)
