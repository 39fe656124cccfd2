"""The archive database: versions, removal, FTS, atomic articles, crawl state, full disk."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.archive import QueuedArticle
from huyenkyanh_archive.archive.records import decode_record
from huyenkyanh_archive.archive.schema import SCHEMA_VERSION
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.errors import StoreError
from huyenkyanh_archive.record import Article, Attendee, Image, RelatedLink
from huyenkyanh_archive.response import Response
from huyenkyanh_archive.vietnamese import fold, fold_text

URL = "http://kyanh.hatinh.gov.vn/kyanh/portal/read/tin-tuc-khac/news/x.html/20230203143649"


def record(title: str = "Huyện Kỳ Anh triển khai kế hoạch", body: str = "Đồng chí Hồ Huy Thành chủ trì.") -> Article:
    return Article(
        source=URL, url=URL, article_id="20230203143649", category="Tin tức khác", title=title,
        published_at="2023-02-03T09:33:00+07:00", date_text="09:33 03/02/2023", lead="Sáng 2/2, UBND huyện họp.",
        body=body, images=[Image("/kyanh/portal/images/a.jpg", "Quang cảnh hội nghị")], byline="Trà Giang - Anh Đức",
        authors=["Trà Giang", "Anh Đức"],
        attendees=[Attendee("Hồ Huy Thành", ["Bí thư Huyện ủy"]),
                   Attendee("Nguyễn Tiến Hùng", ["Phó Bí thư Huyện ủy", "Chủ tịch UBND huyện"])],
        related=[RelatedLink("http://kyanh.hatinh.gov.vn/kyanh/portal/read/a/news/b.html/20230101000000", "Tin cũ")],
    )


def save(archive, rec: Article, body: bytes = b"<html>page</html>") -> str:  # type: ignore[no-untyped-def]
    with archive.transaction():
        rid = archive.bodies.add_response(Response(URL, 200, [("ETag", '"1"')], body, "2026-01-01T00:00:00Z"), "article")
        return archive.articles.save(rec, article_id="20230203143649", response_id=rid,
                                    fetched_at="2026-01-01T00:00:00Z", folder="tin-tuc-khac", etag='"1"')


def test_new_unchanged_changed_versions(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        assert save(a, record()) == "new"
        assert save(a, record()) == "unchanged"
        assert save(a, record(title="Tiêu đề đã sửa"), b"<html>edited</html>") == "changed"
        rows = [(v, decode_record(rec)["title"])
                for v, rec in a.conn.execute("SELECT version, record FROM versions ORDER BY version")]
        assert rows == [(1, "Huyện Kỳ Anh triển khai kế hoạch"), (2, "Tiêu đề đã sửa")]
        assert a.conn.execute("SELECT title, version_count FROM articles").fetchone() == ("Tiêu đề đã sửa", 2)
        # Both raw pages kept, each once.
        assert a.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 2
        assert a.articles.current_record("20230203143649").title == "Tiêu đề đã sửa"  # type: ignore[union-attr]


def test_children_rows_follow_the_current_record(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        save(a, record())
        roles = a.conn.execute("SELECT name, role FROM attendees ORDER BY position, id").fetchall()
        assert roles == [("Hồ Huy Thành", "Bí thư Huyện ủy"), ("Nguyễn Tiến Hùng", "Phó Bí thư Huyện ủy"),
                         ("Nguyễn Tiến Hùng", "Chủ tịch UBND huyện")]
        assert [r[0] for r in a.conn.execute("SELECT name FROM authors ORDER BY position")] == ["Trà Giang", "Anh Đức"]
        rec = record()
        rec.attendees = rec.attendees[:1]
        save(a, rec)
        assert a.conn.execute("SELECT count(*) FROM attendees").fetchone()[0] == 1


def test_fts_is_diacritic_folded_and_follows_edits(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        save(a, record())
        hits = lambda q: a.conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (q,)).fetchall()  # noqa: E731
        assert hits("trien khai") and hits("huy thanh")
        save(a, record(title="Ra quân làm đường", body="Không còn tên cũ."))
        assert not hits("trien khai") and hits("ra quan")


def test_removed_is_marked_never_deleted(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        save(a, record())
        with a.transaction():
            assert a.articles.mark_removed("20230203143649", "2026-02-01T00:00:00Z")
        assert a.conn.execute("SELECT removed_at, title FROM articles").fetchone() == (
            "2026-02-01T00:00:00Z", "Huyện Kỳ Anh triển khai kế hoạch")
        with a.transaction():  # it came back: served again after the removal
            assert a.articles.save(record(), article_id="20230203143649", response_id=None,
                                   fetched_at="2026-03-01T00:00:00Z") == "unchanged"
        assert a.conn.execute("SELECT removed_at FROM articles").fetchone() == (None,)


def test_a_failed_article_transaction_leaves_nothing(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        with pytest.raises(RuntimeError), a.transaction():
            a.bodies.add_response(Response(URL, 200, [], b"body", "t"), "article")
            a.articles.save(record(), article_id="20230203143649", response_id=None, fetched_at="t")
            raise RuntimeError("killed between writes")
        for table in ("responses", "blobs", "articles", "versions", "attendees", "authors"):
            assert a.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert a.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'trien'").fetchone()[0] == 0


def test_frontier_and_sections(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        with a.transaction():
            a.state.add_frontier([QueuedArticle("20230203143649", URL, "tin-tuc-khac"), QueuedArticle("20230101000000", URL + "x", None)], "t")
            a.state.add_frontier([QueuedArticle("20230203143649", URL, "kinh-te")], "t")  # rediscovered: still one entry
        assert len(a.state.frontier()) == 2
        save(a, record())  # archiving removes it from the frontier
        assert [f.article_id for f in a.state.frontier()] == ["20230101000000"]
        with a.transaction():
            a.state.add_frontier([QueuedArticle("20230203143649", URL, None)], "t")  # held: not added back
            a.state.frontier_failed(QueuedArticle("20230101000000", URL + "x", None), "HTTP 500", "t")
        assert [f.article_id for f in a.state.frontier()] == ["20230101000000"]
        assert a.state.frontier(max_attempts=1) == []
        sec = "/kyanh/portal/folder/kinh-te"
        with a.transaction():
            a.sections.found(sec, "Kinh tế", "listing", "menu", "t0")
            a.sections.found(sec, "Kinh tế", "listing", "sitemap", "t0b")  # seen again: kept as first found
        [row] = a.sections.all()
        assert (row.url, row.found_by, row.complete_at) == (sec, "menu", None)
        with a.transaction():
            a.sections.walked(sec, kind="listing", pages=3, complete=True, when="t1")
            a.sections.walked(sec, kind="listing", pages=1, complete=False, when="t2")  # a later short walk keeps the mark
        [row] = a.sections.all()
        assert (row.complete_at, row.pages, row.gone_at) == ("t1", 3, None)
        with a.transaction():
            a.sections.gone(sec, "HTTP 404", "t3")
        assert a.sections.all()[0].gone_reason == "HTTP 404" and a.sections.counts()["gone"] == 1
        with a.transaction():
            a.sections.walked(sec, kind="listing", pages=1, complete=False, when="t4")  # back: no longer gone
        assert a.sections.all()[0].gone_at is None and a.sections.counts() == {
            "listing": 1, "sitemap": 0, "feed": 0, "page": 0, "gone": 0}


def test_reopen_keeps_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    open_archive(db).close()
    with open_archive(db) as a:
        assert a.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert a.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        open_archive(db)


def test_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_archive(db) as a:
        save(a, record())
        pages = a.conn.execute("PRAGMA page_count").fetchone()[0]
        a.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreError, match="full"), a.transaction():
            # Random bytes do not compress: far more than two pages.
            a.bodies.add_response(Response(URL, 200, [], os.urandom(200_000), "t"), "article")
        assert a.conn.execute("SELECT count(*) FROM responses").fetchone()[0] == 1
    with open_archive(db) as a:  # space freed (a new connection has no cap): writing works again
        save(a, record(title="Sau khi giải phóng dung lượng"))
        assert a.conn.execute("SELECT count(*) FROM versions").fetchone()[0] == 2


def test_missing_directory_and_missing_db_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_archive(tmp_path / "nope" / "a.db")
    with pytest.raises(StoreError, match="no such archive"):
        open_archive(tmp_path / "b.db", readonly=True)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
       | st.sampled_from(["Kỳ Anh", "ĐẮK LẮK", "Hoà Bình", "thuỵ", "Nguyễn\u200b Văn"]))
def test_fast_fold_is_fold(text: str) -> None:
    assert fold_text(text) == fold(text)


def test_held_answers_for_more_ids_than_sqlite_binds(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        save(a, record())
        ids = [f"2020{i:010d}" for i in range(40_000)] + ["20230203143649"]
        assert a.state.held(ids) == {"20230203143649"}


def test_versions_hold_compressed_json_and_old_text_records_still_read(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as a:
        save(a, record())
        stored = a.conn.execute("SELECT record FROM versions").fetchone()[0]
        assert isinstance(stored, bytes) and decode_record(stored)["title"] == record().title
        # An archive written before compression holds JSON text: still read.
        a.conn.execute("UPDATE versions SET record = ?", (record(title="Văn bản cũ").to_json(),))
        assert a.articles.current_record("20230203143649").title == "Văn bản cũ"  # type: ignore[union-attr]


def test_a_reused_slug_with_a_new_id_is_a_second_article_an_idless_first_save_learns_its_id(tmp_path: Path) -> None:
    slug = "read:news/lich-tiep-dan.html"
    with open_archive(tmp_path / "a.db") as a:
        def put(rec: Article, keys: tuple[str, ...]) -> str:
            with a.transaction():
                return a.articles.save(rec, keys=keys, response_id=None, fetched_at="2026-01-01T00:00:00Z")

        assert put(record("Lịch tiếp dân 2023"), ("20230105080000", slug)) == "new"
        assert put(record("Lịch tiếp dân 2024"), ("20240105080000", slug)) == "new"  # same slug, own id
        ids = [r[0] for r in a.conn.execute("SELECT article_id FROM articles ORDER BY id")]
        assert ids == ["20230105080000", "20240105080000"]
        # The slug now names two articles: it decides nothing, the ids do.
        assert a.keys.held([(slug,), ("20240105080000", slug), ("20250105080000", slug)]) == [False, True, False]
        other = "read:news/ra-quan.html"
        assert put(record("Ra quân"), (other,)) == "new"  # archived from its id-less address
        assert put(record("Ra quân"), ("20250101000000", other)) == "unchanged"  # the id learned: same article
        assert a.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        assert a.conn.execute("SELECT count(*) FROM articles WHERE article_id = '20250101000000'").fetchone()[0] == 1


def test_older_copies_arriving_late_take_their_place_in_time_and_leave_the_current_record(tmp_path: Path) -> None:
    """Live today (v1), then web-archive copies: v1 from 2023 and an edit v2 from 2024, in either order."""
    v1, v2 = record(title="Bài gốc"), record(title="Bài đã sửa")
    for order in ((v1, v2), (v2, v1)):
        with open_archive(tmp_path / f"{order[0].title}.db") as a:
            def put(rec: Article, when: str) -> str:
                with a.transaction():
                    return a.articles.save(rec, article_id="20230203143649", response_id=None, fetched_at=when)

            assert put(v1, "2026-12-01T00:00:00Z") == "new"
            dates = {v1.title: "2023-05-01T00:00:00Z", v2.title: "2024-05-01T00:00:00Z"}
            for rec in order:
                put(rec, dates[rec.title])
            rows = a.conn.execute("SELECT version, fetched_at, record FROM versions ORDER BY version").fetchall()
            titles = [decode_record(r[2])["title"] for r in rows]
            assert [r[1][:4] for r in rows] == ["2023", "2024", "2026"], rows
            assert titles == ["Bài gốc", "Bài đã sửa", "Bài gốc"]  # the edit, then back as served today
            assert a.conn.execute("SELECT title, version_count FROM articles").fetchone() == ("Bài gốc", 3)
