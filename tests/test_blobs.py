"""Raw pages in ``blobs``: compressed against a page of the site, read back byte for byte."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest

from huyenkyanh_archive.archive.schema import MIGRATIONS
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.errors import StoreError
from huyenkyanh_archive.response import Response
from tests.support.render import load_corpus, render_portal_article

PAGES = [render_portal_article(art).encode("utf-8") for art in load_corpus()[:12]]


def store_pages(archive, pages: list[bytes], kind: str = "article") -> list[str]:  # type: ignore[no-untyped-def]
    digests = []
    for i, body in enumerate(pages):
        with archive.transaction():
            rid = archive.bodies.add_response(Response(f"http://kyanh.hatinh.gov.vn/p/{i}", 200, [], body,
                                                      "2026-01-01T00:00:00Z"), kind)
            digests.append(archive.conn.execute("SELECT body_sha256 FROM responses WHERE id = ?", (rid,)).fetchone()[0])
    return digests


def test_pages_read_back_exactly_and_cost_far_less_than_zlib(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_archive(db) as archive:
        digests = store_pages(archive, PAGES)
    with open_archive(db, readonly=True) as archive:
        assert [archive.bodies.get(d) for d in digests] == PAGES
        rows = archive.conn.execute("SELECT sha256, codec, dict, length(data) FROM blobs").fetchall()
    by_sha = {sha: (codec, dict_sha, size) for sha, codec, dict_sha, size in rows}
    # The first article page is the dictionary, stored on its own; every later page refers to it.
    first = digests[0]
    assert by_sha[first][:2] == ("zstd", None)
    assert all(by_sha[d][1] == first for d in digests[1:])
    # What a user of the archive sees: the shared template is paid for once, so the later
    # pages take less than half of what zlib (the codec before schema v4) would.
    stored = sum(by_sha[d][2] for d in digests[1:])
    zlib_size = sum(len(zlib.compress(p, 6)) for p in PAGES[1:])
    assert stored < zlib_size / 2, (stored, zlib_size)


def test_listing_pages_and_small_bodies_never_become_the_dictionary(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as archive:
        store_pages(archive, [PAGES[0]], kind="listing")
        store_pages(archive, [b"<html>moved</html>"])
        assert archive.conn.execute("SELECT count(*) FROM blob_dicts").fetchone()[0] == 0
        store_pages(archive, [PAGES[1]])
        dicts = archive.conn.execute("SELECT sha256 FROM blob_dicts").fetchall()
        assert len(dicts) == 1
        assert archive.bodies.get(dicts[0][0]) == PAGES[1]


def test_a_dictionary_from_a_rolled_back_article_is_forgotten(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_archive(db) as archive:
        with pytest.raises(RuntimeError), archive.transaction():
            archive.bodies.add_response(Response("http://x/1", 200, [], PAGES[0], "2026-01-01T00:00:00Z"), "article")
            raise RuntimeError("the article failed after its page was stored")
        # The next page must not refer to a dictionary that was rolled back with its article.
        digests = store_pages(archive, PAGES[1:4])
        assert archive.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with open_archive(db, readonly=True) as archive:
        assert [archive.bodies.get(d) for d in digests] == PAGES[1:4]


def test_an_archive_written_with_zlib_reads_old_pages_and_writes_new_ones_compactly(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for step in MIGRATIONS[:3]:  # the schema of kyanh-archive before v4
        conn.executescript(step.sql)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO blobs (sha256, size, data) VALUES ('old', ?, ?)", (len(PAGES[0]), zlib.compress(PAGES[0])))
    conn.close()
    with open_archive(db) as archive:
        assert archive.bodies.get("old") == PAGES[0]
        digests = store_pages(archive, PAGES[1:3])
        assert [archive.bodies.get(d) for d in digests] == PAGES[1:3]
        assert archive.conn.execute("SELECT codec FROM blobs WHERE sha256 = 'old'").fetchone() == ("zlib",)


def test_a_damaged_blob_is_a_one_line_store_error(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_archive(db) as archive:
        digests = store_pages(archive, PAGES[:2])
        archive.conn.execute("UPDATE blobs SET data = x'00112233' WHERE sha256 = ?", (digests[1],))
        with pytest.raises(StoreError) as err:
            archive.bodies.get(digests[1])
    assert "cannot be read" in str(err.value) and "\n" not in str(err.value)
