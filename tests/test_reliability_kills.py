"""SIGKILL at ten seeded random points of one archive's life, and inside a changed article's write.

tests/test_crawl_cli.py kills fresh crawls once each. Here one database lives
through ten kills in a row, at random (seeded) points: at each stage of an
article's write (between fetch and write, after the response row, after the
record, during the FTS update, after the commit) and at random request counts,
with and without the forked extraction pool and under injected faults. After
every kill the archive must be whole (integrity, no duplicates, no orphan rows
of any kind); the run after the last kill must complete it, every article
stored once, exactly as served.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support.crawl_support import KILL_AT_STAGE, cli, cli_argv, cli_env
from tests.support.reliability_support import assert_consistent, crawl_args, sigkill_after, stored_pages
from tests.support.render import load_corpus
from tests.support.replica import Faults, Replica, synthetic_articles

CORPUS = load_corpus()
STAGES = ("fetched", "response", "saved", "fts", "committed")

def kill_at_stage(db: Path, rep: Replica, stage: str, nth: int, concurrency: int, revisit_days: float = 0) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", KILL_AT_STAGE, str(db), rep.base_url, stage, str(nth), str(concurrency), str(revisit_days)],
        env=cli_env(), capture_output=True, timeout=60)
    return proc.returncode


def kill_after_requests(db: Path, rep: Replica, requests: int, concurrency: int) -> int:
    """The CLI crawl, SIGKILLed (the crawl process alone, as the OOM killer would) after ``requests``."""
    return sigkill_after([*cli_argv(), *crawl_args(db, rep, "--concurrency", str(concurrency), "--quiet")],
                         lambda: len(rep.log), requests)


def test_ten_random_kills_then_the_archive_is_complete(tmp_path: Path) -> None:
    rng = random.Random(20261127)
    articles = synthetic_articles(90, CORPUS, seed=5)
    db = tmp_path / "a.db"
    faults = Faults(error_rate=0.08, truncate_rate=0.04, reset_rate=0.03, max_per_path=2, spare=lambda p: False)
    stages = list(STAGES)
    rng.shuffle(stages)  # each stage of the write once, in a random order
    held_before = 0
    outcomes: list[tuple[str, int]] = []
    with Replica(articles, per_page=10, faults=faults, seed=3) as rep:
        for k in range(10):
            concurrency = rng.choice((2, 8))  # 8: extraction in forked worker processes
            if k % 2 == 0:
                stage, nth = stages[k // 2], rng.randint(1, 12)
                code = kill_at_stage(db, rep, stage, nth, concurrency)
                point = f"stage {stage} #{nth}"
            else:
                nreq = rng.randint(3, 40)
                code = kill_after_requests(db, rep, nreq, concurrency)
                point = f"after {nreq} requests"
            outcomes.append((point, code))
            if not db.exists():
                continue  # killed before the database was created
            h = assert_consistent(db)
            # Killed runs make progress or at least lose nothing.
            assert h["articles"] >= held_before, (point, h["articles"], held_before)
            held_before = h["articles"]
        assert sum(code == -signal.SIGKILL for _, code in outcomes) >= 8, outcomes
        assert held_before < len(articles), "the kills came too late to test anything"
        rep.clear_log()
        out = cli(*crawl_args(db, rep, "--concurrency", "4", "--quiet", "--retries", "8"))
        assert out.returncode == 0, out.stderr
        served = {Replica.article_id(a): rep.page_bytes(Replica.article_id(a)) for a in articles}
        # What the last run fetched whole: the articles still missing, and related links that 404.
        refetched = [e.path for e in rep.article_requests() if e.fault is None and e.status == 200]
    h = assert_consistent(db)
    assert h["articles"] == len(articles)
    pages = stored_pages(db)
    assert {aid: len(v) for aid, v in pages.items()} == dict.fromkeys(served, 1)  # once each
    assert all(pages[aid][0] == body for aid, body in served.items())  # exactly as served
    assert len(refetched) == len(articles) - held_before  # nothing stored was fetched again
    with sqlite3.connect(db) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "ok" and "running" not in statuses


def test_kill_during_a_changed_articles_fts_update_keeps_the_old_version_whole(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    subset = CORPUS[:8]
    target = Replica.article_id(subset[0])
    old_title = subset[0]["title"]
    new_title = "Zyxwv cập nhật hoàn toàn mới"
    with Replica(subset, per_page=4) as rep:
        assert cli(*crawl_args(db, rep, "--quiet")).returncode == 0
        rep.edit(target, title=new_title)
        # The revisit rewrites the changed article: old FTS row deleted, new one inserted; die in between.
        code = kill_at_stage(db, rep, "fts", 1, 2, revisit_days=100_000)
        assert code == -signal.SIGKILL
        assert_consistent(db)
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT title, version_count FROM articles WHERE article_id = ?", (target,)).fetchone()
            assert row == (old_title, 1)
            assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'zyxwv'").fetchone()[0] == 0
        out = cli(*crawl_args(db, rep, "--quiet", "--revisit-days", "100000"))
        assert out.returncode == 0, out.stderr
    assert_consistent(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT title, version_count FROM articles WHERE article_id = ?",
                            (target,)).fetchone() == (new_title, 2)
        hits = conn.execute("SELECT a.article_id FROM articles_fts f JOIN articles a ON a.id = f.rowid"
                            " WHERE articles_fts MATCH 'zyxwv'").fetchall()
        assert hits == [(target,)]
