"""Export round trips: JSONL = extract --json, CSV, and WARC read back with warcio."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from huyenkyanh_archive.archive.export import CSV_COLUMNS, export, export_to_path
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.errors import ArchiveError, QueryError
from huyenkyanh_archive.extract import extract_article


@pytest.fixture(scope="module")
def archive(page_archive):  # type: ignore[no-untyped-def]
    with open_archive(page_archive[0], readonly=True) as arc:
        yield arc


def run(archive, fmt: str, **options: str) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    export(archive, fmt, buf, **options)
    return buf.getvalue()


def stored_responses(db: Path) -> list[tuple[str, int, bytes, str, list[list[str]]]]:
    with open_archive(db, readonly=True) as archive:
        rows = archive.conn.execute(
            "SELECT url, status, body_sha256, fetched_at, headers FROM responses ORDER BY id"
        ).fetchall()
        return [(u, s, archive.bodies.get(d) if d else b"", f, json.loads(h)) for u, s, d, f, h in rows]


def test_jsonl_is_extract_json_of_the_same_pages(archive, page_archive) -> None:  # type: ignore[no-untyped-def]
    _db, pages = page_archive
    lines = run(archive, "jsonl").decode("utf-8").splitlines()
    assert len(lines) == len(pages)
    got = {json.loads(line)["url"]: json.loads(line) for line in lines}
    for page in pages:
        url = page.article["url"]
        fresh = extract_article(page.body, url=url, source=url).to_dict()
        assert got[url] == fresh
        assert list(got[url]) == list(fresh)  # the same fields, in the same order


def test_jsonl_date_range(archive, page_archive) -> None:  # type: ignore[no-untyped-def]
    _db, pages = page_archive
    lines = run(archive, "jsonl", since="2022", until="2023-06").decode().splitlines()
    want = {p.article["url"] for p in pages if "2022-01-01" <= (p.record.published_at or "")[:10] <= "2023-06-31"}
    assert {json.loads(line)["url"] for line in lines} == want and want


def test_csv_one_row_per_article_with_people_flattened(archive, page_archive) -> None:  # type: ignore[no-untyped-def]
    _db, pages = page_archive
    text = run(archive, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(pages)
    by_url = {r["url"]: r for r in rows}
    for page in pages:
        row, rec = by_url[page.article["url"]], page.record
        assert row["title"] == rec.title and row["body"] == rec.body  # multi-line cells survive
        assert row["authors"] == "; ".join(rec.authors)
        assert row["attendees"].count(";") == max(len(rec.attendees) - 1, 0)
        for person in rec.attendees:
            assert person.name in row["attendees"]


def test_csv_from_people_records(people_archive) -> None:  # type: ignore[no-untyped-def]
    db, records = people_archive
    with open_archive(db, readonly=True) as arc:
        rows = list(csv.DictReader(io.StringIO(run(arc, "csv").decode("utf-8-sig"), newline="")))
    hung = next(r for r in rows if "Nguyễn Tiến Hùng (Phó Bí thư Huyện ủy, Chủ tịch UBND huyện)" in r["attendees"])
    assert hung["attendees"].count(";") >= 1
    assert len(rows) == len(records)


@pytest.mark.parametrize("name", ["out.warc", "out.warc.gz"])
def test_warc_reads_back_byte_for_byte(archive, page_archive, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    db, _pages = page_archive
    path = tmp_path / name
    count = export_to_path(archive, "warc", path)
    stored = stored_responses(db)
    assert count == len(stored)
    if name.endswith(".gz"):
        assert path.read_bytes()[:2] == b"\x1f\x8b"
    responses, requests, infos = [], {}, 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            if rec.rec_type == "warcinfo":
                infos += 1
            elif rec.rec_type == "response":
                responses.append((
                    rec.rec_headers.get_header("WARC-Target-URI"),
                    int(rec.http_headers.get_statuscode()),
                    rec.content_stream().read(),
                    rec.rec_headers.get_header("WARC-Date"),
                    rec.http_headers,
                    rec.rec_headers.get_header("WARC-Record-ID"),
                ))
            elif rec.rec_type == "request":
                requests[rec.rec_headers.get_header("WARC-Concurrent-To")] = rec.http_headers
    assert infos == 1
    assert len(responses) == len(stored)
    for (url, status, body, fetched, headers), (w_url, w_status, w_body, w_date, w_http, w_id) in zip(stored, responses, strict=True):
        assert (w_url, w_status) == (url, status)
        assert w_body == body
        assert w_date[:19] == fetched[:19]
        for key, value in headers:
            if key.lower() in ("content-encoding", "transfer-encoding", "content-length"):
                # The body is stored decoded; the original value is kept, renamed.
                assert w_http.get_header("X-Archive-Orig-" + key) == value
            else:
                assert w_http.get_header(key) == value
        assert w_id in requests
        assert requests[w_id].protocol == "GET"
        assert requests[w_id].statusline.split()[0] == urlsplit(url).path
    assert not list(tmp_path.glob("*.partial"))


def test_warc_fetch_date_range(archive, page_archive) -> None:  # type: ignore[no-untyped-def]
    db, _pages = page_archive
    stored = stored_responses(db)
    days = sorted({s[3][:10] for s in stored})
    inside = [r.rec_type for r in ArchiveIterator(io.BytesIO(run(archive, "warc", since=days[0], until=days[-1])))]
    assert inside.count("response") == len(stored)
    before = [r.rec_type for r in ArchiveIterator(io.BytesIO(run(archive, "warc", until="2000-01-01")))]
    assert before == ["warcinfo"]


def test_bad_format_and_paths(archive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError):
        run(archive, "xml")
    with pytest.raises(ArchiveError):
        export_to_path(archive, "jsonl", tmp_path / "missing" / "out.jsonl")
    with pytest.raises(QueryError):
        run(archive, "jsonl", since="yesterday")


def test_jsonl_lines_equal_the_extract_command(archive, page_archive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from huyenkyanh_archive.cli import app

    _db, pages = page_archive
    lines = {json.loads(line)["url"]: json.loads(line) for line in run(archive, "jsonl").decode().splitlines()}
    for page in pages[:5]:
        url = page.article["url"]
        path = tmp_path / f"{page.record.article_id}.html"
        path.write_bytes(page.body)
        result = CliRunner().invoke(app, ["extract", "--json", "--url", url, str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        printed = json.loads(result.stdout)
        # `source` is "the argument as given": the file here, the fetched URL in the archive.
        assert printed.pop("source") == str(path) and lines[url]["source"] == url
        assert printed == {k: v for k, v in lines[url].items() if k != "source"}
        assert list(printed) == [k for k in lines[url] if k != "source"]
