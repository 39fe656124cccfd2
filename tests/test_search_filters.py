"""Search filters on broad queries (more matches than fulltext.RANK_CAP), and the category lookup.

The crawled corpus (tests/query_archive.py) is small, so RANK_CAP is lowered to
make its common words "broad"; the expected sets come from the records.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from huyenkyanh_archive import query
from huyenkyanh_archive.archive import search_index
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.query import fulltext
from tests.support.query_archive import Page, plain

CAP = 3


def words(text: str | None) -> list[str]:
    return re.findall(r"[a-z0-9]+", plain(text or ""))


def has_word(page: Page, word: str, *, heads: bool = False) -> bool:
    r = page.record
    parts = [r.title, r.lead] + ([] if heads else [r.body, " ".join(r.captions)])
    return any(word in words(p) for p in parts)


@pytest.fixture(scope="module")
def archive(page_archive):  # type: ignore[no-untyped-def]
    with open_archive(page_archive[0], readonly=True) as arc:
        yield arc


@pytest.fixture(scope="module")
def pages(page_archive) -> list[Page]:  # type: ignore[no-untyped-def]
    return page_archive[1]


def rowid(archive, article_id: str) -> int:  # type: ignore[no-untyped-def]
    return int(archive.conn.execute("SELECT id FROM articles WHERE article_id = ?", (article_id,)).fetchone()[0])


def day(page: Page) -> str:
    return (page.record.published_at or "")[:10]


FILTERS = [
    ({"since": "2021", "until": "2022"}, lambda p: "2021-01-01" <= day(p) <= "2022-12-31"),
    ({"since": "2023-03-15"}, lambda p: day(p) >= "2023-03-15"),
    ({"until": "2020-06"}, lambda p: bool(day(p)) and day(p) <= "2020-06-30"),
    ({"category": "kinh te"}, lambda p: p.article["category"] == "Kinh tế"),
    ({"category": "Kinh tế", "since": "2022"}, lambda p: p.article["category"] == "Kinh tế" and day(p) >= "2022-01-01"),
]


@pytest.mark.parametrize(("opts", "passes"), FILTERS, ids=[str(o) for o, _p in FILTERS])
def test_a_broad_filtered_query_ranks_the_newest_title_matches_that_pass(archive, pages, monkeypatch, opts, passes) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fulltext, "RANK_CAP", CAP)
    want = {p.record.article_id for p in pages if has_word(p, "huyen") and passes(p)}
    assert len(want) > CAP, "the filter should leave a broad query"
    got = query.search(archive, "huyen", limit=len(pages), **opts)
    assert not got.exhaustive and got.matches is None
    assert {h.article_id for h in got} == want
    # Ranked: the CAP most recently archived articles naming the word in title or lead
    # (and passing the filter), best first; then every other one, newest first.
    by_id = {p.record.article_id: p for p in pages}
    heads = sorted((p.record.article_id for p in pages if p.record.article_id in want and has_word(p, "huyen", heads=True)),
                   key=lambda i: rowid(archive, i or ""), reverse=True)[:CAP]
    ranked = [h for h in got if h.score != 0.0]
    assert {h.article_id for h in ranked} == set(heads)
    assert [h.score for h in ranked] == sorted(h.score for h in ranked)
    rest = [rowid(archive, h.article_id) for h in got[len(ranked):]]
    assert rest == sorted(rest, reverse=True) and all(h.score == 0.0 for h in got[len(ranked):])
    assert all(passes(by_id[h.article_id]) for h in got)
    # A short page of the same query is its beginning.
    assert [h.article_id for h in query.search(archive, "huyen", limit=2, **opts)] == [h.article_id for h in got[:2]]


def test_a_broad_query_for_one_persons_articles(people_archive, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, records = people_archive
    monkeypatch.setattr(fulltext, "RANK_CAP", 1)
    with open_archive(path, readonly=True) as arc:
        hits = query.search(arc, "ky", person="Nguyễn Văn Hải", limit=100)
        assert not hits.exhaustive
        want = {r.article_id for r in records if any(plain(a.name) == "nguyen van hai" for a in r.attendees)
                and "ky" in words(r.title)}
        assert {h.article_id for h in hits} == want and len(want) > 1
        others = {r.article_id for r in records if "ky" in words(r.title)} - want
        assert others, "the filter should leave out some matches"


def test_the_category_lookup_is_the_same_with_and_without_the_category_index(page_archive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Archives from schema v5 on have the index; a read-only older file is read without it.
    indexed_db, plain_db = tmp_path / "indexed.db", tmp_path / "plain.db"
    shutil.copy(page_archive[0], indexed_db)
    conn = sqlite3.connect(indexed_db, isolation_level=None)
    try:
        # Articles without a category or folder, as older records may be.
        for n, (cat, folder) in enumerate([(None, None), (None, "le-hoi"), ("Thể thao", None)]):
            conn.execute(
                "INSERT INTO articles (article_id, url, category, folder, first_seen, last_checked, last_changed)"
                " VALUES (?, ?, ?, ?, 'x', 'x', 'x')",
                (f"extra{n}", f"http://example.invalid/{n}", cat, folder),
            )
        plain_pairs = set(conn.execute("SELECT DISTINCT category, folder FROM articles NOT INDEXED"))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy below takes the main file only
    finally:
        conn.close()
    shutil.copy(indexed_db, plain_db)
    conn = sqlite3.connect(plain_db, isolation_level=None)
    conn.execute("DROP INDEX articles_category_folder")
    conn.close()
    with open_archive(indexed_db, readonly=True) as arc:
        assert search_index.category_index(arc) is not None
        pairs = search_index.category_pairs(arc)
        assert set(pairs) == plain_pairs and len(pairs) == len(plain_pairs)
        assert {h.article_id for h in query.search(arc, "huyen", category="le-hoi", limit=100)} == set()
        indexed = [h.article_id for h in query.search(arc, "huyen", category="kinh-te", limit=100)]
    with open_archive(plain_db, readonly=True) as arc:
        assert search_index.category_index(arc) is None
        assert set(search_index.category_pairs(arc)) == plain_pairs
        assert indexed == [h.article_id for h in query.search(arc, "huyen", category="kinh-te", limit=100)] and indexed
