"""A portal that is gone, archived from the Wayback Machine's captures (a replica on 127.0.0.1)."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from huyenkyanh_archive.crawl import CrawlOptions, CrawlSummary, Event, crawl
from huyenkyanh_archive.site.site import load_site
from tests.support.crawl_support import cli, cli_argv, profile
from tests.support.reliability_support import assert_consistent, sigkill_after, stored_pages
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


def replayed(wb: WaybackReplica, *, articles: bool = True) -> list[str]:
    """Replays answered without an injected fault: of article addresses, or of every capture."""
    return [e.path for e in wb.requests("replay") if e.fault is None and (not articles or "/read/" in e.path)]


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
        assert replayed(wb, articles=False) == [] and third.new == third.changed == 0


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
    pages = {(c.urlkey, c.digest) for c in captures.listings + captures.robots + captures.home}
    assert end["captures"] == sum(len(v) for v in captures.versions.values()) + len(pages)
    assert any(e["event"] == "cdx" for e in events)
    stats = cli("stats", "--db", str(db), "--json")
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    assert figures["responses_by_source"]["wayback"] == end["captures"]
    assert figures["articles_by_source"] == {"wayback": len(captures.versions)}
    assert figures["versions_by_source"] == {"wayback": sum(len(v) for v in captures.versions.values())}


def kill_after_replays(db: Path, wb: WaybackReplica, replays: int) -> int:
    """The CLI's wayback crawl, SIGKILLed after ``replays`` capture requests."""
    return sigkill_after([*cli_argv(), "crawl", "--db", str(db), "--source", "wayback", "--wayback-url", wb.base_url,
                          "--cdx-interval", "0", "--replay-interval", "0", "--concurrency", "2", "--quiet"],
                         lambda: len(wb.requests("replay")), replays)


def test_killed_mid_run_the_next_run_completes_with_nothing_twice(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures) as wb:
        codes = [kill_after_replays(db, wb, n) for n in (3, 9)]
        assert codes.count(-signal.SIGKILL) >= 1, codes
        assert_consistent(db)
        partial = sum(len(v) for v in stored_pages(db).values())
        assert partial < sum(len(v) for v in captures.versions.values()), "killed too late to test anything"
        before = len(replayed(wb))  # article captures; the pages are asked again after a kill too
        summary = run(db, wb)
        refetched = len(replayed(wb)) - before
    assert summary.ok
    assert stored_pages(db) == captures.versions  # complete, every content once
    # Nothing kept was asked again (a capture in flight at the kill may be).
    assert refetched <= sum(len(v) for v in captures.versions.values()) - partial + 2
    assert_consistent(db)


def test_live_and_wayback_in_one_archive_are_one_article_with_versions_in_time_order(
        captures: PortalCaptures, tmp_path: Path) -> None:
    from tests.support.render import load_corpus
    from tests.support.replica import Replica

    db = tmp_path / "a.db"
    corpus = load_corpus()[:18]
    with Replica(corpus, per_page=4) as site:
        live = crawl(db, profile(), CrawlOptions(base_url=site.base_url, delay=0.0, revisit_days=0.0, retries=4,
                                                 backoff_base=0.01, read_timeout=2.0))
    assert live.ok and live.new == len(corpus)
    with WaybackReplica(captures.captures) as wb:
        old = run(db, wb)
    assert old.ok and old.new == 0  # every captured article is one the live site still serves
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(corpus)
        rows = conn.execute("SELECT a.article_id, v.content_sha256, v.fetched_at FROM versions v JOIN articles a"
                            " ON a.id = v.article ORDER BY a.id, v.version").fetchall()
        titles = dict(conn.execute("SELECT article_id, title FROM articles").fetchall())
        sources = dict(conn.execute("SELECT source, count(*) FROM responses GROUP BY source").fetchall())
    assert sources.get("wayback", 0) > 0 and sources.get("live", 0) > 0
    by_article: dict[str, list[tuple[str, str]]] = {}
    for article_id, digest, fetched_at in rows:
        by_article.setdefault(article_id, []).append((digest, fetched_at))
    assert any(len(v) > 1 for v in by_article.values())  # the captured edits became versions
    for versions in by_article.values():
        times = [t for _d, t in versions]
        assert times == sorted(times)  # in time order, captures among them
        digests = [d for d, _t in versions]
        assert all(a != b for a, b in zip(digests, digests[1:], strict=False))  # a version is a change
    # The current record is what the site serves today, whatever older captures came after.
    assert titles == {str(a["url"]).rsplit("/", 1)[1]: a["title"] for a in corpus}


def test_with_assets_the_captured_images_are_kept_once(captures: PortalCaptures, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures) as wb:
        summary = run(db, wb, assets=True)
    assert summary.ok and captures.images
    with sqlite3.connect(db) as conn:
        kept = {url for (url,) in conn.execute("SELECT url FROM assets")}
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    site = load_site()
    assert kept == {site.canonical(c.original) for c in captures.images}
    assert articles == len(captures.versions)  # images are never articles


def test_a_listed_capture_the_archive_cannot_replay_is_skipped_not_failed(captures: PortalCaptures,
                                                                          tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    edited = next(aid for aid, bodies in captures.versions.items() if len(bodies) > 1)
    single = next(aid for aid, caps in captures.article_captures.items() if len(caps) == 1)
    with WaybackReplica(captures.captures) as wb:
        # The index lists captures the replay no longer has: the first of an edited article
        # (its address has other captures: the archive redirects to the nearest) and the only
        # one of another (the archive answers "not archived").
        for cap in (captures.article_captures[edited][0], captures.article_captures[single][0]):
            wb.replayer.by_key[cap.urlkey].remove(cap)
            if not wb.replayer.by_key[cap.urlkey]:
                del wb.replayer.by_key[cap.urlkey]
        summary = run(db, wb)
        answers = [e.status for e in wb.requests("replay")]
    assert summary.ok and summary.failed == 0
    assert 302 in answers and 404 in answers
    kept = stored_pages(db)
    assert single not in kept and set(kept) == set(captures.versions) - {single}
    assert all(set(v) <= set(captures.versions[aid]) for aid, v in kept.items())  # nothing but what was captured
    assert captures.versions[edited][-1] in kept[edited]  # the edit, from its own capture
    # The first content too, from a later capture of the same bytes (a spare the plan kept).
    spares = [c for c in captures.article_captures[edited][1:] if c.body == captures.versions[edited][0]]
    if spares:
        assert captures.versions[edited][0] in kept[edited]
    assert summary.gone >= 1


def test_the_sites_other_pages_are_kept_raw_once_and_never_become_articles(captures: PortalCaptures,
                                                                          tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with WaybackReplica(captures.captures) as wb:
        run(db, wb)
    site = load_site()
    pages = captures.listings + captures.robots + captures.home
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT url, fetched_at FROM responses WHERE kind = 'listing' AND source = 'wayback'"
                            ).fetchall()
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    # Each content of the home, the listings and robots.txt once, on the portal's own address.
    assert len(kept) == len({(c.urlkey, c.digest) for c in pages})
    assert {u for u, _t in kept} == {site.canonical(c.original) for c in pages}
    assert articles == len(captures.versions)
    with WaybackReplica(captures.captures) as wb:
        run(db, wb)
        assert replayed(wb, articles=False) == []  # a rerun asks for none of them again
