"""The archive: one SQLite file holding raw responses, records and crawl state.

:class:`Archive` owns the connection and the transactions; its parts each
own some tables:

- :attr:`Archive.bodies` (:mod:`.bodies`): ``blobs``, ``blob_dicts``, ``responses``
- :attr:`Archive.articles` (:mod:`.articles`): ``articles``, ``versions``, the child
  tables, ``articles_fts`` and the person summaries
- :attr:`Archive.state` (:mod:`.crawl_state`): ``runs``, ``frontier``, assets, ``meta``
- :attr:`Archive.keys` (:mod:`.identity`): ``article_keys``, which article a key names
- :attr:`Archive.sections` (:mod:`.sections`): ``sections``, the site's listings as found

Every article is written in one transaction: a killed process leaves either
the whole article or none of it. The schema and its migrations are in
:mod:`.schema`; opening and upgrading in :mod:`.database`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .articles import Articles
from .bodies import Bodies
from .crawl_state import CrawlState
from .database import connect, needs_upgrade, store_error
from .identity import ArticleKeys
from .sections import Sections

__all__ = ["Archive", "open_archive", "open_for_reading"]

StageHook = Callable[[str], None]

# Reads jump around a file of several GB (attendee rows, their articles, FTS pages):
# a larger page cache and memory-mapped reads make them 5-10x cheaper than SQLite's
# 2 MB default.
_CACHE_KIB = 256 * 1024
_MMAP_BYTES = 4 << 30


class Archive:
    """An open archive database. Use :func:`open_archive`."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, stage_hook: StageHook | None = None) -> None:
        self.conn = conn
        self.path = path
        # Called with a stage name at points inside a write ("fts"): fault-injection tests
        # kill the process there to prove a half-written article never shows.
        self._stage_hook = stage_hook
        self._rollback_listeners: list[Callable[[], None]] = []
        self._tuned = False
        self.bodies = Bodies(self)
        self.articles = Articles(self)
        self.state = CrawlState(self)
        self.keys = ArticleKeys(self)
        self.sections = Sections(self)

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stage(self, name: str) -> None:
        """A point inside a write, for fault-injection tests (see ``stage_hook``)."""
        if self._stage_hook is not None:
            self._stage_hook(name)

    def on_rollback(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after a rollback (parts forget what the rolled-back rows told them)."""
        self._rollback_listeners.append(listener)

    def tune_for_reading(self) -> None:
        """A large page cache and memory-mapped reads, for query commands on big archives."""
        if self._tuned:
            return
        try:
            self.conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            self.conn.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        except sqlite3.Error:
            pass  # a tuning hint only
        self._tuned = True

    def cap_size(self, max_pages: int) -> None:
        """Refuse to grow past ``max_pages`` database pages: a full disk, for tests."""
        self.conn.execute(f"PRAGMA max_page_count = {int(max_pages)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit (BEGIN IMMEDIATE … COMMIT), rolled back on any error."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise store_error(self.path, exc) from None
        try:
            yield self.conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise store_error(self.path, exc) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise store_error(self.path, exc) from None

    def _rollback(self) -> None:
        for listener in self._rollback_listeners:
            listener()
        # SQLite may already have rolled back by itself (SQLITE_FULL, I/O errors).
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def open_archive(
    path: str | Path, *, readonly: bool = False, create: bool = True, stage_hook: StageHook | None = None
) -> Archive:
    """Open (and create or upgrade, when writable) the archive at ``path``."""
    return Archive(connect(path, readonly=readonly, create=create), str(path), stage_hook=stage_hook)


def open_for_reading(path: str | Path, *, on_upgrade: Callable[[int, int], None] | None = None) -> Archive:
    """Open read-only; an archive written by an older kyanh-archive is upgraded first
    when the file can be written (a read-only copy is read as it is).

    ``on_upgrade(from_version, to_version)`` is called before an upgrade: filling the
    v5 summaries of a 100,000-article archive takes about a minute and a half.
    """
    from .schema import SCHEMA_VERSION

    archive = open_archive(path, readonly=True)
    old = needs_upgrade(path, archive.conn)
    if old is not None:
        if on_upgrade is not None:
            on_upgrade(old, SCHEMA_VERSION)
        archive.close()
        open_archive(path, create=False).close()
        archive = open_archive(path, readonly=True)
    return archive
