"""Crawl benchmark: a loopback replica of N articles with 20 ms latency a response.

    python -m bench.crawl                  # 2,000 and 10,000 articles
    python -m bench.crawl --sizes 2000     # one size
    python -m bench.crawl --replica newer  # the newer software's replica (?page=N, three address forms)

For each size: first the replica alone (several client threads, no crawler)
to show it serves several times the rate asked of the crawler; then a full
crawl (``kyanh-archive crawl --delay 0 --concurrency 8``) in a subprocess:
articles/s, CPU per article, peak RSS of the crawl process and peak PSS of
it with its extraction workers (both sampled from /proc), requests per
article; then an incremental run with no change: requests made (goal: one
per folder plus robots.txt); at the --baseline-sizes, the baseline: ``wget
--mirror --adjust-extension --no-parent`` over the same replica, as users run it (its defaults: one
connection, no wait), articles/s and the ratio. The load average before the crawl is shown:
the machine's other work slows the crawl down.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.support.render import article_path, load_corpus
from tests.support.replica import Faults, Replica, synthetic_articles
from tests.support.replica_newer import NewerReplica

GOAL_RATE = 150.0  # articles/s asked of the crawler
LATENCY = 0.020


def replica_capacity(rep: Replica, paths: list[str], seconds: float = 2.0, clients: int = 32) -> float:
    """Requests/s the replica serves to plain keep-alive clients (no crawler)."""
    host, port = rep.base_url.removeprefix("http://").split(":")
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        n = i
        while time.monotonic() < stop:
            conn.request("GET", paths[n % len(paths)])
            conn.getresponse().read()
            counts[i] += 1
            n += clients
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - t0)


def _proc_kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared by the forked workers count once overall."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids += [q for c in task.read_text().split() for q in _tree(int(c))]
        except OSError:
            pass
    return pids


class TreeRss:
    """Peaks, sampled every 50 ms, of a process's RSS and of the summed PSS of it and its
    children (the forked extraction workers share most of their pages with it)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb, self.main_peak_kb, self._stop = pid, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            pids = _tree(self.pid)
            self.main_peak_kb = max(self.main_peak_kb, _rss_kb(self.pid))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        return self.main_peak_kb / 1024, self.peak_kb / 1024


