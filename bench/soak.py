"""Soak: a big crawl through a faulty server, SIGKILLed at random, rerun until complete.

    python -m bench.soak                                   # 10,000 articles, 30 % faults, 5 kills
    python -m bench.soak --articles 2000 --kills 3         # smaller
    python -m bench.soak --fault-rate 0.5 --seed 7 --keep  # keep the database to look at

A loopback replica serves ``--articles`` synthetic articles (the corpus,
varied). ``--fault-rate`` of all requests fail, spread over 500/502/503,
429 with Retry-After, connection resets, truncated bodies and stalls past
the read timeout (a path fails at most 3 times, so retries can win). The
crawl is ``kyanh-archive crawl --json`` in a subprocess; ``--kills`` runs
are SIGKILLed after a random (seeded) number of requests, then the crawl is
rerun until it exits 0. Then the archive is checked against what the
replica serves and the figures printed:

- expected: articles the replica serves; archived: distinct articles stored;
- duplicated: extra article rows, extra versions (nothing was edited, so a
  second version is a duplicate) and extra stored 200 pages of an article;
- corrupted: stored raw pages that differ from what the replica serves,
  records whose title or date differ from the served article, child rows
  without their article, versions without their response, responses without
  their blob, plus ``PRAGMA integrity_check`` and the FTS index check;
- retries: ``retry`` events the runs logged (killed runs included), next to
  the faults the server injected; wall time for the whole soak.

Exit status 0 only if archived == expected and nothing is duplicated or corrupted.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.reliability_support import deep_health
from tests.support.render import load_corpus
from tests.support.replica import Faults, Replica, synthetic_articles

from huyenkyanh_archive.archive.store import open_archive


def fault_mix(rate: float, stall_seconds: float) -> Faults:
    """``rate`` of all requests fail: 40 % of them 5xx, 15 % each 429, reset, truncation, stall."""
    return Faults(
        error_rate=rate * 0.40, rate_429=rate * 0.15, retry_after="0", reset_rate=rate * 0.15,
        truncate_rate=rate * 0.15, stall_rate=rate * 0.15, stall_seconds=stall_seconds,
        max_per_path=3, spare=lambda p: False,
    )


def crawl_argv(db: Path, base_url: str, args: argparse.Namespace) -> list[str]:
    return [sys.executable, "-c", "from huyenkyanh_archive.cli import app; app()", "crawl", "--db", str(db),
            "--base-url", base_url, "--delay", "0", "--concurrency", str(args.concurrency), "--revisit-days", "0",
            "--retries", "8", "--backoff", "0.01", "--timeout", str(args.timeout), "--json"]


def run_once(argv: list[str], rep: Replica, kill_after: int | None, out_dir: Path, n: int) -> tuple[int, list[dict]]:
    """One crawl process; SIGKILLed once the replica has seen ``kill_after`` more requests."""
    out_path = out_dir / f"run-{n}.jsonl"
    start = len(rep.log)
    with open(out_path, "wb") as out, open(out_dir / f"run-{n}.err", "wb") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        while proc.poll() is None:
            if kill_after is not None and len(rep.log) - start >= kill_after:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        code = proc.wait()
    events = []
    for line in out_path.read_text("utf-8", "replace").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass  # the line a SIGKILL cut short
    return code, events


def check(db: Path, rep: Replica) -> dict[str, int | str]:
    served = {Replica.article_id(a): a for a in rep.articles}
    conn = sqlite3.connect(db)  # writable: FTS5's integrity-check is written as an INSERT
    archive = open_archive(db, readonly=True)  # reads the raw pages (compressed blobs)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    rows = one("SELECT count(*) FROM articles")
    distinct = one("SELECT count(DISTINCT article_id) FROM articles")
    extra_versions = one("SELECT count(*) FROM versions") - distinct
    extra_pages = one(
        "SELECT count(*) - count(DISTINCT v.article) FROM versions v JOIN responses r ON r.id = v.response_id"
        " WHERE r.status = 200")
    bad_pages = bad_records = 0
    for aid, title, published, sha in conn.execute(
        "SELECT a.article_id, a.title, a.published_at, r.body_sha256 FROM articles a JOIN versions v ON v.article = a.id"
        " JOIN responses r ON r.id = v.response_id"
    ).fetchall():
        art = served.get(aid)
        if art is None:
            bad_records += 1
            continue
        if archive.bodies.get(sha) != rep.page_bytes(aid):
            bad_pages += 1
        if title != art["title"] or (published or "")[:16] != art["published_at"][:16]:
            bad_records += 1
    orphans = sum(one(f"SELECT count(*) FROM {t} WHERE article NOT IN (SELECT id FROM articles)")
                  for t in ("authors", "attendees", "images", "related", "versions"))
    orphans += one("SELECT count(*) FROM versions WHERE response_id IS NULL"
                   " OR response_id NOT IN (SELECT id FROM responses)")
    orphans += one("SELECT count(*) FROM responses WHERE body_sha256 IS NOT NULL"
                   " AND body_sha256 NOT IN (SELECT sha256 FROM blobs)")
    orphans += one("SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.article = a.id)")
    integrity = one("PRAGMA integrity_check")
    try:
        # The index holds folded text (đ -> d) on purpose, so it is checked for its own
        # consistency and against the article rows by rowid, not re-tokenised from them.
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        fts = "ok"
    except sqlite3.DatabaseError as exc:
        fts = str(exc)
    fts_rows = one("SELECT count(*) FROM articles_fts_docsize WHERE id IN (SELECT id FROM articles)")
    missing = len(set(served) - {r[0] for r in conn.execute("SELECT article_id FROM articles")})
    archive.close()
    conn.close()
    health = deep_health(db)
    summaries = health["person_count_mismatch"] + health["pair_count_mismatch"] + health["blob_dict_missing"]
    return {
        "expected": len(served), "archived": distinct, "missing": missing,
        "duplicated": (rows - distinct) + extra_versions + extra_pages,
        "corrupted": bad_pages + bad_records + orphans + summaries + (integrity != "ok") + (fts != "ok") + (fts_rows != rows),
        "bad_pages": bad_pages, "bad_records": bad_records, "orphans": orphans, "summary_mismatches": summaries,
        "integrity_check": integrity, "fts_check": fts,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--fault-rate", type=float, default=0.30)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=0.5, help="crawl read timeout; stalls last twice that")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-runs", type=int, default=20)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    articles = synthetic_articles(args.articles, load_corpus(), seed=args.seed)
    work = Path(tempfile.mkdtemp(prefix="kyanh-soak-"))
    db = work / "soak.db"
    t0 = time.monotonic()
    runs: list[tuple[int, int, int]] = []  # (exit code, retry events, article events)
    with Replica(articles, per_page=10, faults=fault_mix(args.fault_rate, args.timeout * 2), seed=args.seed,
                 gzip_pages=True) as rep:
        argv = crawl_argv(db, rep.base_url, args)
        # Kill points: a random share of one run's requests, so each killed run did some work.
        per_run = max(20, int(args.articles * (1 + args.fault_rate) / (args.kills + 1)))
        for k in range(args.max_runs):
            kill_after = rng.randint(per_run // 4, per_run) if k < args.kills else None
            code, events = run_once(argv, rep, kill_after, work, k)
            retries = sum(e.get("event") == "retry" for e in events)
            done = sum(e.get("event") == "article" for e in events)
            runs.append((code, retries, done))
            label = "killed" if code == -signal.SIGKILL else f"exit {code}"
            print(f"run {k + 1}: {label}, {done} articles written, {retries} retries", flush=True)
            if k >= args.kills and code == 0:
                break
        wall = time.monotonic() - t0
        injected = sum(1 for e in rep.log if e.fault)
        requests = len(rep.log)
        figures = check(db, rep)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    kills = sum(code == -signal.SIGKILL for code, _, _ in runs)
    print()
    print(f"articles expected   {figures['expected']}")
    print(f"articles archived   {figures['archived']}  (missing {figures['missing']})")
    print(f"duplicated          {figures['duplicated']}")
    print(f"corrupted           {figures['corrupted']}  (integrity_check {figures['integrity_check']},"
          f" fts {figures['fts_check']}, bad pages {figures['bad_pages']}, bad records {figures['bad_records']},"
          f" orphan rows {figures['orphans']}, person summaries off {figures['summary_mismatches']})")
    print(f"retries             {sum(r for _, r, _ in runs)}  (faults injected by the server: {injected},"
          f" of {requests} requests = {injected / max(1, requests):.0%})")
    print(f"runs                {len(runs)} ({kills} SIGKILLed)")
    print(f"wall time           {wall:.1f} s")
    ok = figures["archived"] == figures["expected"] and not figures["duplicated"] and not figures["corrupted"]
    print("result              " + ("complete: nothing lost, duplicated or corrupted" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
