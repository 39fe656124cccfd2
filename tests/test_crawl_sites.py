"""The portal as it really is, on three loopback replicas (real HTTP), crawled with no options:

- ``old``: the old software with a folder set unlike the profile's, in sub-menus; a
  third of the articles linked without their id, half of those giving the id only
  in the page's canonical link;
- ``newer``: the newer software (``/kyanh/portal`` answers 301 to ``/``), ``?page=N``
  sections, articles reachable under three address forms, new markup, sitemap, RSS;
- ``wordpress``: a WordPress-like district portal crawled with ``--site <address>``
  (no profile: the generic profile and extractor).

For each: one full crawl archives every served article exactly once; a no-change
sync costs at most one request per section plus robots.txt and the home; a profile
folder (for WordPress: a menu category) that answers 404 is recorded gone and the
run still exits 0; 30 % 5xx + 10 % truncated bodies + 429s drawn independently on
every request lose nothing in one run.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from huyenkyanh_archive.crawl import CrawlSummary, Event, crawl
from huyenkyanh_archive.site.profile import Profile
from tests.support.crawl_support import archive_health, cli, fast_options, profile
from tests.support.render import load_corpus
from tests.support.replica import Faults, Replica, idless_path, variant_replica
from tests.support.replica_newer import NewerReplica
from tests.support.replica_wordpress import DEAD_CATEGORY, WordPressReplica

CORPUS = load_corpus()
KINDS = ("old", "newer", "wordpress")


@dataclass
class SiteUnderTest:
    kind: str
    replica: Replica
    site: Profile | str  # what crawl() is given
    cli_site: list[str]  # the CLI's site options
    gone_section: str  # a section the crawl is told of (profile, menu) that answers 404

    def accepted_keys(self) -> dict[str, set[str]]:
        """title -> the archive keys the article may be filed under (the replica's own truth)."""
        rep = self.replica
        if isinstance(rep, (NewerReplica, WordPressReplica)):
            return {title: {key} for key, title in rep.truth().items()}
        out = {}
        for art in rep.articles:
            aid = Replica.article_id(art)
            keys = {aid}
            if aid in rep.idless and aid not in rep.canonical:  # type: ignore[attr-defined]
                # No id in its address nor in its page: filed under its slug, unless a link elsewhere gave the id.
                keys.add("read:news/" + idless_path(art).rsplit("/", 1)[1].removesuffix(".html"))
            out[art["title"]] = keys
        return out


def make(kind: str, faults: Faults | None = None, seed: int = 0) -> SiteUnderTest:
    if kind == "old":
        rep = variant_replica(CORPUS, per_page=4, faults=faults, seed=seed).start()
        return SiteUnderTest(kind, rep, profile(), ["--base-url", rep.base_url], "/kyanh/portal/folder/thong-bao")
    if kind == "newer":
        rep = NewerReplica(CORPUS, per_page=4, faults=faults, seed=seed).start()
        return SiteUnderTest(kind, rep, profile(), ["--base-url", rep.base_url], "/kyanh/portal/folder/thong-bao")
    rep = WordPressReplica(CORPUS, per_page=4, faults=faults, seed=seed).start()
    return SiteUnderTest(kind, rep, rep.base_url + "/", ["--site", rep.base_url + "/"], f"/category/{DEAD_CATEGORY}/")


@pytest.fixture(params=KINDS)
def site(request: pytest.FixtureRequest) -> Iterator[SiteUnderTest]:
    s = make(request.param)
    try:
        yield s
    finally:
        s.replica.stop()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


def run(db: Path, s: SiteUnderTest, events: list[Event] | None = None, **changes: Any) -> CrawlSummary:
    return crawl(db, s.site, fast_options(s.replica, **changes), events.append if events is not None else None)


def archived(db: Path) -> dict[str, str]:
    """title -> article_id of every archived article."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT title, article_id FROM articles").fetchall()
    assert len(rows) == len({t for t, _ in rows}), "an article archived twice"
    return dict(rows)


def assert_every_article_once(db: Path, s: SiteUnderTest) -> None:
    want = s.accepted_keys()
    got = archived(db)
    assert set(got) == set(want), (sorted(set(want) - set(got))[:3], sorted(set(got) - set(want))[:3])
    wrong = {t: k for t, k in got.items() if k not in want[t]}
    assert not wrong, list(wrong.items())[:3]
    health = archive_health(db)
    assert health["articles"] == health["distinct_ids"] == health["versions"] == len(want)
    assert health["multi_version"] == 0 and health["frontier"] == 0 and health["orphan_children"] == 0


def live_sections(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT url FROM sections WHERE gone_at IS NULL")}


def test_full_crawl_archives_every_served_article_once(site: SiteUnderTest, db: Path) -> None:
    summary = run(db, site)
    assert summary.ok and summary.failed == 0 and summary.new == len(CORPUS), summary.to_dict()
    assert_every_article_once(db, site)
    fetched = [e.path for e in site.replica.article_requests()]
    assert len(fetched) == len(set(fetched))  # no address asked twice
    # One fetch per article, whatever forms the listings, feeds and sitemaps mixed; the old
    # software's related links also name articles the replica does not serve (404: gone).
    assert len(fetched) == len(CORPUS) + summary.gone
    if site.kind == "newer":
        assert summary.generation == "hatinh-portal-2025"
        assert site.replica.requests(lambda e: e.path == "/kyanh/portal" and e.status == 301)
    if site.kind == "old":
        # Learned from the canonical link: the id names the article reached without it.
        assert {Replica.article_id(a) for a in site.replica.articles
                if Replica.article_id(a) in site.replica.canonical} <= set(archived(db).values())  # type: ignore[attr-defined]


def test_no_change_sync_costs_one_request_per_section_plus_robots_and_home(site: SiteUnderTest, db: Path) -> None:
    assert run(db, site).ok
    site.replica.clear_log()
    summary = run(db, site)
    assert summary.ok and summary.nothing_new
    asked = [e.path for e in site.replica.log]
    assert not site.replica.article_requests()
    assert len(asked) == len(set(asked)) <= len(live_sections(db)) + 2, asked
    home = "/kyanh/portal" if site.kind == "old" else "/"
    assert {"/robots.txt", home} <= set(asked)
    assert archived(db) and archive_health(db)["versions"] == len(CORPUS)


def test_fault_mix_on_every_request_loses_nothing_in_one_run(db: Path, kind: str) -> None:
    faults = Faults(error_rate=0.3, truncate_rate=0.1, rate_429=0.05, retry_after="0",
                    max_per_path=10**9, spare=lambda p: False)  # independent draws, no per-path bound
    s = make(kind, faults, seed=11)
    events: list[Event] = []
    try:
        summary = run(db, s, events, concurrency=4)
        injected = [e for e in s.replica.log if e.fault]
    finally:
        s.replica.stop()
    assert summary.ok and summary.failed == 0 and summary.listing_failures == 0, summary.to_dict()
    assert len(injected) >= 20  # the faults really happened
    assert summary.retries + summary.final_round >= len(injected)  # and each one was answered by another try
    assert_every_article_once(db, s)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_section_that_404s_is_gone_the_run_exits_0_and_json_says_how_sections_were_found(
        site: SiteUnderTest, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    out = cli("crawl", "--db", str(db), *site.cli_site, "--delay", "0", "--revisit-days", "0", "--backoff", "0.01",
              "--timeout", "2", "--json")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    end = events[-1]
    assert end["event"] == "end" and end["status"] == "ok" and end["new"] == len(CORPUS)
    sections = {urlsplit(e["url"]).path: e for e in events if e["event"] == "section"}
    gone = sections[site.gone_section]
    assert gone["gone"] == "HTTP 404" and gone["found_by"] == ("menu" if site.kind == "wordpress" else "profile")
    assert site.gone_section in {urlsplit(u).path for u in end["sections_gone"]}
    found_by = {e["found_by"] for e in sections.values() if not e["gone"] and e["walk"] != "page"}
    expected: dict[str, set[str]] = {
        "old": {"menu", "profile"},  # a profile folder the site still serves, and its own folders
        "newer": {"menu", "feed", "robots"},  # the sitemap robots.txt names
        "wordpress": {"menu", "feed", "robots", "sitemap"},  # the sitemap index's children
    }
    assert expected[site.kind] <= found_by, found_by
    assert sum(end["sections_found"].values()) == end["sections"]
    # stats shows the gone sections beside the walked ones.
    stats = cli("stats", "--db", str(db))
    assert stats.returncode == 0, stats.stderr
    line = next(ln for ln in stats.stdout.splitlines() if "sections" in ln)
    assert f"gone: {len(end['sections_gone'])}" in line
    # And the next run still exits 0: gone is not failed.
    again = cli("crawl", "--db", str(db), *site.cli_site, "--delay", "0", "--revisit-days", "0", "--quiet")
    assert (again.returncode, again.stderr) == (0, "")


def test_newer_software_listings_mix_the_three_address_forms() -> None:
    forms = {
        "vi": re.compile(r'href="/vi/[a-z-]+/tin-bai/\d+/[a-z0-9-]+"'),
        "bare": re.compile(r'href="/[a-z-]+/tin-bai/\d+"'),
        "en": re.compile(r'href="/en/[a-z-]+/tin-bai/\d+/[a-z0-9-]+"'),
    }
    rep = NewerReplica(CORPUS, per_page=4)
    pages = [rep.listing(s, n) or "" for s in rep.sections() for n in range(1, rep.section_pages(s) + 1)]
    counts = {name: sum(len(f.findall(p)) for p in pages) for name, f in forms.items()}
    assert all(counts.values()), counts


def test_a_portal_crawled_by_address_keeps_each_posts_category(db: Path) -> None:
    """No profile, no breadcrumb: the post's own category link (WordPress's rel="category tag")."""
    s = make("wordpress")
    try:
        assert run(db, s).ok
        want = {a["title"]: WordPressReplica.category_of(a)[1] for a in s.replica.articles}
    finally:
        s.replica.stop()
    with sqlite3.connect(db) as conn:
        got = dict(conn.execute("SELECT title, category FROM articles").fetchall())
    assert got == want
