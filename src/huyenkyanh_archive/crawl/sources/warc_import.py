"""WARC and WACZ files as a source: ``kyanh-archive import FILE...``.

The files are read in order, one record at a time (:func:`.warc.read_warc`),
and handed to the engine in small batches: the engine asks for more when it
is idle, so memory holds a few bodies, never a file. Each response of an
article address of the site (any software generation's form) becomes a
capture task: extracted and stored like a live page, its time the record's
``WARC-Date``, its provenance the file and offset. Everything else is
counted: other sites' records, requests, metadata, the site's non-article
pages, captured errors and redirects.

A record already imported (the same address at the same capture time) is
not stored twice, so importing a file again, or a file that overlaps
another, adds only what is new. A damaged file keeps every record before the
damage; the run says where the damage is and ends ``partial``, and the next
file is read all the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ...errors import FetchError, SourceDamagedError
from ...response import Response
from ...site.site import Site
from ..fetch import FetchEvent
from ..messages import Task, TaskResult
from ..options import CrawlOptions
from ..plan import Fetching, Plan, Planner, RunContext
from ..workers import HomePages
from .warc import Captured, OffSite, read_warc

__all__ = ["WarcDiscovery", "WarcFetching", "warc_source"]


class WarcFetching:
    """Hands the engine's workers the responses the planner read from the files."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, Response] = {}
        self.requests = self.retries = self.bytes = 0

    def put(self, key: str, response: Response) -> None:
        with self._lock:
            self._pending[key] = response
            self.requests += 1
            self.bytes += len(response.body)

    def prepare(self) -> Response | None:
        return None

    def allowed(self, url: str) -> bool:
        return True

    def fetch(self, task: Task) -> Response:
        with self._lock:
            response = self._pending.pop(task.capture_url or "", None)
        if response is None:
            raise FetchError(f"{task.url}: no such record")
        return response

    def close(self) -> None:
        with self._lock:
            self._pending.clear()


class WarcDiscovery:
    """Reads the files and queues their article records, a batch at a time."""

    def __init__(self, paths: tuple[str, ...], fetching: WarcFetching, batch: int) -> None:
        self.paths = paths
        self.fetching = fetching
        self.batch = max(1, batch)
        self._items: Iterator[tuple[str, Captured | SourceDamagedError | OSError]] | None = None
        self._serial = 0
        self._queued: set[tuple[str, str]] = set()  # (address, capture time) this run: overlapping files

    def start(self, ctx: RunContext) -> Plan:
        missing = [p for p in self.paths if not Path(p).is_file()]
        if missing:
            raise FetchError(f"{missing[0]}: no such file")
        self._items = self._read(ctx)
        return self.idle(ctx)

    def _read(self, ctx: RunContext) -> Iterator[tuple[str, Captured | SourceDamagedError | OSError]]:
        for path in self.paths:
            try:
                for item in read_warc(path, on_site=ctx.site.on_site, max_body=ctx.options.max_body):
                    if isinstance(item, Captured):
                        yield path, item
                    elif isinstance(item, OffSite):
                        ctx.summary.captures_skipped += 1
            except (SourceDamagedError, OSError) as exc:
                yield path, exc

    def more(self, ctx: RunContext) -> Plan | None:
        return None  # nothing held back: every capture is queued as it is listed

    def idle(self, ctx: RunContext) -> Plan:
        plan = Plan()
        if self._items is None:
            return plan
        for path, item in self._items:
            if isinstance(item, (SourceDamagedError, OSError)):
                message = str(item) if isinstance(item, SourceDamagedError) else f"{path}: {item}"
                ctx.summary.listing_failures += 1
                ctx.summary.errors.append(message)
                plan.events.append(("damaged", {"file": path, "message": message}))
                continue
            task = self._task(item, ctx)
            if task is not None:
                plan.tasks.append(task)
                if len(plan.tasks) >= self.batch:
                    break
        return plan

    def _task(self, item: Captured, ctx: RunContext) -> Task | None:
        response = item.response
        site = ctx.site
        ref = site.article(response.url)
        if ref is None or not response.fetched_at:
            ctx.summary.captures_skipped += 1  # the site's other pages, or a record without a date
            return None
        response.url = site.canonical(response.url)
        response.requested_url = response.url
        copy = (response.url, response.fetched_at)
        if copy in self._queued or ctx.archive.bodies.has_copy(*copy):
            ctx.summary.captures_skipped += 1  # imported before, or twice in these files
            return None
        self._queued.add(copy)
        self._serial += 1
        key = f"warc:{self._serial}"
        self.fetching.put(key, response)
        ctx.summary.captures += 1
        return Task("capture", ref.url, ref=ref, found_by="warc", capture_url=key, captured_at=response.fetched_at)

    def plan(self, result: TaskResult, ctx: RunContext) -> Plan:
        return Plan()


def warc_source(site: Site, options: CrawlOptions, *, on_event: Callable[[FetchEvent], None] | None,
                stop: threading.Event, homes: HomePages) -> tuple[Fetching, Planner]:
    fetching = WarcFetching()
    return fetching, WarcDiscovery(options.warc_files, fetching, batch=4 * max(1, options.concurrency))
