"""``--assets``: same-host images and attachments, each stored once by content hash."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.crawl import crawl
from tests.support.crawl_support import fast_options, profile
from tests.support.render import load_corpus
from tests.support.replica import Replica

CORPUS = load_corpus()[:6]
PDF = "/kyanh/portal/files/quyet-dinh-12.pdf"


class AttachmentReplica(Replica):
    """Articles that also link a PDF on the site and an image on another host."""

    def _render_article(self, art: dict[str, Any]) -> str:
        page = super()._render_article(art)
        extra = (f'<p><a href="{PDF}">Tải quyết định</a> <a href="/kyanh/portal/folder/kinh-te">Kinh tế</a></p>'
                 '<p><img src="http://example.com/tracker.jpg"></p>')
        return page.replace('<div class="news-content">\n', '<div class="news-content">\n' + extra, 1)


def image_paths() -> list[str]:
    return [b["src"] for a in CORPUS for b in a["blocks"] if b["type"] == "img"]


def test_assets_are_archived_once_by_content_hash(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with AttachmentReplica(CORPUS, per_page=4) as rep:
        same = b"\xff\xd8\xff same picture under two names"
        for i, path in enumerate(image_paths()):
            rep.assets[path] = same if i < 2 else b"\xff\xd8\xff picture %d" % i
        rep.assets[PDF] = b"%PDF-1.4 quyet dinh"
        summary = crawl(db, profile(), fast_options(rep, assets=True))
        asset_requests = [e.path for e in rep.log if e.path in rep.assets]
    assert summary.ok and summary.new == len(CORPUS) and summary.asset_failures == 0
    # Each asset fetched once, though the PDF is linked by every article.
    assert sorted(asset_requests) == sorted(rep.assets)
    with sqlite3.connect(db) as conn:
        urls = {r[0]: r[1] for r in conn.execute("SELECT url, sha256 FROM assets")}
        assert set(urls) == {"http://kyanh.hatinh.gov.vn" + p for p in rep.assets}
        assert not any("example.com" in u for u in urls)
        # Two names, one picture: one blob.
        first, second = ("http://kyanh.hatinh.gov.vn" + p for p in image_paths()[:2])
        assert urls[first] == urls[second]
        with open_archive(db, readonly=True) as archive:
            assert archive.bodies.get(urls[first]) == same
        links = conn.execute("SELECT count(*) FROM article_assets WHERE url LIKE '%.pdf'").fetchone()[0]
        assert links == len(CORPUS)


def test_without_assets_option_no_asset_is_fetched(tmp_path: Path) -> None:
    with AttachmentReplica(CORPUS, per_page=4) as rep:
        rep.assets[PDF] = b"%PDF-1.4"
        crawl(tmp_path / "a.db", profile(), fast_options(rep))
        assert not [e for e in rep.log if e.path == PDF]
