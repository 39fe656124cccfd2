"""The query commands as a user runs them: output, --json, errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.cli import app

runner = CliRunner()


def cli(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_search_json_matches_the_library(page_archive) -> None:  # type: ignore[no-untyped-def]
    db = str(page_archive[0])
    result = cli("search", "ho huy thanh", "--db", db, "--json", "--limit", "5")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    with open_archive(db, readonly=True) as arc:
        assert data == [h.to_dict() for h in query.search(arc, "ho huy thanh", limit=5)]
    assert {"article_id", "url", "title", "date", "snippet", "score"} <= set(data[0])


def test_search_table_shows_title_and_url(page_archive) -> None:  # type: ignore[no-untyped-def]
    db, pages = page_archive
    result = cli("search", "Hồ Huy Thành", "--db", str(db), "--limit", "1")
    assert result.exit_code == 0
    with open_archive(db, readonly=True) as arc:
        top = query.search(arc, "Hồ Huy Thành", limit=1)[0]
    assert top.article_id in result.stdout.replace("\n", "").replace("│", "").replace(" ", "")


@pytest.mark.parametrize("bad", ['"unclosed', "(", "NOT x", "a" * 5000])
def test_malformed_search_is_one_line_and_exit_2(page_archive, bad: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", bad, "--db", str(page_archive[0]))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kyanh-archive: ")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_missing_database(tmp_path: Path) -> None:
    result = cli("stats", "--db", str(tmp_path / "nope.db"))
    assert result.exit_code == 74
    assert result.stderr.count("\n") == 1 and "no such archive" in result.stderr


def test_people_and_person(people_archive) -> None:  # type: ignore[no-untyped-def]
    db = str(people_archive[0])
    listing = json.loads(cli("people", "--db", db, "--json", "--role", "Bí thư", "--sort", "name").stdout)
    assert "Hồ Huy Thành" in {p["name"] for p in listing}
    table = cli("people", "--db", db, "--limit", "3")
    assert table.exit_code == 0 and "Nguyễn Tiến Hùng" in table.stdout

    one = cli("person", "nguyen tien hung", "--db", db, "--json")
    data = json.loads(one.stdout)
    assert data["kind"] == "person" and data["name"] == "Nguyễn Tiến Hùng"
    assert len(data["roles"]) >= 2 and data["appears_with"][0]["name"] == "Hồ Huy Thành"

    two = cli("person", "Nguyễn Văn Hải", "--db", db, "--why")
    assert two.exit_code == 0
    assert "Nguyễn Văn Hải (xã Kỳ Tân)" in two.stdout and "Nguyễn Văn Hải (xã Kỳ Phong)" in two.stdout
    assert "Why:" in two.stdout and "split" in two.stdout
    amb = json.loads(cli("person", "Nguyễn Văn Hải", "--db", db, "--json").stdout)
    assert amb["kind"] == "ambiguous" and len(amb["candidates"]) == 2

    missing = cli("person", "Không Có Ai", "--db", db)
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


def test_person_lists_the_two_ends_of_a_long_timeline(people_archive) -> None:  # type: ignore[no-untyped-def]
    db = str(people_archive[0])
    full = json.loads(cli("person", "Trần Đức Minh", "--db", db, "--json", "--articles", "0").stdout)
    cut = json.loads(cli("person", "Trần Đức Minh", "--db", db, "--json", "--articles", "2").stdout)
    assert full["article_count"] == cut["article_count"] == len(full["articles"]) == 4
    assert cut["articles"] == [full["articles"][0], full["articles"][-1]]
    table = cli("person", "Trần Đức Minh", "--db", db)
    # Two roles with two articles each: the table shows both ends of each, nothing elided.
    assert table.exit_code == 0 and "more" not in table.stdout
    assert all(a["date"] in table.stdout for a in full["articles"])
    bad = cli("person", "Trần Đức Minh", "--db", db, "--articles", "1")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_stats(people_archive) -> None:  # type: ignore[no-untyped-def]
    db, records = people_archive
    data = json.loads(cli("stats", "--db", str(db), "--json").stdout)
    assert data["articles"] == len(records)
    assert data["last_crawl"]["status"] == "ok"
    table = cli("stats", "--db", str(db))
    assert table.exit_code == 0 and "last crawl" in table.stdout


def test_export_to_stdout_and_file(page_archive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, pages = page_archive
    out = cli("export", "--format", "jsonl", "--db", str(db))
    assert out.exit_code == 0
    assert len(out.stdout_bytes.splitlines()) == len(pages)
    target = tmp_path / "a.csv"
    res = cli("export", "--format", "csv", "-o", str(target), "--db", str(db))
    assert res.exit_code == 0 and target.exists() and f"wrote {len(pages)} articles" in res.stderr
    bad = cli("export", "--format", "pdf", "--db", str(db))
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_optimize_keeps_every_answer(page_archive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from huyenkyanh_archive.archive.lock import CrawlLock
    from huyenkyanh_archive.archive.optimize import optimize
    from huyenkyanh_archive.errors import LockedError

    db = tmp_path / "copy.db"
    shutil.copy(page_archive[0], db)
    queries = ["ho huy thanh", '"dang uy"', "thanh*", "huyen NOT tinh"]
    with open_archive(db, readonly=True) as arc:
        before = [[h.to_dict() for h in query.search(arc, q, limit=50)] for q in queries]
    result = cli("optimize", "--db", str(db), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["index_pages_after"] <= summary["index_pages_before"]
    with open_archive(db, readonly=True) as arc:
        after = [[h.to_dict() for h in query.search(arc, q, limit=50)] for q in queries]
    assert [[(h["article_id"], h["snippet"]) for h in hs] for hs in after] == [
        [(h["article_id"], h["snippet"]) for h in hs] for hs in before
    ]
    with CrawlLock(db), pytest.raises(LockedError):
        optimize(db)
