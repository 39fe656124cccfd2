"""The crawl as cron runs it, beyond tests/test_crawl_cli.py: faults, signals, a really killed holder.

- ``--json`` under 30 % faults: every line one valid JSON event, each retry
  logged once (as many as the server injected), the end event's counts
  agreeing with the lines;
- ``--quiet --json >> log`` (the logging crontab line): the log gets the
  events, stderr (cron's mail) stays empty unless something failed, and
  then it is one line;
- a sync whose revisits all answer 304 is "nothing new": silent, exit 0;
- SIGINT: exit 130 with one line, the archive consistent, the next run
  completes; SIGTERM (cron's or systemd's timeout) likewise;
- the lock of a crawl SIGKILLed mid-run (its process gone, its forked
  extraction workers too) is taken over at once by the next run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from huyenkyanh_archive.archive.lock import lock_path, read_holder
from tests.support.crawl_support import cli, cli_argv, cli_env
from tests.support.reliability_support import assert_consistent, crawl_args
from tests.support.render import load_corpus
from tests.support.replica import Faults, Replica

CORPUS = load_corpus()
SOME = CORPUS[:16]  # enough for a few listing pages per folder, quick to crawl twice


def events_of(stdout: str) -> list[dict]:
    lines = stdout.splitlines()
    assert lines and all(line.strip() for line in lines)
    return [json.loads(line) for line in lines]  # each line valid JSON, or this raises


def test_json_under_thirty_percent_faults_logs_each_retry_once(tmp_path: Path) -> None:
    faults = Faults(error_rate=0.15, rate_429=0.05, retry_after="0", truncate_rate=0.05, reset_rate=0.05,
                    max_per_path=3, spare=lambda p: False)
    with Replica(CORPUS, per_page=4, faults=faults, seed=5) as rep:
        out = cli(*crawl_args(tmp_path / "a.db", rep, "--json", "--quiet", "--concurrency", "3", "--retries", "6"))
        injected = [e for e in rep.log if e.fault]
    assert out.returncode == 0 and out.stderr == "", out.stderr
    events = events_of(out.stdout)
    kinds = [e["event"] for e in events]
    end = events[-1]
    assert kinds[0] == "start" and kinds[-1] == "end" and kinds.count("end") == 1
    assert len(injected) >= 10
    assert kinds.count("retry") == len(injected) == end["retries"]
    outcomes = [e["outcome"] for e in events if e["event"] == "article"]
    # Each article once; besides them only related links the site answers 404 for.
    assert outcomes.count("new") == end["new"] == len(CORPUS) and len(outcomes) == end["new"] + end["gone"]
    assert all({"event", "at"} <= set(e) for e in events)
    assert_consistent(tmp_path / "a.db")


def test_the_logging_crontab_line_mails_nothing_unless_something_failed(tmp_path: Path) -> None:
    db, log = tmp_path / "a.db", tmp_path / "crawl.log"

    def cron_run(rep: Replica) -> subprocess.CompletedProcess[str]:
        with open(log, "a") as sink:  # what `>> crawl.log` does; stderr is what cron mails
            return subprocess.run([*cli_argv(), *crawl_args(db, rep, "--quiet", "--json", "--retries", "1")],
                                  env=cli_env(), stdout=sink, stderr=subprocess.PIPE, text=True, timeout=60)

    with Replica(SOME, per_page=4) as rep:
        first = cron_run(rep)
        assert (first.returncode, first.stderr) == (0, "")
        broken = dict(SOME[5], url=SOME[5]["url"][:-14] + "20991231235959")
        rep.add(broken)
        rep.faults = Faults(error_rate=1.0, max_per_path=100, spare=lambda p: not p.endswith("20991231235959"))
        second = cron_run(rep)
    assert second.returncode == 3
    assert second.stderr.count("\n") == 1 and "failed" in second.stderr and "20991231235959" in second.stderr
    ends = [e for e in events_of(log.read_text()) if e["event"] == "end"]
    assert [e["status"] for e in ends] == ["ok", "partial"]
    assert [e["new"] for e in ends] == [len(SOME), 0] and ends[-1]["failed"] == 1


def test_a_sync_whose_revisits_all_answer_304_is_silent(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(SOME, per_page=4) as rep:
        assert cli(*crawl_args(db, rep, "--quiet")).returncode == 0
        rep.clear_log()
        out = cli(*crawl_args(db, rep, "--quiet", "--revisit-days", "100000"))
        statuses = [e.status for e in rep.article_requests()]
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert statuses == [304] * len(SOME)  # it did revisit every article, conditionally


def _signal_mid_crawl(db: Path, rep: Replica, sig: int, after: int) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen([*cli_argv(), *crawl_args(db, rep, "--quiet", "--concurrency", "2")], env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(rep.log) < after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_sigint_is_exit_130_one_line_and_the_next_run_completes(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(SOME, per_page=4, faults=Faults(latency=0.02)) as rep:
        out = _signal_mid_crawl(db, rep, signal.SIGINT, 12)
        assert out.returncode == 130, (out.returncode, out.stderr[-500:])
        assert out.stderr.count("\n") == 1 and "interrupted" in out.stderr and "run again" in out.stderr
        h = assert_consistent(db)
        assert 0 < h["articles"] < len(SOME) or h["articles"] == 0
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT status FROM runs ORDER BY id DESC").fetchone()[0] == "interrupted"
        rep.faults = Faults()
        again = cli(*crawl_args(db, rep, "--quiet"))
    assert again.returncode == 0, again.stderr
    assert assert_consistent(db)["articles"] == len(SOME)


def test_sigterm_leaves_a_consistent_archive_and_the_next_run_completes(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(SOME, per_page=4, faults=Faults(latency=0.02)) as rep:
        out = _signal_mid_crawl(db, rep, signal.SIGTERM, 12)
        assert out.returncode in (-signal.SIGTERM, 143), out.returncode
        assert "Traceback" not in out.stderr
        assert_consistent(db)
        rep.faults = Faults()
        again = cli(*crawl_args(db, rep, "--quiet"))
    assert again.returncode == 0, again.stderr
    assert assert_consistent(db)["articles"] == len(SOME)


def test_the_lock_of_a_sigkilled_crawl_is_taken_over_at_once(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS, per_page=4, faults=Faults(latency=0.02)) as rep:
        # --concurrency 8: extraction runs in forked worker processes, which must not keep the lock.
        proc = subprocess.Popen([*cli_argv(), *crawl_args(db, rep, "--quiet", "--concurrency", "8")],
                                env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while len(rep.log) < 20 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            holder = read_holder(lock_path(db))
            proc.send_signal(signal.SIGKILL)  # the crawl alone, as the OOM killer does
            proc.wait(10)
            assert holder is not None and holder.pid == proc.pid
            rep.faults = Faults()
            t0 = time.monotonic()
            again = cli(*crawl_args(db, rep, "--quiet"))
            took = time.monotonic() - t0
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # anything it left behind dies with the test
            except ProcessLookupError:
                pass
    assert again.returncode == 0, again.stderr  # not 75: the dead crawl's lock was taken over
    assert took < 30
    assert assert_consistent(db)["articles"] == len(CORPUS)
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")] == ["killed", "ok"]
