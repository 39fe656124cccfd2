"""A misbehaving server: every fault at once, and the crawl's manners measured on the server's clock.

tests/test_crawl.py already shows 5xx + truncation + resets lose nothing.
Here the mix is every fault the replica has (500/502/503, 429 with
Retry-After, resets, truncated bodies, stalls past the read timeout) at 30 %
of all requests, and each retry the crawler logs is matched to the fault the
server really injected, path by path.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from huyenkyanh_archive.crawl import CrawlSummary, Event, crawl
from tests.support.crawl_support import archive_health, article_id, fast_options, profile
from tests.support.reliability_support import stored_pages
from tests.support.render import article_path, load_corpus
from tests.support.replica import Faults, Replica

CORPUS = load_corpus()


def run(db: Path, rep: Replica, events: list[Event], **changes: Any) -> CrawlSummary:
    return crawl(db, profile(), fast_options(rep, **changes), events.append)


def _expected_reason(fault: str) -> str:
    if fault.startswith("error:"):
        return f"HTTP {fault[6:]}"
    return {"429": "HTTP 429", "stall": "timeout", "truncate": "incomplete|Protocol|Read",
            "reset": "Read|Connect|Protocol|Remote"}[fault]


def test_thirty_percent_faults_of_every_kind_lose_nothing_and_every_retry_is_logged(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    faults = Faults(
        error_rate=0.12, rate_429=0.05, retry_after="0", truncate_rate=0.05, reset_rate=0.05,
        stall_rate=0.03, stall_seconds=0.8, max_per_path=3, spare=lambda p: False,
    )
    events: list[Event] = []
    with Replica(CORPUS, per_page=4, faults=faults, seed=11) as rep:
        summary = run(db, rep, events, concurrency=3, read_timeout=0.3)
        log = rep.requests()
        pages = {article_id(a): rep.page_bytes(article_id(a)) for a in CORPUS}

    injected = [e for e in log if e.fault]
    kinds = Counter(e.fault.split(":")[0] for e in injected if e.fault)
    # The mix really happened, at roughly the rate asked.
    assert set(kinds) == {"error", "429", "truncate", "reset", "stall"}, kinds
    assert 0.2 <= len(injected) / len(log) <= 0.4
    assert summary.ok and summary.new == len(CORPUS) and summary.failed == 0

    # Every injected fault is one logged retry of the same URL, for the same reason.
    retries = [e.data for e in events if e.kind == "retry"]
    assert len(retries) == len(injected) == summary.retries
    by_path: dict[str, list[str]] = {}
    for r in retries:
        by_path.setdefault(_url_path(r["url"]), []).append(r["reason"])
    assert Counter(e.path for e in injected) == Counter({p: len(v) for p, v in by_path.items()})
    for e in injected:
        assert any(_match(_expected_reason(e.fault or ""), r) for r in by_path[e.path]), (e.path, e.fault)

    # Every article archived exactly once, each exactly as served (no truncated page kept).
    health = archive_health(db)
    assert health["integrity"] == "ok" and health["foreign_key_errors"] == 0
    assert health["articles"] == health["distinct_ids"] == health["versions"] == health["fts_rows"] == len(CORPUS)
    stored = stored_pages(db)
    assert {aid: len(v) for aid, v in stored.items()} == dict.fromkeys(pages, 1)
    assert all(stored[aid][0] == body for aid, body in pages.items())
    with sqlite3.connect(db) as conn:
        ok_pages = conn.execute("SELECT count(*) FROM responses WHERE kind = 'article' AND status = 200").fetchone()[0]
        failed_kept = conn.execute("SELECT count(*) FROM responses WHERE status >= 500 OR status = 429").fetchone()[0]
    assert ok_pages == len(CORPUS)
    assert failed_kept == 0  # a retried error is a log line, not an archived response


def _url_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _match(pattern: str, reason: str) -> bool:
    return re.search(pattern, reason, re.I) is not None


def test_retry_after_and_the_delay_are_never_undercut_on_the_servers_clock(tmp_path: Path) -> None:
    """Three articles answer 429 with Retry-After: 1 once; four workers share the host."""
    db = tmp_path / "a.db"
    subset = CORPUS[:10]
    throttled = {article_path(a) for a in subset[2:5]}
    faults = Faults(rate_429=1.0, retry_after="1", max_per_path=1, spare=lambda p: p not in throttled)
    events: list[Event] = []
    delay = 0.1
    with Replica(subset, per_page=4, faults=faults) as rep:
        summary = run(db, rep, events, concurrency=4, delay=delay, backoff_base=0.01)
        log = sorted(rep.requests(), key=lambda e: e.t)
    assert summary.ok and summary.new == len(subset)
    too_many = [e for e in log if e.status == 429]
    assert len(too_many) == 3
    # The configured delay: request starts at least `delay` apart. The server stamps a request
    # when its thread reads it, so a loaded CI machine blurs each stamp by some milliseconds:
    # 30 ms of slack still tells a kept delay (gaps ~100 ms) from a broken one (gaps ~0).
    gaps = [b.t - a.t for a, b in zip(log, log[1:], strict=False)]
    assert min(gaps) >= delay - 0.03, sorted(gaps)[:5]
    # Retry-After: after a 429 is sent, nothing at all reaches the host for a second.
    for e in too_many:
        later = [x.t - e.sent for x in log if x.t > e.sent]
        assert later and min(later) >= 1.0 - 0.05, (e.path, min(later))
    # And the waits the crawler logged are the server's figure, not less.
    waits = [r.data["wait"] for r in events if r.kind == "retry"]
    assert len(waits) == 3 and min(waits) >= 1.0
