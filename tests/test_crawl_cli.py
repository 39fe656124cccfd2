"""``kyanh-archive crawl`` as cron runs it: in a subprocess, killed, locked, quiet, JSON."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from huyenkyanh_archive.archive.lock import CrawlLock, lock_path
from tests.support.crawl_support import KILL_AT_STAGE, archive_health, cli, cli_argv, cli_env
from tests.support.render import load_corpus
from tests.support.replica import Faults, Replica

CORPUS = load_corpus()


@pytest.fixture
def replica() -> Iterator[Replica]:
    with Replica(CORPUS, per_page=4) as rep:
        yield rep


def crawl_args(db: Path, replica: Replica, *extra: str) -> list[str]:
    return ["crawl", "--db", str(db), "--base-url", replica.base_url, "--delay", "0", "--revisit-days", "0",
            "--backoff", "0.01", "--timeout", "2", *extra]


def test_crawl_then_quiet_sync_prints_nothing(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    first = cli(*crawl_args(db, replica))
    assert first.returncode == 0, first.stderr
    assert f"{len(CORPUS)} new" in first.stdout
    again = cli(*crawl_args(db, replica, "--quiet"))
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_json_is_one_event_per_line(replica: Replica, tmp_path: Path) -> None:
    out = cli(*crawl_args(tmp_path / "a.db", replica, "--json"))
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "end"
    outcomes = Counter(e["outcome"] for e in events if e["event"] == "article")
    # Every article once; besides them only related links the site answers 404 for.
    assert outcomes == {"new": len(CORPUS), "gone": events[-1]["gone"]}
    assert events[-1]["new"] == len(CORPUS) and events[-1]["status"] == "ok"


def test_failures_give_one_line_on_stderr_and_exit_3(tmp_path: Path) -> None:
    faults = Faults(error_rate=1.0, max_per_path=100, spare=lambda p: "/read/kinh-te/" not in p)
    with Replica(CORPUS, per_page=4, faults=faults) as rep:
        out = cli(*crawl_args(tmp_path / "a.db", rep, "--quiet", "--retries", "1"))
    assert out.returncode == 3
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "failed" in out.stderr


def test_second_crawl_exits_75_naming_the_holder(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with CrawlLock(db):
        out = cli(*crawl_args(db, replica))
    assert out.returncode == 75
    assert f"pid {os.getpid()}" in out.stderr and socket.gethostname() in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert replica.log == []  # not a single request


def test_two_crawls_at_once_one_exits_75(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS, per_page=4, faults=Faults(latency=0.1)) as rep:
        first = subprocess.Popen([*cli_argv(), *crawl_args(db, rep)], env=cli_env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while not rep.log and time.monotonic() < deadline:
            time.sleep(0.02)
        second = cli(*crawl_args(db, rep))
        first_out = first.communicate(timeout=60)
    assert second.returncode == 75 and "another crawl" in second.stderr
    assert first.returncode == 0, first_out[1]


def test_stale_lock_of_a_dead_process_is_taken_over(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock_path(db).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(), "started": "2026-01-01"}))
    out = cli(*crawl_args(db, replica))
    assert out.returncode == 0, out.stderr


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.parametrize(("kill_after", "concurrency"), [(3, 2), (12, 8), (25, 2), (30, 8)])
def test_sigkill_mid_crawl_then_rerun_is_complete(tmp_path: Path, kill_after: int, concurrency: int) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS, per_page=4, faults=Faults(latency=0.01)) as rep:
        proc = subprocess.Popen([*cli_argv(), *crawl_args(db, rep, "--concurrency", str(concurrency), "--quiet")],
                                env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while len(rep.log) < kill_after and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        helpers = children(proc.pid)  # extraction processes, with --concurrency 8
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL  # killed mid-run, not finished
        killed = archive_health(db) if db.exists() else None
        if killed is not None:
            assert killed["integrity"] == "ok" and killed["orphan_children"] == 0
            assert killed["articles_without_version"] == 0
        with open_db(db) as conn:
            held_after_kill = {r[0] for r in conn.execute("SELECT article_id FROM articles")} if killed else set()
        assert len(held_after_kill) < len(CORPUS)
        rep.clear_log()
        out = cli(*crawl_args(db, rep, "--quiet"))
        assert out.returncode == 0, out.stderr
        refetched = {e.path.rsplit("/", 1)[1] for e in rep.article_requests()}
    assert not refetched & held_after_kill  # nothing stored was fetched again
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{c}").exists() for c in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [c for c in helpers if Path(f"/proc/{c}").exists()]  # no orphan left behind
    health = archive_health(db)
    assert health["integrity"] == "ok" and health["foreign_key_errors"] == 0
    assert health["articles"] == health["distinct_ids"] == len(CORPUS)
    assert health["multi_version"] == 0 and health["orphan_children"] == 0 and health["frontier"] == 0
    assert health["fts_rows"] == len(CORPUS)


def open_db(db: Path):  # type: ignore[no-untyped-def]
    import sqlite3
    from contextlib import closing

    if not db.exists():
        return closing(sqlite3.connect(":memory:"))
    return closing(sqlite3.connect(db))


@pytest.mark.parametrize(("stage", "nth"), [("fetched", 4), ("response", 9), ("saved", 15), ("fts", 21)])
def test_sigkill_inside_an_article_write_leaves_no_trace_of_it(tmp_path: Path, stage: str, nth: int) -> None:
    import sys

    from huyenkyanh_archive.crawl import crawl
    from tests.support.crawl_support import fast_options, profile

    db = tmp_path / "a.db"
    with Replica(CORPUS, per_page=4) as rep:
        proc = subprocess.run([sys.executable, "-c", KILL_AT_STAGE, str(db), rep.base_url, stage, str(nth), "2", "0"],
                              env=cli_env(), capture_output=True, timeout=60)
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        health = archive_health(db)
        # The article being written when the process died is wholly absent.
        assert health["integrity"] == "ok" and health["foreign_key_errors"] == 0
        assert health["articles"] == nth - 1 == health["fts_rows"] == health["versions"]
        assert health["orphan_children"] == 0 and health["articles_without_version"] == 0
        summary = crawl(db, profile(), fast_options(rep))
    assert summary.ok and summary.new == len(CORPUS) - (nth - 1)
    health = archive_health(db)
    assert health["articles"] == health["distinct_ids"] == health["fts_rows"] == len(CORPUS)
    with open_db(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs WHERE status = 'killed'").fetchone()[0] == 1


def test_unreachable_site_exits_69_and_changes_nothing(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    db = tmp_path / "a.db"
    out = cli("crawl", "--db", str(db), "--base-url", f"http://127.0.0.1:{port}", "--delay", "0",
              "--retries", "1", "--backoff", "0.01", "--quiet")
    assert out.returncode == 69
    assert len(out.stderr.strip().splitlines()) == 1 and "robots.txt" in out.stderr
    with open_db(db) as conn:
        assert conn.execute("SELECT count(*) FROM responses").fetchone()[0] == 0


def test_reextract_command(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert cli(*crawl_args(db, replica, "--quiet")).returncode == 0
    out = cli("reextract", "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert f"{len(CORPUS)} articles re-extracted" in out.stdout


def test_missing_directory_is_one_line_exit_74(replica: Replica, tmp_path: Path) -> None:
    out = cli(*crawl_args(tmp_path / "nope" / "a.db", replica))
    assert out.returncode == 74 and "does not exist" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
