"""Extraction during a crawl: the extractor over one fetched page, in a forked worker pool.

Extraction is pure CPU. With several requests in flight it runs in worker
processes (forked before the crawl starts any thread, so no lock is copied
held), together with the writer's CPU work (JSON, hashes, folding) and the
scan of the page for its own addresses, so the single writer only runs SQL.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .. import extract
from ..archive import PreparedBody, PreparedRecord, prepare_body, prepare_record
from ..record import Article
from ..site.site import Site
from .discover import decode_page

__all__ = ["Extracted", "ExtractionPool", "extract_for_crawl", "process_count"]


@dataclass(slots=True)
class Extracted:
    record: Article
    prepared: PreparedRecord
    body: PreparedBody
    page_keys: tuple[str, ...]  # identity keys the page gives of itself (canonical, og:url, print links)


def extract_for_crawl(body: bytes, url: str, site: Site, headers: dict[str, str]) -> Extracted:
    """The record of one article page, prepared for the writer."""
    profile = site.profile_for(url)
    record = extract.extract_article(body, url, profile=profile, headers=headers, source=url)
    return Extracted(record, prepare_record(record), prepare_body(body), site.page_keys(decode_page(body[:400_000]), url))


_CHILD_SITE: Site | None = None


def _child_init(site: Site, inherited_fds: tuple[int, ...]) -> None:
    global _CHILD_SITE
    _CHILD_SITE = site
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


def _child_extract(body: bytes, url: str, headers: dict[str, str]) -> Extracted:
    assert _CHILD_SITE is not None
    return extract_for_crawl(body, url, _CHILD_SITE, headers)


def process_count(requested: int | None, concurrency: int) -> int:
    if requested is not None:
        return max(0, requested)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0  # spawn would re-import the caller's __main__: in-thread instead
    cpus = os.cpu_count() or 1
    return 0 if concurrency < 4 or cpus < 2 else min(cpus, 4)


class ExtractionPool:
    """Forked extraction workers, or extraction in the calling thread when there are none."""

    def __init__(self, site: Site, processes: int, private_fds: tuple[int, ...] = ()) -> None:
        self.site = site
        self._pool: ProcessPoolExecutor | None = None
        self._started: ProcessPoolExecutor | None = None
        if processes:
            self._pool = ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("fork"), initializer=_child_init,
                initargs=(site, private_fds),
            )
            self._pool.submit(int).result()
            self._started = self._pool

    def extract(self, body: bytes, url: str, headers: dict[str, str]) -> Extracted:
        """Raises ``BrokenProcessPool`` when a worker died on this page; later pages then
        extract in-thread (see :meth:`degrade`)."""
        pool = self._pool
        if pool is not None:
            return pool.submit(_child_extract, body, url, headers).result()
        return extract_for_crawl(body, url, self.site, headers)

    def degrade(self) -> None:
        self._pool = None

    def close(self) -> None:
        if self._started is not None:
            self._started.shutdown(wait=True, cancel_futures=True)
