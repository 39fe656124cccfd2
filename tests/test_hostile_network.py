"""A hostile site, crawled: links and redirects that try to lead the crawler elsewhere, a gzip bomb.

tests/test_fetch.py shows the fetcher refuses each of these alone. Here a
whole crawl (with ``--assets``) meets them inside real listing and article
pages, and a second server on another loopback port stands for "elsewhere":
it must never see a single request. The articles that misbehave fail (and
stay queued with the reason); every other article is archived.
"""

from __future__ import annotations

import sqlite3
import tracemalloc
from pathlib import Path

from huyenkyanh_archive.crawl import crawl
from huyenkyanh_archive.crawl.fetch import Fetcher, FetchOptions
from huyenkyanh_archive.errors import TooLargeError
from huyenkyanh_archive.site.profile import load_profile
from tests.support.crawl_support import fast_options, profile
from tests.support.reliability_support import assert_consistent
from tests.support.render import article_path, load_corpus
from tests.support.replica import Faults, Replica, _bomb

CORPUS = load_corpus()
READ = "/kyanh/portal/read/kinh-te/news/bai-la.html/"


class HostileReplica(Replica):
    """The portal, with links to ``elsewhere`` and to private or non-HTTP addresses in every page."""

    elsewhere = ""

    def _links(self) -> str:
        hrefs = [
            f"{self.elsewhere}{READ}20990101000001",  # another server (loopback, another port)
            f"//{self.elsewhere.split('://', 1)[1]}{READ}20990101000002",  # the same, protocol-relative
            f"file://{READ}20990101000003",
            f"http://10.0.0.1{READ}20990101000004",
            f"http://169.254.169.254{READ}20990101000005",
            f"http://[::1]:1{READ}20990101000006",
            f"http://example.com{READ}20990101000007",
            "javascript:fetch('http://10.0.0.1/')",
            f"{self.elsewhere}/kyanh/portal/folder/kinh-te/2.html",
        ]
        imgs = [f"{self.elsewhere}/uploads/evil.jpg", "http://192.168.1.10/uploads/a.jpg", "file:///etc/passwd"]
        return ("".join(f'<a href="{h}">Bài {i}</a>' for i, h in enumerate(hrefs))
                + "".join(f'<img src="{s}" alt="x">' for s in imgs)
                + f'<a href="{self.elsewhere}/uploads/tai-lieu.pdf">tài liệu.pdf</a>'
                + '<a href="http://10.0.0.1/uploads/tai-lieu.doc">tài liệu.doc</a>')

    def _render_article(self, art):  # type: ignore[no-untyped-def]
        return super()._render_article(art).replace("</body>", self._links() + "</body>")

    def _render_listing(self, folder: str, page: int) -> str | None:
        text = super()._render_listing(folder, page)
        return None if text is None else text.replace("</body>", self._links() + "</body>")


def test_a_hostile_site_never_leads_the_crawler_elsewhere(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    loop, away, bomb = CORPUS[1], CORPUS[2], CORPUS[3]
    with Replica(CORPUS[:3], per_page=4) as other:
        faults = Faults(
            redirect_loop={article_path(loop)},
            offsite_redirect={article_path(away)},
            offsite_target=other.base_url,
            gzip_bomb={article_path(bomb)},
            bomb_size=64 * 1024 * 1024,
        )
        with HostileReplica(CORPUS, per_page=4, faults=faults) as site:
            HostileReplica.elsewhere = other.base_url
            summary = crawl(db, profile(), fast_options(site, assets=True, max_body=2 * 1024 * 1024))
            site_paths = [e.path for e in site.log]
        assert other.log == []  # not one request left the site
    # Nothing was asked of the site for links that were never its own articles.
    for n in range(3, 8):
        assert not any(p.endswith(f"2099010100000{n}") for p in site_paths), n
    # The site's own pages, assets and the discovery files every crawler asks for.
    assert [p for p in site_paths if not p.startswith(("/kyanh/", "/robots.txt", "/uploads/", "/sitemap.xml"))] == []
    # The three misbehaving articles failed with their reason; every other one is archived.
    assert summary.failed == 3 and summary.status == "partial"
    assert summary.new == len(CORPUS) - 3
    with sqlite3.connect(db) as conn:
        errors = dict(conn.execute("SELECT article_id, last_error FROM frontier").fetchall())
        assets = conn.execute("SELECT url FROM assets").fetchall()
    assert set(errors) == {Replica.article_id(a) for a in (loop, away, bomb)}
    assert "loop" in errors[Replica.article_id(loop)]
    assert "off-site" in errors[Replica.article_id(away)]
    assert "larger than" in errors[Replica.article_id(bomb)] or "cap" in errors[Replica.article_id(bomb)]
    assert not any("10.0.0.1" in u or "192.168" in u or "evil" in u for (u,) in assets)
    assert_consistent(db)


def test_a_gzip_bomb_is_cut_at_the_cap_in_bounded_memory() -> None:
    cap = 2 * 1024 * 1024
    size = 256 * 1024 * 1024
    _bomb(size)  # the server builds (and caches) its bomb before the client is measured
    with Replica(faults=Faults(gzip_bomb={"/bomb"}, bomb_size=size)) as rep:
        fetcher = Fetcher.for_profile(load_profile().with_base_url(rep.base_url), FetchOptions(delay=0, max_body=cap, retries=0))
        tracemalloc.start()
        try:
            try:
                fetcher.get(rep.base_url + "/bomb")
                raised = False
            except TooLargeError:
                raised = True
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            fetcher.close()
    assert raised
    # 256 MB inflated is refused having held little more than the 2 MB cap.
    assert peak < 4 * cap, peak
