"""A portal that is gone, archived from the Wayback Machine's captures (a replica on 127.0.0.1)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from huyenkyanh_archive.crawl import CrawlOptions, CrawlSummary, Event, crawl
from huyenkyanh_archive.site.site import load_site
from tests.support.crawl_support import cli, profile
from tests.support.reliability_support import assert_consistent, stored_pages
from tests.support.wayback import Faults, PortalCaptures, WaybackReplica, portal_captures


@pytest.fixture(scope="module")
def captures() -> PortalCaptures:
    return portal_captures(n_articles=18, seed=3)


def options(wb: WaybackReplica, **changes: Any) -> CrawlOptions:
    values: dict[str, Any] = dict(source="wayback", wayback_url=wb.base_url, cdx_interval=0.0, replay_interval=0.0,
                                  rate_limit_wait=0.02, retries=8, backoff_base=0.01, backoff_max=0.05,
                                  read_timeout=2.0, connect_timeout=1.0, concurrency=2, seed=5)
    values.update(changes)
    return CrawlOptions(**values)


def run(db: Path, wb: WaybackReplica, events: list[Event] | None = None, **changes: Any) -> CrawlSummary:
    return crawl(db, profile(), options(wb, **changes), events.append if events is not None else None)


def replayed(wb: WaybackReplica) -> list[str]:
    return [e.path for e in wb.requests("replay") if e.fault is None]


def test_every_article_with_every_distinct_content_in_capture_order(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures) as wb:
        summary = run(db, wb)
        asked = replayed(wb)
    assert summary.ok and summary.new == len(captures.versions), summary
    assert stored_pages(db) == captures.versions  # each content once, oldest capture first, bytes as captured
    # One request per distinct content: repeats under www./https/:80/the old host and revisits are not asked.
    assert len(asked) == sum(len(v) for v in captures.versions.values())
    assert len(asked) == len(set(asked))
    never = {c.timestamp for c in captures.non_articles}
    assert not [p for p in asked if p.split("/")[2][:14] in never]  # redirects, errors, soft 404s: never asked
    assert_consistent(db)


def test_versions_keep_the_capture_as_provenance(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures) as wb:
        run(db, wb)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT r.source, r.archive_url, r.fetched_at, r.provenance FROM versions v"
                            " JOIN responses r ON r.id = v.response_id").fetchall()
    assert rows and all(source == "wayback" for source, *_ in rows)
    for _source, archive_url, fetched_at, provenance in rows:
        ts = archive_url.split("/web/", 1)[1][:14]
        # The version's time is the capture's, not the day it was fetched from the archive.
        assert fetched_at.startswith(f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}")
        assert json.loads(provenance)["captured_at"] == fetched_at
        assert "id_/" in archive_url


def test_a_rerun_asks_the_index_and_fetches_only_new_captures(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    first = PortalCaptures(captures=[c for c in captures.captures if c.timestamp < "20220101000000"])
    with WaybackReplica(first.captures) as wb:
        assert run(db, wb).ok
    before = stored_pages(db)
    with WaybackReplica(captures.captures) as wb:
        again = run(db, wb)
        asked = replayed(wb)
        assert wb.requests("cdx")
    assert again.ok
    after = stored_pages(db)
    assert after == captures.versions
    fetched_before = sum(len(v) for v in before.values())
    assert len(asked) == sum(len(v) for v in after.values()) - fetched_before  # nothing kept is fetched again
    with WaybackReplica(captures.captures) as wb:
        third = run(db, wb)
        assert replayed(wb) == [] and third.new == third.changed == 0


def test_faults_on_every_request_of_the_archive_lose_nothing(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    events: list[Event] = []
    faults = Faults(rate_503=0.2, rate_429=0.1, rate_429_retry_after=0.05, retry_after="0")
    with WaybackReplica(captures.captures, faults=faults, seed=11) as wb:
        summary = run(db, wb, events)
        injected = [e for e in wb.log if e.fault]
    assert len(injected) >= 10
    assert summary.ok and summary.failed == 0
    assert stored_pages(db) == captures.versions
    assert sum(e.kind == "retry" for e in events) == len(injected) == summary.retries
    assert_consistent(db)


def test_resume_keys_page_through_a_small_server_limit(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures, per_page_limit=7) as wb:
        summary = run(db, wb)
        cdx = wb.requests("cdx")
    hosts = len({h for h in load_site().hosts()})
    assert len(cdx) > hosts  # more than one page per host
    assert summary.ok and stored_pages(db) == captures.versions


def test_an_unreachable_archive_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    out = cli("crawl", "--db", str(db), "--source", "wayback", "--wayback-url", "http://127.0.0.1:9",
              "--retries", "0", "--quiet")
    assert out.returncode == 69, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "127.0.0.1:9" in out.stderr


def test_the_cli_archives_from_the_archive_with_json_events(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures) as wb:
        out = cli("crawl", "--db", str(db), "--source", "wayback", "--wayback-url", wb.base_url,
                  "--cdx-interval", "0", "--replay-interval", "0", "--json")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    end = events[-1]
    assert end["event"] == "end" and end["source"] == "wayback" and end["new"] == len(captures.versions)
    assert end["captures"] == sum(len(v) for v in captures.versions.values())
    assert any(e["event"] == "cdx" for e in events)
    stats = cli("stats", "--db", str(db), "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["responses_by_source"]["wayback"] == end["captures"]
