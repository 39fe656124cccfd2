"""Search and stats over an archive of real portal pages (tests/query_archive.py)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.errors import ArchiveError, QueryError
from huyenkyanh_archive.query import fulltext
from tests.support.query_archive import Page, plain


def words(page: Page) -> list[str]:
    r = page.record
    text = " ".join([r.title or "", r.lead or "", r.body, " ".join(r.captions)])
    return re.findall(r"[a-z0-9]+", plain(text))


def has_phrase(tokens: list[str], phrase: list[str], prefix: bool = False) -> bool:
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        window = tokens[i : i + n]
        if window[:-1] == phrase[:-1] and (window[-1].startswith(phrase[-1]) if prefix else window[-1] == phrase[-1]):
            return True
    return False


def expected(pages: list[Page], *phrases: str, prefix: bool = False) -> set[str]:
    """Articles containing every phrase (each a word sequence), by the oracle."""
    out = set()
    for page in pages:
        toks = words(page)
        if all(has_phrase(toks, plain(p).split(), prefix) for p in phrases):
            out.add(page.record.article_id or "")
    return out


def ids(hits: list[query.SearchHit]) -> set[str]:
    return {h.article_id for h in hits}


@pytest.fixture(scope="module")
def archive(page_archive):  # type: ignore[no-untyped-def]
    path, _pages = page_archive
    with open_archive(path, readonly=True) as arc:
        yield arc


@pytest.fixture(scope="module")
def pages(page_archive) -> list[Page]:  # type: ignore[no-untyped-def]
    return page_archive[1]


def test_name_without_diacritics_in_any_case_finds_the_same_articles(archive, pages) -> None:  # type: ignore[no-untyped-def]
    results = [ids(query.search(archive, q, limit=100)) for q in ("ho huy thanh", "Hồ Huy Thành", "HO HUY THANH")]
    assert results[0] == results[1] == results[2]
    assert results[0] == expected(pages, "ho", "huy", "thanh")
    assert len(results[0]) >= 5


def test_d_with_stroke_folds_to_d(archive, pages) -> None:  # type: ignore[no-untyped-def]
    found = ids(query.search(archive, '"dang uy"', limit=100))
    assert found == ids(query.search(archive, '"Đảng ủy"', limit=100))
    assert found == expected(pages, "dang uy")
    # The corpus spells it both ways: "Đảng ủy" and the old-style "Đảng uỷ".
    spelled = {p.record.article_id for p in pages if "Đảng uỷ" in (p.record.body + (p.record.lead or ""))}
    assert spelled and spelled <= found


def test_old_and_new_tone_placement_match(archive) -> None:  # type: ignore[no-untyped-def]
    old, new = query.search(archive, '"Hoà Lạc"', limit=100), query.search(archive, '"Hòa Lạc"', limit=100)
    assert ids(old) == ids(new) and old
    assert ids(query.search(archive, "Huyện uỷ", limit=100)) == ids(query.search(archive, "Huyện ủy", limit=100))


def test_phrase_is_stricter_than_its_words(archive, pages) -> None:  # type: ignore[no-untyped-def]
    phrase = ids(query.search(archive, '"Bí thư Huyện ủy"', limit=100))
    loose = ids(query.search(archive, "Bí thư Huyện ủy", limit=100))
    assert phrase == expected(pages, "bi thu huyen uy")
    assert loose == expected(pages, "bi", "thu", "huyen", "uy")
    assert phrase and phrase <= loose


def test_prefix_query(archive, pages) -> None:  # type: ignore[no-untyped-def]
    prefix = ids(query.search(archive, "nong*", limit=100))
    assert prefix == expected(pages, "nong", prefix=True)
    assert ids(query.search(archive, "nong", limit=100)) <= prefix


def test_boolean_operators_and_parentheses(archive, pages) -> None:  # type: ignore[no-untyped-def]
    either = ids(query.search(archive, '"quoc phong" OR "hop tac xa"', limit=100))
    assert either == expected(pages, "quoc phong") | expected(pages, "hop tac xa")
    without = ids(query.search(archive, 'huyen NOT "quoc phong"', limit=100))
    assert without == expected(pages, "huyen") - expected(pages, "quoc phong")
    grouped = ids(query.search(archive, '("quoc phong" OR "hop tac xa") AND tinh', limit=100))
    assert grouped == either & expected(pages, "tinh")


def test_hits_carry_snippet_date_url_and_title_hits_rank_first(archive, pages) -> None:  # type: ignore[no-untyped-def]
    hits = query.search(archive, "Hồ Huy Thành", limit=100)
    by_id = {p.record.article_id: p for p in pages}
    in_title = {p.record.article_id for p in pages if "Hồ Huy Thành" in (p.record.title or "")}
    assert in_title and hits[0].article_id in in_title
    for hit in hits:
        page = by_id[hit.article_id]
        assert hit.url == page.article["url"]
        assert hit.date == (page.record.published_at or "")[:10] or (hit.date is None and not page.record.published_at)
        marked = re.findall(f"{query.HIGHLIGHT_OPEN}(.*?){query.HIGHLIGHT_CLOSE}", hit.snippet)
        assert marked, hit.snippet
        assert all(plain(m) in {"ho", "huy", "thanh"} for m in marked)
    assert [h.score for h in hits] == sorted(h.score for h in hits)


def test_limit(archive) -> None:  # type: ignore[no-untyped-def]
    assert len(query.search(archive, "huyen", limit=3)) == 3
    with pytest.raises(QueryError):
        query.search(archive, "huyen", limit=0)


def test_date_filters(archive, pages) -> None:  # type: ignore[no-untyped-def]
    dated = [p for p in pages if p.record.published_at]
    assert dated, "the extractor gives publication dates"
    want = {p.record.article_id for p in dated if "2021-01-01" <= p.record.published_at[:10] <= "2022-12-31"} & expected(pages, "huyen")
    got = query.search(archive, "huyen", since="2021", until="2022", limit=100)
    assert ids(got) == want and want
    assert all("2021-01-01" <= (h.date or "") <= "2022-12-31" for h in got)
    month = query.search(archive, "huyen", since="2023-03", until="2023-03", limit=100)
    assert {h.date[:7] for h in month if h.date} <= {"2023-03"}
    with pytest.raises(QueryError):
        query.search(archive, "huyen", since="last year")


def test_category_filter_by_name_or_folder(archive, pages) -> None:  # type: ignore[no-untyped-def]
    want = {p.record.article_id for p in pages if p.article["category"] == "Kinh tế"} & expected(pages, "huyen")
    for spelled in ("kinh-te", "Kinh tế", "kinh te"):
        assert ids(query.search(archive, "huyen", category=spelled, limit=100)) == want
    with pytest.raises(QueryError, match="no category"):
        query.search(archive, "huyen", category="Thể thao")


def test_person_filter(people_archive) -> None:  # type: ignore[no-untyped-def]
    path, records = people_archive
    with open_archive(path, readonly=True) as arc:
        hits = query.search(arc, "ky", person="nguyen van hai", limit=100)
        want = {r.article_id for r in records if any(a.name.lower() == "nguyễn văn hải" for a in r.attendees)
                and "ky" in plain(r.title or "").split()}
        assert ids(hits) == want and want
        with pytest.raises(QueryError, match="nobody"):
            query.search(arc, "ky", person="Không Có Ai")


@pytest.mark.parametrize(
    "bad",
    ['"Đảng ủy', "(Kỳ Anh", "Kỳ Anh)", "AND huyện", "huyện OR", "huyện NOT", "()", '""', "", "   ", "%%", "x" * 2000],
)
def test_malformed_queries_give_one_line_errors(archive, bad: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError) as err:
        query.search(archive, bad)
    assert "\n" not in str(err.value) and str(err.value)


@pytest.mark.parametrize(
    "text",
    ["'; DROP TABLE articles; --", "huyện' OR '1'='1", 'a" OR 1=1 --', "NEAR(a b)", "title:huyen", "x^y", "\\", "_%", "kỳ-anh", "{a b}"],
)
def test_sql_and_fts_metacharacters_are_only_text(archive, text: str) -> None:  # type: ignore[no-untyped-def]
    before = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    try:
        hits = query.search(archive, text, limit=5)
        assert isinstance(hits, list)
    except QueryError as exc:
        assert "\n" not in str(exc)
    assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('abđĐ ểhuyệnỦ"()*:^-+\'%;ANDORT')) | st.characters(), max_size=60))
def test_any_query_gives_hits_or_a_query_error(archive, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        query.search(archive, text, limit=3)
    except QueryError as exc:
        assert "\n" not in str(exc)


def test_stats(archive, pages, tmp_path: Path, page_archive) -> None:  # type: ignore[no-untyped-def]
    s = query.stats(archive)
    assert s.articles == len(pages) == s.versions
    years = Counter((p.record.published_at or "")[:4] or "undated" for p in pages)
    assert s.by_year == dict(years)
    assert s.by_folder == dict(Counter(p.article["url"].split("/")[6] for p in pages))
    assert s.removed_articles == 0
    # The fixture is one crawl: stats reports it and what it counted.
    assert s.last_crawl is not None and s.last_crawl.status == "ok"
    assert s.last_crawl.stats is not None and s.last_crawl.stats["new"] == len(pages)
    kinds = dict(archive.conn.execute("SELECT kind, count(*) FROM responses GROUP BY kind").fetchall())
    # Article answers: one per article, plus the related links that answered 404 (gone).
    assert s.responses == sum(kinds.values()) and kinds["article"] == len(pages) + s.last_crawl.stats["gone"]
    assert s.stored_bytes < s.raw_bytes
    # Removal and a crawl run show up.
    copy = tmp_path / "copy.db"
    shutil.copy(page_archive[0], copy)
    with open_archive(copy) as arc:
        with arc.transaction():
            arc.articles.mark_removed(pages[0].record.article_id or "", "2025-07-01T00:00:00Z")
            arc.conn.execute("INSERT INTO runs (started_at, finished_at, status, stats) VALUES ('2025-07-01', '2025-07-01', 'failed', 'not json')")
        s = query.stats(arc)
    assert s.removed_articles == 1
    assert s.last_crawl is not None and s.last_crawl.status == "failed"


def test_views_answer_without_joins(people_archive) -> None:  # type: ignore[no-untyped-def]
    path, records = people_archive
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT count(*) FROM article_people").fetchone()[0]
    assert rows == conn.execute("SELECT count(*) FROM attendees").fetchone()[0]
    roles = conn.execute(
        "SELECT role, first_seen, last_seen, articles FROM person_roles WHERE name_key = 'nguyễn tiến hùng' ORDER BY first_seen"
    ).fetchall()
    assert len(roles) >= 2
    summary = conn.execute("SELECT count(*), sum(people) FROM article_summary").fetchone()
    assert summary == (len(records), sum(len(r.attendees) for r in records))
    conn.close()


def test_full_text_search_is_detectable_by_datasette(page_archive) -> None:  # type: ignore[no-untyped-def]
    # The query Datasette's detect_fts() runs (datasette/utils/__init__.py).
    conn = sqlite3.connect(page_archive[0])
    found = conn.execute(
        "SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE ?",
        ('%VIRTUAL TABLE%USING FTS%content="articles"%',),
    ).fetchall()
    assert found == [("articles_fts",)]
    fks = conn.execute("SELECT \"table\" FROM pragma_foreign_key_list('attendees')").fetchall()
    assert fks == [("articles",)]
    conn.close()


def test_missing_database_is_an_archive_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError):
        open_archive(tmp_path / "none.db", readonly=True)


def test_match_count_and_broad_queries(archive, pages, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    want = expected(pages, "huyen")
    exact = query.search(archive, "huyen", limit=5)
    assert exact.exhaustive and exact.matches == len(want)
    # Above the cap, hits come from articles naming the words in title or lead, then the rest.
    monkeypatch.setattr(fulltext, "RANK_CAP", 3)
    broad = query.search(archive, "huyen", limit=len(want))
    assert not broad.exhaustive and broad.matches is None
    assert {h.article_id for h in broad} == want
    by_id = {p.record.article_id: p for p in pages}
    heads = [h for h in broad if h.score != 0.0]
    assert heads and all(
        "huyen" in plain((by_id[h.article_id].record.title or "") + " " + (by_id[h.article_id].record.lead or "")).split()
        for h in heads
    )
    assert [h.score for h in heads] == sorted(h.score for h in heads)
    assert all(h.score == 0.0 for h in broad[len(heads):])
    # The same with a filter: the filter holds for every hit, nothing that passes it is lost.
    dated = query.search(archive, "huyen", since="2022", limit=len(want))
    assert not dated.exhaustive
    assert {h.article_id for h in dated} == {
        i for i in want if (by_id[i].record.published_at or "")[:10] >= "2022-01-01"
    }