def run_crawl(db: Path, rep: Replica, *extra: str) -> tuple[dict, float, float, float, float]:
    """(end event, wall seconds, peak RSS MB, peak process-tree RSS MB, CPU seconds incl. workers)
    of one ``kyanh-archive crawl`` process."""
    argv = [sys.executable, "-c", "from huyenkyanh_archive.cli import app; app()", "crawl", "--db", str(db),
            "--base-url", rep.base_url, "--delay", "0", "--concurrency", "8", "--json", *extra]
    out = tempfile.TemporaryFile()
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
    tree = TreeRss(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    main_mb, tree_mb = tree.stop()
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    out.seek(0)
    lines = out.read().decode().splitlines()
    end = json.loads(lines[-1]) if lines else {}
    if proc.returncode != 0 or end.get("event") != "end":
        raise SystemExit(f"crawl failed ({proc.returncode}): {err.strip()[-500:]}")
    # RSS is sampled from /proc: ru_maxrss would count the pages of this (large) process
    # that the child shared between fork and exec. wait4's CPU includes the workers it reaped.
    return end, wall, main_mb, tree_mb, usage.ru_utime + usage.ru_stime


def run_wget(rep: Replica, home: str, work: Path) -> tuple[float, int]:
    """The baseline: ``wget --mirror --adjust-extension --no-parent`` (the usual mirroring recipe:
    recursive, timestamping, infinite depth; one connection, no wait: wget's defaults; without
    --adjust-extension a page saved as ``portal`` blocks the folder ``portal/`` and the mirror
    stops at the home) from the home page. (wall seconds, article pages it fetched)."""
    rep.clear_log()
    t0 = time.monotonic()
    subprocess.run(["wget", "--mirror", "--adjust-extension", "--no-parent", "--quiet", "--tries=3", "--directory-prefix",
                    str(work / "wget"), rep.base_url + home], check=False, timeout=3600)
    wall = time.monotonic() - t0
    fetched = len({e.path for e in rep.article_requests() if e.status == 200})
    shutil.rmtree(work / "wget", ignore_errors=True)
    return wall, fetched


def bench(size: int, corpus: list[dict], kind: str = "old", baseline: bool = False) -> dict:
    articles = synthetic_articles(size, corpus, seed=size)
    work = Path(tempfile.mkdtemp(prefix="kyanh-bench-"))
    try:
        if kind == "newer":
            rep: Replica = NewerReplica(articles, per_page=10, faults=Faults(latency=LATENCY))
            paths = [rep.href(a, i) for i, a in enumerate(articles[:500])]  # type: ignore[attr-defined]
        else:
            rep = Replica(articles, per_page=10, faults=Faults(latency=LATENCY))
            paths = [article_path(a) for a in articles[:500]]
        with rep:
            capacity = replica_capacity(rep, paths)
            rep.clear_log()
            db = work / "bench.db"
            load_before = os.getloadavg()[0]
            end, wall, rss, tree_rss, cpu = run_crawl(db, rep)
            full_requests = len(rep.log)
            rep.clear_log()
            end2, wall2, rss2, _, _ = run_crawl(db, rep)
            sync_requests = len(rep.log)
            # robots.txt, the home and the folders; the newer software: also its sitemap and feed.
            folders = len(rep.folders()) + (1 if kind == "old" else 3)
            wget_rate = None
            if baseline and shutil.which("wget"):
                wget_wall, wget_articles = run_wget(rep, "/kyanh/portal" if kind == "old" else "/", work)
                wget_rate = wget_articles / wget_wall
        db_mb = sum(f.stat().st_size for f in work.iterdir()) / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rate = end["new"] / end["elapsed"]
    asked = GOAL_RATE * full_requests / max(1, end["new"])
    return {
        "replica": kind,
        "articles": size,
        "archived": end["new"],
        "failed": end["failed"],
        "replica_req_s": round(capacity),
        "asked_req_s": round(asked),
        "replica_ratio": round(capacity / asked, 1),
        "crawl_s": round(end["elapsed"], 1),
        "process_s": round(wall, 1),
        "articles_per_s": round(rate, 1),
        "requests_per_article": round(full_requests / max(1, end["new"]), 3),
        "cpu_ms_per_article": round(cpu * 1000 / max(1, end["new"]), 2),
        "crawler_cores": round(cpu / wall, 2),  # CPU it got: well under 2 means it waited on others
        "load_before": round(load_before, 2),
        "peak_rss_mb": round(rss, 1),
        "peak_tree_pss_mb": round(tree_rss, 1),
        "db_mb": round(db_mb, 1),
        "sync_requests": sync_requests,
        "sync_expected": folders + 1,
        "sync_new": end2["new"],
        "wget_mirror_articles_per_s": round(wget_rate, 1) if wget_rate else "-",
        "ratio_vs_wget": round(rate / wget_rate, 1) if wget_rate else "-",
        "sync_s": round(wall2, 2),
        "sync_rss_mb": round(rss2, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,10000")
    ap.add_argument("--replica", choices=("old", "newer"), default="old",
                    help="old: the old portal software; newer: the 2025 software (/vi/<section>?page=N, /tin-bai/<n>)")
    ap.add_argument("--baseline-sizes", default="2000",
                    help="sizes at which wget --mirror is timed too (one connection: slow at large sizes)")
    args = ap.parse_args()
    corpus = load_corpus()
    with_baseline = {int(n) for n in args.baseline_sizes.split(",") if n}
    rows = [bench(int(n), corpus, args.replica, int(n) in with_baseline) for n in args.sizes.split(",")]
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    ok = all(r["articles_per_s"] >= GOAL_RATE and r["peak_rss_mb"] < 200 and r["peak_tree_pss_mb"] < 200 and r["sync_requests"] == r["sync_expected"]
             and r["archived"] == r["articles"] for r in rows)
    print(f"goal (>= {GOAL_RATE:.0f} articles/s, RSS < 200 MB, sync = sections + robots.txt (+ home)): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
