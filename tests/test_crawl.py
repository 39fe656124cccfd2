"""The crawl against the loopback replica: complete, incremental, versions, removal, faults, robots."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from huyenkyanh_archive.archive.records import decode_record, encode_record
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.crawl import CrawlSummary, Event, crawl, reextract
from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.record import Article
from tests.support.crawl_support import SITE_BASE, archive_health, article_id, fast_options, profile
from tests.support.render import article_path, load_corpus
from tests.support.replica import Faults, Replica

CORPUS = load_corpus()


@pytest.fixture
def replica() -> Iterator[Replica]:
    with Replica(CORPUS, per_page=4) as rep:
        yield rep


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


def run(db: Path, replica: Replica, events: list[Event] | None = None, **changes: Any) -> CrawlSummary:
    return crawl(db, profile(), fast_options(replica, **changes), events.append if events is not None else None)


def stored(db: Path, aid: str) -> Article:
    with open_archive(db) as a:
        rec = a.articles.current_record(aid)
    assert rec is not None, aid
    return rec


def new_article(n: int, published_at: str = "2026-11-20T08:00:00+07:00") -> dict[str, Any]:
    art = copy.deepcopy(CORPUS[n % len(CORPUS)])
    aid = f"2026112{n % 10}0800{n % 100:02d}"
    art["url"] = f"{SITE_BASE}/kyanh/portal/read/kinh-te/news/bai-moi-{n}.html/{aid}"
    art["category"] = "Kinh tế"
    art["title"] = f"Bài mới số {n}: {art['title']}"
    art["published_at"] = published_at
    art["date_text"] = "08:00 20/11/2026"
    return art


def test_full_crawl_equals_the_fixture_set(replica: Replica, db: Path) -> None:
    summary = run(db, replica)
    assert summary.ok and summary.new == len(CORPUS) and summary.failed == 0
    p = profile()
    for art in CORPUS:
        aid = article_id(art)
        rec = stored(db, aid)
        expected = extract_article(replica.page_bytes(aid), art["url"], profile=p, source=art["url"])
        got, want = rec.to_dict(), expected.to_dict()
        for key in want:
            if key != "source":
                assert got[key] == want[key], (aid, key)
        # And what a reader sees matches the corpus itself.
        assert rec.url == art["url"]
        assert rec.title == art["title"]
        assert rec.published_at == art["published_at"]
    health = archive_health(db)
    assert health["integrity"] == "ok" and health["foreign_key_errors"] == 0
    assert health["articles"] == health["distinct_ids"] == len(CORPUS)
    assert health["frontier"] == 0 and health["orphan_children"] == 0
    with sqlite3.connect(db) as conn:
        # Every article's raw page is kept as served.
        for art in CORPUS[:5]:
            aid = article_id(art)
            row = conn.execute(
                "SELECT r.body_sha256 FROM versions v JOIN articles a ON a.id = v.article JOIN responses r ON r.id = v.response_id"
                " WHERE a.article_id = ?", (aid,)).fetchone()
            with open_archive(db, readonly=True) as archive:
                assert archive.bodies.get(row[0]) == replica.page_bytes(aid)


def test_no_change_sync_costs_one_request_per_section_plus_robots_and_home(replica: Replica, db: Path) -> None:
    run(db, replica)
    replica.clear_log()
    summary = run(db, replica)
    assert summary.ok and summary.nothing_new
    with sqlite3.connect(db) as conn:
        sections = {r[0] for r in conn.execute("SELECT url FROM sections WHERE gone_at IS NULL")}
    asked = [e.path for e in replica.log]
    assert not replica.article_requests()
    assert len(asked) == len(set(asked)) <= len(sections) + 2  # each section's first page, robots, home
    assert {"/robots.txt", "/kyanh/portal"} <= set(asked)
    listings = {f"/kyanh/portal/folder/{f}" for f in profile().folders} - {"/kyanh/portal/folder/thong-bao"}
    assert listings <= set(asked)  # every section that lists articles was looked at


def test_incremental_run_fetches_only_the_new_articles(replica: Replica, db: Path) -> None:
    run(db, replica)
    added = [new_article(i) for i in range(3)]
    for art in added:
        replica.add(art)
    replica.clear_log()
    summary = run(db, replica)
    assert summary.new == 3 and summary.ok
    fetched = sorted(e.path for e in replica.article_requests())
    assert fetched == sorted(article_path(a) for a in added)
    assert archive_health(db)["articles"] == len(CORPUS) + 3
    # The walk of the changed folder stopped at the first page of known articles.
    assert len(replica.requests(lambda e: "/folder/kinh-te" in e.path)) <= 2


def test_first_walk_interrupted_by_max_articles_is_finished_later(replica: Replica, db: Path) -> None:
    first = run(db, replica, max_articles=5)
    assert first.new == 5
    second = run(db, replica)
    assert second.new == len(CORPUS) - 5 and second.ok
    assert archive_health(db)["articles"] == len(CORPUS)


def test_edited_article_gets_a_second_version(replica: Replica, db: Path) -> None:
    run(db, replica)
    target = article_id(CORPUS[3])
    old_title = CORPUS[3]["title"]
    replica.edit(target, title=old_title + " (cập nhật)")
    replica.clear_log()
    summary = run(db, replica, revisit_days=100_000)
    assert summary.changed == 1 and summary.unchanged == len(CORPUS) - 1 and summary.ok
    # Revisits were conditional: the unchanged ones cost a 304 each.
    revisits = replica.article_requests()
    assert all("if-none-match" in e.headers for e in revisits)
    assert sum(e.status == 304 for e in revisits) == len(CORPUS) - 1
    with sqlite3.connect(db) as conn:
        versions = [(v, decode_record(rec)["title"], sha) for v, rec, sha in conn.execute(
            "SELECT v.version, v.record, r.body_sha256 FROM versions v"
            " JOIN articles a ON a.id = v.article JOIN responses r ON r.id = v.response_id"
            " WHERE a.article_id = ? ORDER BY v.version", (target,))]
        assert [v[:2] for v in versions] == [(1, old_title), (2, old_title + " (cập nhật)")]
        assert versions[0][2] != versions[1][2]  # both raw pages kept
        assert conn.execute("SELECT title FROM articles WHERE article_id = ?", (target,)).fetchone()[0].endswith(
            "(cập nhật)")


def test_deleted_article_is_marked_removed_not_deleted(replica: Replica, db: Path) -> None:
    run(db, replica)
    target = article_id(CORPUS[7])
    replica.delete(target)
    summary = run(db, replica, revisit_days=100_000)
    assert summary.removed == 1 and summary.ok
    with sqlite3.connect(db) as conn:
        removed_at, title = conn.execute(
            "SELECT removed_at, title FROM articles WHERE article_id = ?", (target,)).fetchone()
    assert removed_at is not None and title == CORPUS[7]["title"]
    assert archive_health(db)["articles"] == len(CORPUS)


def test_full_walk_revisits_articles_no_listing_shows(replica: Replica, db: Path) -> None:
    run(db, replica)
    target = article_id(CORPUS[2])
    replica.delete(target)
    summary = run(db, replica, full=True)  # no revisit window: found because no listing shows it
    assert summary.removed == 1


def test_faults_lose_nothing_and_every_retry_is_logged(db: Path) -> None:
    faults = Faults(error_rate=0.2, truncate_rate=0.1, reset_rate=0.05, rate_429=0.05, retry_after="0",
                    max_per_path=3, spare=lambda p: False)
    events: list[Event] = []
    with Replica(CORPUS, per_page=4, faults=faults, seed=3) as rep:
        summary = run(db, rep, events, concurrency=3)
        injected = [e for e in rep.log if e.fault]
    assert summary.ok and summary.new == len(CORPUS) and summary.failed == 0
    assert len(injected) >= 10  # the faults really happened
    retries = [e for e in events if e.kind == "retry"]
    assert len(retries) == len(injected) == summary.retries
    health = archive_health(db)
    assert health["articles"] == health["distinct_ids"] == len(CORPUS)
    assert health["multi_version"] == 0


def test_robots_disallow_is_honoured(db: Path) -> None:
    robots = "User-agent: *\nDisallow: /kyanh/portal/read/kinh-te/\nDisallow: /kyanh/portal/folder/thong-bao\n"
    with Replica(CORPUS, per_page=4, robots=robots) as rep:
        summary = run(db, rep)
        paths = [e.path for e in rep.log]
    assert not any(p.startswith(("/kyanh/portal/read/kinh-te/", "/kyanh/portal/folder/thong-bao")) for p in paths)
    kinh_te = [a for a in CORPUS if "/read/kinh-te/" in a["url"]]
    reachable = [a for a in CORPUS if "/read/kinh-te/" not in a["url"] and "/read/thong-bao/" not in a["url"]]
    assert kinh_te and summary.disallowed >= len(kinh_te)
    assert summary.ok and summary.new == len(reachable)


def test_same_article_by_many_addresses_is_one_article(db: Path) -> None:
    a, b, c = CORPUS[0], CORPUS[1], CORPUS[2]
    with Replica(per_page=4) as rep:
        for art in CORPUS:
            if art in (a, b, c):
                continue
            rep.add(art)
        rep.add(a, also_in=["kinh-te", "thong-bao"])  # listed under three folders
        rep.add(b, href=f"https://www.kyanh.hatinh.gov.vn{article_path(b)}/?utm_source=zalo&fbclid=x")
        rep.add(c, href=f"{article_path(c)}/")  # trailing slash
        summary = run(db, rep)
        fetched = [e.path for e in rep.article_requests()]
    assert summary.ok and summary.new == len(CORPUS)
    assert len(fetched) == len(set(fetched))  # each address fetched once
    # Every article fetched by one of its addresses (a is served under three folders: any one will do).
    assert {article_id(x) for x in CORPUS} <= {p.split("?")[0].rstrip("/").rsplit("/", 1)[-1] for p in fetched}
    # Besides the corpus, only the articles' links to pages the replica does not serve.
    assert len(fetched) == len(CORPUS) + summary.gone
    health = archive_health(db)
    assert health["articles"] == health["distinct_ids"] == len(CORPUS)
    assert stored(db, article_id(b)).url == b["url"]


def test_since_skips_older_articles(replica: Replica, db: Path) -> None:
    from datetime import date

    summary = run(db, replica, since=date(2024, 1, 1))
    recent = [a for a in CORPUS if a["published_at"] >= "2024-01-01"]
    assert summary.new == len(recent)


def test_listing_failure_is_partial_and_next_run_completes(db: Path) -> None:
    faults = Faults(error_rate=1.0, max_per_path=100, spare=lambda p: p != "/kyanh/portal/folder/kinh-te")
    with Replica(CORPUS, per_page=4, faults=faults) as rep:
        first = run(db, rep, retries=1)
        assert not first.ok and first.listing_failures == 1 and first.status == "partial"
        rep.faults = Faults()
        second = run(db, rep)
    assert second.ok
    assert archive_health(db)["articles"] == len(CORPUS)


def test_failed_article_stays_in_the_frontier_and_is_retried(db: Path) -> None:
    target = CORPUS[4]
    faults = Faults(error_rate=1.0, max_per_path=100, spare=lambda p: p != article_path(target))
    with Replica(CORPUS, per_page=4, faults=faults) as rep:
        first = run(db, rep, retries=1)
        assert first.failed == 1 and not first.ok and first.new == len(CORPUS) - 1
        rep.faults = Faults()
        rep.clear_log()
        second = run(db, rep)
        again = [e.path for e in rep.article_requests()]
        # The failed article, and the links it holds to pages not asked before; nothing held twice.
        assert again[0] == article_path(target) and len(again) == 1 + second.gone
        assert not set(again[1:]) & {article_path(a) for a in CORPUS}
    assert second.new == 1 and second.ok and archive_health(db)["frontier"] == 0


def test_reextract_rewrites_records_from_stored_pages_without_network(replica: Replica, db: Path) -> None:
    run(db, replica)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = 'hỏng' ")
        for vid, rec in conn.execute("SELECT id, record FROM versions").fetchall():
            broken = {**decode_record(rec), "title": "hỏng"}
            conn.execute("UPDATE versions SET record = ? WHERE id = ?", (encode_record(json.dumps(broken)), vid))
    replica.stop()  # no network needed
    summary = reextract(db, profile())
    assert summary.articles == len(CORPUS) and summary.failed == 0 and summary.changed == len(CORPUS)
    for art in CORPUS[:5]:
        assert stored(db, article_id(art)).title == art["title"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE title = 'hỏng'").fetchone()[0] == 0


def test_full_disk_stops_with_a_store_error_and_the_next_run_completes(replica: Replica, db: Path) -> None:
    from huyenkyanh_archive.errors import StoreError

    run(db, replica, max_articles=3)
    with sqlite3.connect(db) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    with pytest.raises(StoreError, match="full"):
        run(db, replica, max_page_count=pages + 30)
    health = archive_health(db)
    assert health["integrity"] == "ok" and health["orphan_children"] == 0
    assert health["articles_without_version"] == 0
    assert 3 <= health["articles"] < len(CORPUS)
    summary = run(db, replica)  # space freed
    assert summary.ok
    assert archive_health(db)["articles"] == len(CORPUS)


def test_extraction_in_worker_processes_gives_the_same_records(replica: Replica, tmp_path: Path) -> None:
    in_thread, in_processes = tmp_path / "t.db", tmp_path / "p.db"
    assert run(in_thread, replica, concurrency=4, extract_processes=0).ok
    summary = run(in_processes, replica, concurrency=4, extract_processes=2)
    assert summary.ok and summary.new == len(CORPUS)
    for art in CORPUS:
        a, b = stored(in_thread, article_id(art)).to_dict(), stored(in_processes, article_id(art)).to_dict()
        assert a == b


def _dies_on_one_page(body: bytes, url: str, headers: dict[str, str]) -> Any:
    import os

    from huyenkyanh_archive.crawl import extraction

    if url == CORPUS[5]["url"]:
        os._exit(3)  # a worker process killed mid-page (out of memory, say)
    assert extraction._CHILD_SITE is not None
    return extraction.extract_for_crawl(body, url, extraction._CHILD_SITE, headers)


def test_a_dead_extraction_worker_loses_nothing(replica: Replica, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huyenkyanh_archive.crawl import extraction

    monkeypatch.setattr(extraction, "_child_extract", _dies_on_one_page)
    first = run(db, replica, concurrency=4, extract_processes=1)
    assert not first.ok and first.failed >= 1
    assert any("extractor process died" in e for e in first.errors)
    assert first.new + first.failed == len(CORPUS)
    monkeypatch.undo()
    second = run(db, replica)
    assert second.ok and second.new == first.failed
    assert archive_health(db)["articles"] == len(CORPUS)


def test_a_bug_in_a_crawl_thread_is_one_clear_error(replica: Replica, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huyenkyanh_archive.crawl import workers
    from huyenkyanh_archive.errors import CrawlBugError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("listing parser bug")

    monkeypatch.setattr(workers, "read_page", broken)
    with pytest.raises(CrawlBugError, match="worker.*listing parser bug") as info:
        run(db, replica)
    assert info.value.exit_code == 70
    assert archive_health(db)["integrity"] == "ok"
