"""``kyanh-archive import FILE...``: the site's articles from WARC/WACZ files."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from huyenkyanh_archive.crawl import CrawlOptions, crawl
from tests.support.crawl_support import cli, profile
from tests.support.reliability_support import assert_consistent, stored_pages
from tests.support.render import load_corpus, render_portal_article

CORPUS = load_corpus()[:12]


def aid(article: dict[str, object]) -> str:
    return str(article["url"]).rsplit("/", 1)[1]


def edited(article: dict[str, object]) -> dict[str, object]:
    out = json.loads(json.dumps(article))
    out["title"] = f"{out['title']} (cập nhật)"
    return out


@dataclass
class Truth:
    versions: dict[str, list[bytes]] = field(default_factory=dict)  # id -> distinct bodies, capture-time order


def write_warc(path: Path, records: list[tuple[str, bytes, str, str]]) -> None:
    """(uri, body, WARC-Date, status line) responses, with a request record after each."""
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=path.suffix == ".gz")
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, body, date, status in records:
            http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8"),
                                             ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                                warc_headers_dict={"WARC-Date": date}))
            w.write_record(w.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                                                warc_content_type="application/http;msgtype=request"))


def two_files(tmp: Path) -> tuple[list[Path], Truth]:
    """Two crawls of the portal by other tools: overlapping, not in time order, with noise."""
    truth = Truth()
    first: list[tuple[str, bytes, str, str]] = []
    second: list[tuple[str, bytes, str, str]] = []
    for i, art in enumerate(CORPUS):
        v1, v2 = render_portal_article(art).encode(), render_portal_article(edited(art)).encode()
        url = str(art["url"])
        d1, d2 = f"2023-0{1 + i % 9}-1{i % 10}T08:00:00Z", f"2024-0{1 + i % 9}-1{i % 10}T08:00:00Z"
        if i % 3 == 0:  # edited later: the edit in the first file, the original in the second
            first.append((url.replace("http://", "https://www."), v2, d2, "200 OK"))
            second.append((url, v1, d1, "200 OK"))
            truth.versions[aid(art)] = [v1, v2]
        elif i % 3 == 1:  # the same capture in both files
            first.append((url, v1, d1, "200 OK"))
            second.append((url, v1, d1, "200 OK"))
            truth.versions[aid(art)] = [v1]
        else:
            second.append((url, v1, d1, "200 OK"))
            truth.versions[aid(art)] = [v1]
    first.append(("https://baohatinh.vn/tin-ky-anh.html", b"<html>another site</html>", "2023-03-01T00:00:00Z",
                  "200 OK"))
    gone = str(CORPUS[0]["url"]).replace("/news/", "/news/da-go-")
    second.append((gone, b"<html>404 - File or directory not found.</html>", "2023-03-02T00:00:00Z",
                   "404 Not Found"))
    paths = [tmp / "crawl-a.warc.gz", tmp / "crawl-b.warc"]
    write_warc(paths[0], first)
    write_warc(paths[1], second)
    return paths, truth


def run(db: Path, files: list[Path]):  # type: ignore[no-untyped-def]
    return crawl(db, profile(), CrawlOptions(source="warc", warc_files=tuple(map(str, files)), concurrency=2))


def test_every_article_once_with_its_contents_in_capture_order(tmp_path: Path) -> None:
    files, truth = two_files(tmp_path)
    db = tmp_path / "a.db"
    summary = run(db, files)
    assert summary.ok and summary.new == len(CORPUS), summary
    assert stored_pages(db) == truth.versions
    with sqlite3.connect(db) as conn:
        sources = {r[0] for r in conn.execute("SELECT source FROM responses")}
        provenance = [json.loads(p) for (p,) in conn.execute(
            "SELECT r.provenance FROM versions v JOIN responses r ON r.id = v.response_id")]
    assert sources == {"warc"}
    assert all(p["file"] in {str(f) for f in files} and isinstance(p["offset"], int) for p in provenance)
    assert_consistent(db)


def test_importing_again_adds_nothing(tmp_path: Path) -> None:
    files, _truth = two_files(tmp_path)
    db = tmp_path / "a.db"
    run(db, files)
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    again = run(db, list(reversed(files)))
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    assert again.ok and again.new == again.changed == 0 and after == before


def test_a_damaged_file_keeps_what_precedes_the_damage_and_the_next_file_is_read(tmp_path: Path) -> None:
    files, truth = two_files(tmp_path)
    whole = files[1].read_bytes()
    damaged = tmp_path / "cut.warc"
    damaged.write_bytes(whole[: len(whole) * 2 // 3])
    db = tmp_path / "a.db"
    out = cli("import", "--db", str(db), str(damaged), str(files[0]), "--quiet")
    assert out.returncode == 3, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "cut.warc" in out.stderr and "byte" in out.stderr
    kept = stored_pages(db)
    assert kept and all(set(v) <= set(truth.versions[k]) for k, v in kept.items())  # nothing made up
    assert_consistent(db)
    # The whole file later: everything, nothing twice.
    again = cli("import", "--db", str(db), str(files[1]), str(files[0]), "--quiet")
    assert again.returncode == 0, again.stderr
    assert stored_pages(db) == truth.versions


def test_the_cli_json_and_a_missing_file(tmp_path: Path) -> None:
    files, truth = two_files(tmp_path)
    db = tmp_path / "a.db"
    out = cli("import", "--db", str(db), *map(str, files), "--json")
    assert out.returncode == 0, out.stderr
    end = [json.loads(line) for line in out.stdout.splitlines()][-1]
    assert end["event"] == "end" and end["source"] == "warc" and end["new"] == len(truth.versions)
    missing = cli("import", "--db", str(db), str(tmp_path / "nope.warc"))
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1 and "nope.warc" in missing.stderr


def test_exported_warc_keeps_the_capture_dates(tmp_path: Path) -> None:
    files, truth = two_files(tmp_path)
    db = tmp_path / "a.db"
    run(db, files)
    out = tmp_path / "out.warc.gz"
    assert cli("export", "--db", str(db), "--format", "warc", "-o", str(out)).returncode == 0
    dates: dict[bytes, str] = {}
    with out.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                dates[rec.content_stream().read()] = rec.rec_headers.get_header("WARC-Date")
    for versions in truth.versions.values():
        for body in versions:
            assert dates[body].startswith(("2023-", "2024-"))  # the capture's date, not the import's


def test_a_wacz_imports_like_its_warcs(tmp_path: Path) -> None:
    files, truth = two_files(tmp_path)
    wacz = tmp_path / "crawl.wacz"
    with zipfile.ZipFile(wacz, "w") as zf:
        zf.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
        for f in files:
            zf.write(f, f"archive/{f.name}", compress_type=zipfile.ZIP_STORED)
        zf.writestr("indexes/index.cdx", "")
    db = tmp_path / "a.db"
    summary = run(db, [wacz])
    assert summary.ok and stored_pages(db) == truth.versions
    with sqlite3.connect(db) as conn:
        files_named = {json.loads(p)["file"] for (p,) in conn.execute("SELECT provenance FROM responses")}
    assert all(name.startswith(f"{wacz}!archive/") for name in files_named)
