"""The scheduler keeps a bounded number of article tasks in memory and the rest on disk, in order.

A sitemap of tens of thousands of articles must not make the crawl's memory grow
with the site: the backlog waits in an anonymous temporary file. What a user
relies on: every queued task comes out once, in the order it was queued, listing
pages still interleave, and a disk that fills up or fails costs no task silently.
"""

from __future__ import annotations

import errno
import gc
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from huyenkyanh_archive.crawl import crawl
from huyenkyanh_archive.crawl import scheduler as scheduler_module
from huyenkyanh_archive.crawl.messages import Task
from huyenkyanh_archive.crawl.scheduler import Scheduler
from huyenkyanh_archive.crawl.spill import TaskSpill
from huyenkyanh_archive.site.urls import ArticleRef
from tests.support.crawl_support import archive_health, cli_argv, fast_options, profile
from tests.support.reliability_support import assert_consistent, crawl_args, sigkill_after
from tests.support.render import load_corpus
from tests.support.replica import Faults, synthetic_articles
from tests.support.replica_newer import NewerReplica


def article_task(i: int) -> Task:
    url = f"http://kyanh.hatinh.gov.vn/vi/kinh-te/tin-bai/{i}/bai-so-{i}"
    return Task("article", url, ref=ArticleRef(f"tin-bai:{i}", (f"tin-bai:{i}", f"slug:bai-so-{i}"), "kinh-te", url,
                                                "hatinh-portal-2025"), found_by="sitemap", etag=f'"{i}"')


def drain(s: Scheduler) -> list[Task]:
    out = []
    while (t := s.next()) is not None:
        out.append(t)
    return out


def live_tasks() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Task))


def test_every_task_comes_back_once_in_order_with_its_fields() -> None:
    s = Scheduler(low_water=4, in_memory=16)
    for i in range(500):
        s.add(article_task(i))
    assert s.waiting_articles == 500 and not s.empty()
    got = drain(s)
    assert [t.url for t in got] == [article_task(i).url for i in range(500)]
    assert got[321] == article_task(321)  # the ref, the validators, how it was found
    assert s.empty() and s.waiting_articles == 0
    s.close()


def test_memory_holds_a_bounded_number_of_tasks_however_many_are_queued() -> None:
    before = live_tasks()
    s = Scheduler(low_water=4, in_memory=32)
    for i in range(5000):
        s.add(article_task(i))
    assert live_tasks() - before <= 32
    assert s.waiting_articles == 5000
    got = 0
    while s.next() is not None:
        got += 1
        if got % 997 == 0:
            assert live_tasks() - before <= 32
    assert got == 5000
    s.close()


def test_listing_pages_still_go_first_when_few_articles_wait_and_articles_added_later_queue_behind() -> None:
    s = Scheduler(low_water=4, in_memory=8)
    for i in range(20):
        s.add(article_task(i))
    s.add(Task("listing", "http://kyanh.hatinh.gov.vn/vi/kinh-te?page=2", section="/vi/kinh-te", page=2))
    order = []
    for _ in range(18):
        t = s.next()
        assert t is not None
        order.append(t)
    s.add(article_task(100))
    order += drain(s)
    kinds = [t.kind for t in order]
    assert kinds.count("listing") == 1
    # Articles first while many wait; the listing once fewer than the low water mark are left.
    assert kinds.index("listing") >= 16
    assert [t.url for t in order if t.kind == "article"] == [article_task(i).url for i in [*range(20), 100]]


class _FullDisk:
    """A file whose writes fail as on a full disk (ENOSPC), after ``room`` bytes."""

    def __init__(self, real: Any, room: int) -> None:
        self.real, self.room = real, room

    def write(self, data: bytes) -> int:
        if self.real.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return int(self.real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_full_disk_keeps_the_tasks_in_memory_and_loses_none() -> None:
    s = Scheduler(low_water=2, in_memory=4)
    for i in range(6):
        s.add(article_task(i))  # four in memory, two on disk
    spill: TaskSpill = s._spill  # the scheduler's own file, made to fill up
    assert spill._file is not None
    spill._file = _FullDisk(spill._file, room=spill._write_at)  # type: ignore[assignment]
    for i in range(6, 40):
        s.add(article_task(i))
    got = [t.url for t in drain(s)]
    assert sorted(got) == sorted(article_task(i).url for i in range(40))
    assert len(got) == len(set(got))
    s.close()


def test_a_spill_that_cannot_be_read_back_is_counted_not_hidden(tmp_path: Path) -> None:
    s = Scheduler(low_water=2, in_memory=4)
    for i in range(30):
        s.add(article_task(i))
    spill: TaskSpill = s._spill
    assert spill._file is not None
    spill._file.seek(0)
    spill._file.write(b"\xff" * 64)  # the file damaged under the run
    got = drain(s)
    assert len(got) + s.spill_lost == 30 and s.spill_lost > 0
    assert s.empty()


def test_a_crawl_whose_backlog_waits_on_disk_archives_every_article_once(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The newer software's sitemap queues every article at once; with a tiny in-memory
    bound nearly all of them wait on disk, under faults on every request."""
    monkeypatch.setattr(scheduler_module, "IN_MEMORY_ARTICLES", 2)
    corpus = load_corpus()
    faults = Faults(error_rate=0.2, rate_429=0.05, truncate_rate=0.05, max_per_path=1000)
    with NewerReplica(corpus, per_page=4, faults=faults, seed=3) as rep:
        db = tmp_path / "a.db"
        summary = crawl(db, profile(), fast_options(rep, concurrency=2))
        assert summary.ok and summary.new == len(corpus), summary.to_dict()
        health = archive_health(db)
        assert health["articles"] == health["distinct_ids"] == health["versions"] == len(corpus)
        assert health["frontier"] == 0
        with sqlite3.connect(db) as conn:
            titles = {r[0] for r in conn.execute("SELECT title FROM articles")}
        assert titles == {a["title"] for a in corpus}


def test_killed_while_a_sitemaps_articles_wait_the_next_run_reads_it_again_and_completes(tmp_path: Path) -> None:
    """The sitemap of 1,600 articles is queued a slice at a time as the workers need them;
    its walk is recorded only with the last slice. SIGKILLed before that, the next run
    reads the sitemap again and archives every article exactly once."""
    articles = synthetic_articles(1600, load_corpus(), seed=5)
    db = tmp_path / "a.db"
    with NewerReplica(articles, per_page=50) as rep:
        sitemap_read = lambda: len(rep.requests(lambda e: e.path == "/sitemap.xml"))  # noqa: E731
        code = sigkill_after([*cli_argv(), *crawl_args(db, rep, "--concurrency", "2", "--quiet")],
                             lambda: len(rep.article_requests()) if sitemap_read() else 0, 150)
        assert code == -signal.SIGKILL
        assert_consistent(db)
        with sqlite3.connect(db) as conn:
            held = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            sitemap_rows = conn.execute("SELECT complete_at FROM sections WHERE url LIKE '%sitemap%'").fetchall()
        assert 0 < held < 1000, held
        assert sitemap_rows and all(done is None for (done,) in sitemap_rows)
        rep.clear_log()
        summary = crawl(db, profile(), fast_options(rep, concurrency=4))
        assert sitemap_read() == 1
        assert summary.ok and held + summary.new == len(articles), summary.to_dict()
    assert_consistent(db)
    health = archive_health(db)
    assert health["articles"] == health["distinct_ids"] == health["versions"] == len(articles)
    assert health["frontier"] == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sections WHERE url LIKE '%sitemap%' AND complete_at IS NOT NULL"
                            ).fetchone()[0] == 1
