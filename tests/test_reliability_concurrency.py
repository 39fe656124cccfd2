"""One database, several users: two crawls, a long reader, a foreign writer.

tests/test_crawl_cli.py shows a second crawl *process* exits 75. Here: two
crawls in one process (the lock is per open file, not per process), a reader
holding one read transaction open for a whole crawl (WAL: neither waits for
the other), researchers searching while the crawl writes, and another program
holding the write lock briefly (the crawl waits) or for longer than the busy
timeout (one line, exit 74, nothing changed).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.database import BUSY_TIMEOUT_MS
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.crawl import CrawlSummary, crawl
from huyenkyanh_archive.errors import LockedError
from tests.support.crawl_support import cli, fast_options, profile
from tests.support.reliability_support import assert_consistent, crawl_args
from tests.support.render import load_corpus
from tests.support.replica import Faults, Replica

CORPUS = load_corpus()
BUSY = BUSY_TIMEOUT_MS / 1000


def test_two_crawls_in_one_process_one_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    results: dict[str, CrawlSummary | BaseException] = {}
    with Replica(CORPUS, per_page=4, faults=Faults(latency=0.01)) as rep:
        def one(name: str) -> None:
            try:
                results[name] = crawl(db, profile(), fast_options(rep))
            except BaseException as exc:  # noqa: BLE001 - the test inspects it
                results[name] = exc

        threads = [threading.Thread(target=one, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    outcomes = sorted(results.values(), key=lambda r: isinstance(r, BaseException))
    done, refused = outcomes
    assert isinstance(done, CrawlSummary) and done.ok and done.new == len(CORPUS)
    assert isinstance(refused, LockedError) and "another crawl" in str(refused) and "pid" in str(refused)
    assert refused.exit_code == 75
    assert assert_consistent(tmp_path / "a.db")["articles"] == len(CORPUS)


def test_a_reader_holding_a_snapshot_and_the_crawl_never_wait_for_each_other(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS, per_page=4, faults=Faults(latency=0.005)) as rep:
        crawl(db, profile(), fast_options(rep, max_articles=5))
        reader = sqlite3.connect(db, isolation_level=None, timeout=BUSY, check_same_thread=False)
        reader.execute("BEGIN")
        before = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
        latencies: list[float] = []
        snapshot: list[int] = []
        stop = threading.Event()

        def research() -> None:
            # Another researcher searching the archive all along the crawl.
            with open_archive(db, readonly=True) as arc:
                while not stop.is_set():
                    t0 = time.monotonic()
                    query.search(arc, "Kỳ Anh", limit=5)
                    query.stats(arc)
                    latencies.append(time.monotonic() - t0)
                    snapshot.append(reader_count())
                    time.sleep(0.01)

        lock = threading.Lock()

        def reader_count() -> int:
            with lock:
                return reader.execute("SELECT count(*) FROM articles").fetchone()[0]

        t = threading.Thread(target=research)
        t.start()
        try:
            started = time.monotonic()
            summary = crawl(db, profile(), fast_options(rep))
            crawl_time = time.monotonic() - started
        finally:
            stop.set()
            t.join(30)
        with lock:
            held_open = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
            reader.execute("COMMIT")
            after = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
        reader.close()
    assert summary.ok and summary.new == len(CORPUS) - 5
    # The open transaction saw one snapshot throughout, the crawl's commits after it ended.
    assert set(snapshot) == {before} and held_open == before == 5 and after == len(CORPUS)
    assert len(latencies) >= 3 and max(latencies) < BUSY, (max(latencies), crawl_time)
    assert_consistent(db)


def test_a_foreign_writer_holding_the_lock_briefly_is_waited_for(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS[:6], per_page=4) as rep:
        crawl(db, profile(), fast_options(rep, max_articles=1))
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # e.g. sqlite-utils adding a column by hand
        threading.Timer(1.0, lambda: other.execute("COMMIT")).start()
        t0 = time.monotonic()
        summary = crawl(db, profile(), fast_options(rep))
        waited = time.monotonic() - t0
    other.close()
    assert summary.ok and summary.new == 5
    assert 0.9 <= waited < BUSY + 5


def test_a_foreign_writer_holding_the_lock_too_long_is_one_line_exit_74(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS[:6], per_page=4) as rep:
        assert cli(*crawl_args(db, rep, "--max-articles", "1", "--quiet")).returncode == 0
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            t0 = time.monotonic()
            out = cli(*crawl_args(db, rep, "--quiet"), timeout=BUSY + 60)
            waited = time.monotonic() - t0
        finally:
            other.execute("ROLLBACK")
            other.close()
    assert out.returncode == 74, out.stderr
    assert out.stderr.count("\n") == 1 and "busy" in out.stderr and str(db) in out.stderr
    assert waited >= BUSY - 0.5  # it waited the busy timeout before giving up
    assert assert_consistent(db)["articles"] == 1
