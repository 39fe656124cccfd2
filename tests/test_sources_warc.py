"""Reading WARC/WACZ files: files written with warcio (gzip and not, revisits, a WACZ),
damaged copies of them, and the project's own ``export --format warc``."""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from huyenkyanh_archive.archive.export import export_to_path
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.crawl.sources.warc import Captured, OffSite, Skipped, WarcDamaged, WarcItem, read_warc
from huyenkyanh_archive.errors import ArchiveError
from tests.support.render import load_corpus, render_portal_article

SITE = ("kyanh.hatinh.gov.vn", "kyanh.gov.vn")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def on_site(url: str) -> bool:
    return (urlsplit(url).hostname or "").removeprefix("www.") in SITE


def offset_of(item: WarcItem) -> int | None:
    return item.response.provenance.offset if isinstance(item, Captured) else item.offset


@dataclass
class Expect:
    """What reading one record must give."""

    kind: type
    url: str = ""
    body: bytes = b""
    status: int = 0
    date: str = ""  # the normalised WARC-Date
    record_type: str = "response"


@dataclass
class Sample:
    path: Path
    expect: list[Expect] = field(default_factory=list)
    bodies: set[bytes] = field(default_factory=set)


def _chunked(data: bytes, size: int = 700) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class Writer:
    def __init__(self, fh: io.BufferedWriter | io.BytesIO, gz: bool) -> None:
        self.w = WARCWriter(fh, gzip=gz)
        self.expect: list[Expect] = []

    def response(self, uri: str, body: bytes, date: str, *, status: str = "200 OK", raw: bytes | None = None,
                 headers: list[tuple[str, str]] | None = None, expect: type | None = None) -> str:
        http = StatusAndHeaders(status, headers or [("Content-Type", "text/html; charset=utf-8"),
                                                    ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        rec = self.w.create_warc_record(uri, "response", payload=io.BytesIO(raw if raw is not None else body),
                                        http_headers=http, warc_headers_dict={"WARC-Date": date})
        self.w.write_record(rec)
        bare = uri.strip("<>")
        kind = expect or (Captured if on_site(bare) else OffSite)
        self.expect.append(Expect(kind, bare, body, int(status.split()[0]), _iso(date)))
        return str(rec.rec_headers.get_header("WARC-Payload-Digest"))

    def revisit(self, uri: str, digest: str, refers_to_uri: str, refers_to_date: str, date: str,
                status: str | None = "200 OK", *, expect: Expect) -> None:
        http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8"), ("Date", "x")],
                                protocol="HTTP/1.1") if status else None
        rec = self.w.create_revisit_record(uri, digest, refers_to_uri, refers_to_date, http_headers=http,
                                           warc_headers_dict={"WARC-Date": date})
        self.w.write_record(rec)
        self.expect.append(expect)

    def other(self, record_type: str, uri: str, payload: bytes, content_type: str) -> None:
        rec = self.w.create_warc_record(uri, record_type, payload=io.BytesIO(payload), warc_content_type=content_type,
                                        warc_headers_dict={"WARC-Date": "2023-01-01T00:00:00Z"})
        self.w.write_record(rec)
        self.expect.append(Expect(Skipped, record_type=record_type))


def _iso(date: str) -> str:
    return (date[:19] + "." + (date[20:-1] if "." in date else "").ljust(6, "0") + "Z")


def article_pages(n: int) -> list[tuple[str, bytes]]:
    corpus = load_corpus()[:n]
    return [(a["url"], render_portal_article(a).encode()) for a in corpus]


def write_sample(path: Path, gz: bool) -> Sample:
    """A crawl as WARC tools write it: warcinfo, responses with their requests, metadata,
    an off-site capture, revisits (one resolvable, one 304, one whose original is missing), dns."""
    pages = article_pages(3)
    with path.open("wb") as fh:
        w = Writer(fh, gz)
        rec = w.w.create_warcinfo_record(path.name, {"software": "warcio test", "format": "WARC File Format 1.0"})
        w.w.write_record(rec)
        w.expect.append(Expect(Skipped, record_type="warcinfo"))
        (url_a, body_a), (url_b, body_b), (url_c, body_c) = pages
        digest_a = w.response(url_a, body_a, "2023-02-03T07:00:00Z")
        w.other("request", url_a, b"GET / HTTP/1.1\r\nHost: kyanh.hatinh.gov.vn\r\n\r\n", "application/http;msgtype=request")
        www_b = url_b.replace("http://", "http://www.")
        raw_b = _chunked(gzip.compress(body_b))
        digest_b = w.response(www_b, body_b, "2023-02-04T08:09:10.123456Z", raw=raw_b, headers=[
            ("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")])
        w.other("metadata", url_a, b"outlinks: 12\r\n", "application/warc-fields")
        w.response("https://baohatinh.vn/tin-ky-anh.html", b"<html>other site</html>", "2023-02-05T00:00:00Z")
        w.revisit(url_a, digest_a, url_a, "2023-02-03T07:00:00Z", "2023-05-01T01:02:03Z",
                  expect=Expect(Captured, url_a, body_a, 200, "2023-05-01T01:02:03.000000Z", "revisit"))
        w.revisit(www_b, digest_b, www_b, "2023-02-04T08:09:10.123456Z", "2023-06-01T00:00:00Z", "304 Not Modified",
                  expect=Expect(Captured, www_b, body_b, 200, "2023-06-01T00:00:00.000000Z", "revisit"))
        w.revisit(url_c, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url_c, "2022-01-01T00:00:00Z", "2023-06-02T00:00:00Z",
                  expect=Expect(Skipped, record_type="revisit"))
        w.other("resource", "dns:kyanh.gov.vn", b"20230601000000\nkyanh.gov.vn. 300 IN A 1.2.3.4\n", "text/dns")
        w.response("<http://kyanh.gov.vn/robots.txt>", b"User-agent: *\nAllow: /\n", "2023-02-06T00:00:00Z",
                   headers=[("Content-Type", "text/plain")])
        w.response(url_c.replace("/news/", "/news/x-"), b"<html>Not found</html>", "2023-02-07T00:00:00Z",
                   status="404 Not Found")
        jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"
        w.response("http://kyanh.hatinh.gov.vn/kyanh/portal/images/a.jpg", jpeg, "2023-02-08T00:00:00Z",
                   headers=[("Content-Type", "image/jpeg")])
        w.response(url_c, body_c, "2023-02-09T00:00:00Z")
    return Sample(path, w.expect, {e.body for e in w.expect if e.kind is Captured})


def record_offsets(path: Path) -> list[tuple[int, str | None]]:
    """(offset, WARC-Target-URI) of every record, as warcio tells them (content read first)."""
    out = []
    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            rec.content_stream().read()
            out.append((it.get_record_offset(), rec.rec_headers.get_header("WARC-Target-URI")))
    return out


def check(items: list[WarcItem], expect: list[Expect], label: str) -> None:
    assert [type(i) for i in items] == [e.kind for e in expect]
    for item, want in zip(items, expect, strict=True):
        if isinstance(item, Captured):
            r = item.response
            assert (r.url, r.status, r.body, r.fetched_at, item.record_type) == \
                (want.url, want.status, want.body, want.date, want.record_type)
            assert ISO.match(r.fetched_at)
            p = r.provenance
            assert (p.source, p.file, p.captured_at) == ("warc", label, r.fetched_at)
            assert p.digest and p.digest.startswith("sha1:")
        elif isinstance(item, OffSite):
            assert item.url == want.url
        else:
            assert isinstance(item, Skipped) and item.record_type == want.record_type and item.reason


@pytest.fixture(params=[False, True], ids=["warc", "warc.gz"])
def sample(request: pytest.FixtureRequest, tmp_path: Path) -> Sample:
    gz = bool(request.param)
    return write_sample(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz)


def read_all(path: Path | str) -> list[WarcItem]:
    return list(read_warc(path, on_site=on_site))


# -- whole files --------------------------------------------------------------------------------


def test_a_warc_imports_completely(sample: Sample) -> None:
    items = read_all(sample.path)
    check(items, sample.expect, str(sample.path))
    # Offsets are where each record starts: warcio, reading the file afresh, agrees.
    assert [offset_of(i) for i in items] == [o for o, _uri in record_offsets(sample.path)]
    # A revisit keeps its own record's offset and date; its body is its original's.
    revisit = next(i for i in items if isinstance(i, Captured) and i.record_type == "revisit")
    assert revisit.response.body == sample.expect[1].body
    # The 304 revisit answers with the original's status and headers.
    b = next(i for i in items if isinstance(i, Captured) and "www." in i.response.url and i.record_type == "revisit")
    assert b.response.header("content-encoding") == "gzip" and b.response.status == 200


def test_reading_twice_gives_the_same_responses(sample: Sample) -> None:
    assert read_all(sample.path) == read_all(sample.path)  # same identities: re-import can tell them


def test_bodies_are_streamed_not_kept(sample: Sample, tmp_path: Path) -> None:
    items = list(read_warc(sample.path, on_site=on_site, max_body=4000))
    big = [e for e in sample.expect if e.kind is Captured and e.record_type == "response" and len(e.body) > 4000]
    small = [e for e in sample.expect if e.kind is Captured and len(e.body) <= 4000]
    assert big and small
    # Every big response is skipped, saying why; the small ones come through whole.
    assert len([i for i in items if isinstance(i, Skipped) and "larger than" in i.reason]) == len(big)
    assert [i.response.body for i in items if isinstance(i, Captured)] == [e.body for e in small]


def build_wacz(path: Path, tmp_path: Path) -> tuple[list[Expect], dict[str, int]]:
    """A WACZ: two WARCs (gzip, plain) under archive/, indexes, pages, datapackage.json.
    The second WARC's revisit refers to a response in the first."""
    first, second = tmp_path / "rec-1.warc.gz", tmp_path / "rec-2.warc"
    sample = write_sample(first, True)
    url_a, body_a = article_pages(1)[0]
    with first.open("rb") as fh:
        digest_a = next(r.rec_headers.get_header("WARC-Payload-Digest") for r in ArchiveIterator(fh) if r.rec_type == "response")
    with second.open("wb") as fh:
        w = Writer(fh, False)
        w.revisit(url_a, digest_a, url_a, "", "2024-01-01T00:00:00Z",  # no Refers-To-Date: found by digest
                  expect=Expect(Captured, url_a, body_a, 200, "2024-01-01T00:00:00.000000Z", "revisit"))
        w.response("http://www.kyanh.gov.vn/kyanh/portal", b"<html>home</html>", "2024-01-02T00:00:00Z")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
        zf.write(first, "archive/rec-1.warc.gz", compress_type=zipfile.ZIP_STORED)
        zf.write(second, "archive/rec-2.warc", compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("indexes/index.cdx", "vn,gov,kyanh)/ 20240102000000 {}\n")
        zf.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n{"url": "http://kyanh.gov.vn/"}\n')
    return sample.expect + w.expect, {"archive/rec-1.warc.gz": len(sample.expect), "archive/rec-2.warc": len(w.expect)}


def test_a_wacz_imports_its_warcs_in_order(tmp_path: Path) -> None:
    path = tmp_path / "crawl.wacz"
    expect, counts = build_wacz(path, tmp_path)
    items = read_all(path)
    assert [type(i) for i in items] == [e.kind for e in expect]
    n1 = counts["archive/rec-1.warc.gz"]
    check(items[:n1], expect[:n1], f"{path}!archive/rec-1.warc.gz")
    check(items[n1:], expect[n1:], f"{path}!archive/rec-2.warc")
    # The offsets are the member's own: open the member, seek there, find the record.
    with zipfile.ZipFile(path) as zf:
        for item in items:
            if isinstance(item, Captured):
                member = item.response.provenance.file.split("!", 1)[1]  # type: ignore[union-attr]
                with zf.open(member) as fh:
                    fh.seek(item.response.provenance.offset or 0)
                    rec = next(iter(ArchiveIterator(fh)))
                    assert rec.rec_headers.get_header("WARC-Target-URI").strip("<>") == item.response.url


def test_a_wacz_without_warcs_or_not_a_zip_is_a_one_line_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wacz"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("datapackage.json", "{}")
    junk = tmp_path / "junk.wacz"
    junk.write_bytes(b"this is not a zip\n" * 40)
    for path in (empty, junk):
        with pytest.raises(WarcDamaged) as info:
            read_all(path)
        assert info.value.offset == 0 and "\n" not in str(info.value) and str(path) in str(info.value)


# -- damage ---------------------------------------------------------------------------------------


def damaged(path: Path, data: bytes) -> Path:
    out = path.with_name("damaged-" + path.name)
    out.write_bytes(data)
    return out


def read_until_damage(path: Path) -> tuple[list[WarcItem], WarcDamaged | None]:
    items: list[WarcItem] = []
    try:
        for item in read_warc(path, on_site=on_site):
            items.append(item)
    except WarcDamaged as exc:
        return items, exc
    return items, None


def assert_one_line(exc: WarcDamaged, path: Path, offset: int) -> None:
    assert isinstance(exc, ArchiveError) and exc.exit_code == 65
    message = str(exc)
    assert "\n" not in message and str(path) in message and f"byte {offset}" in message
    assert exc.offset == offset


@pytest.mark.parametrize("where", [0.02, 0.3, 0.6, 0.97])
def test_a_truncated_file_keeps_every_record_before_the_cut(sample: Sample, where: float) -> None:
    data = sample.path.read_bytes()
    offsets = [o for o, _ in record_offsets(sample.path)] + [len(data)]
    for k in (3, 6, len(offsets) - 2):  # inside a response, a revisit, the last record
        start, end = offsets[k], offsets[k + 1]
        cut = start + max(1, int((end - start) * where))
        if cut >= end - (4 if not sample.path.name.endswith(".gz") else 0):
            cut = end - 5  # inside the record's block, not in its trailing separator
        items, exc = read_until_damage(damaged(sample.path, data[:cut]))
        assert exc is not None, (k, cut)
        assert_one_line(exc, sample.path.with_name("damaged-" + sample.path.name), start)
        check(items, sample.expect[:k], str(sample.path.with_name("damaged-" + sample.path.name)))


def test_a_record_whose_content_length_runs_past_the_end(tmp_path: Path) -> None:
    sample = write_sample(tmp_path / "crawl.warc", False)
    data = sample.path.read_bytes()
    last = record_offsets(sample.path)[-1][0]
    head, sep, rest = data[last:].partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    longer = head.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length + 5000))
    items, exc = read_until_damage(damaged(sample.path, data[:last] + longer + sep + rest))
    assert exc is not None and "cut short" in exc.reason
    assert_one_line(exc, tmp_path / "damaged-crawl.warc", last)
    check(items, sample.expect[:-1], str(tmp_path / "damaged-crawl.warc"))


def test_a_record_shorter_than_its_block_is_not_handed_out_cut(tmp_path: Path) -> None:
    # A Content-Length too small: warcio would skip the stray line and go on, the body cut short.
    sample = write_sample(tmp_path / "crawl.warc", False)
    data = sample.path.read_bytes()
    at = record_offsets(sample.path)[3][0]
    head, sep, rest = data[at:].partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    shorter = head.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length - 10))
    path = damaged(sample.path, data[:at] + shorter + sep + rest)
    items, exc = read_until_damage(path)
    assert exc is not None and "separator" in exc.reason
    assert_one_line(exc, path, at)
    check(items, sample.expect[:3], str(path))


@pytest.mark.parametrize("garbage", [b"GARBAGE GARBAGE\r\n", b"\x00" * 300, bytes(range(256)) * 3])
def test_garbage_appended_comes_after_every_record(sample: Sample, garbage: bytes) -> None:
    data = sample.path.read_bytes()
    items, exc = read_until_damage(damaged(sample.path, data + garbage))
    assert exc is not None
    assert_one_line(exc, sample.path.with_name("damaged-" + sample.path.name), len(data))
    check(items, sample.expect, str(sample.path.with_name("damaged-" + sample.path.name)))


def test_garbage_between_records_stops_there(sample: Sample) -> None:
    data = sample.path.read_bytes()
    offsets = [o for o, _ in record_offsets(sample.path)]
    at = offsets[5]
    items, exc = read_until_damage(damaged(sample.path, data[:at] + b"<html>stray bytes</html>\r\n" * 3 + data[at:]))
    assert exc is not None
    assert_one_line(exc, sample.path.with_name("damaged-" + sample.path.name), at)
    check(items, sample.expect[:5], str(sample.path.with_name("damaged-" + sample.path.name)))


def test_bytes_overwritten_inside_a_gzip_member(tmp_path: Path) -> None:
    sample = write_sample(tmp_path / "crawl.warc.gz", True)
    data = bytearray(sample.path.read_bytes())
    offsets = [o for o, _ in record_offsets(sample.path)] + [len(data)]
    k = 3  # the gzip-encoded, chunked response
    middle = (offsets[k] + offsets[k + 1]) // 2
    data[middle:middle + 40] = b"\x55" * 40
    path = damaged(sample.path, bytes(data))
    items, exc = read_until_damage(path)
    assert exc is not None and "gzip" in exc.reason
    assert_one_line(exc, path, offsets[k])
    check(items, sample.expect[:k], str(path))


def test_a_zip_with_a_bad_member_keeps_the_members_before(tmp_path: Path) -> None:
    path = tmp_path / "crawl.wacz"
    expect, counts = build_wacz(path, tmp_path)
    n1 = counts["archive/rec-1.warc.gz"]
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("archive/rec-2.warc")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10:start + 30] = b"\xff" * 20  # inside the deflated data of the second WARC
    bad = damaged(path, bytes(data))
    items, exc = read_until_damage(bad)
    assert exc is not None and "!archive/rec-2.warc" in str(exc) and "\n" not in str(exc)
    assert exc.offset == 0  # the first record of that member could not be read
    check(items[:n1], expect[:n1], f"{bad}!archive/rec-1.warc.gz")
    assert len(items) == n1


def test_a_wacz_cut_short_keeps_the_records_its_local_headers_give(tmp_path: Path) -> None:
    # The zip's directory is at its end: cut short, it has none; the stored WARCs are found by their local headers.
    path = tmp_path / "crawl.wacz"
    expect, counts = build_wacz(path, tmp_path)
    n1 = counts["archive/rec-1.warc.gz"]
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        first, second = zf.getinfo("archive/rec-1.warc.gz"), zf.getinfo("archive/rec-2.warc")
        start = first.header_offset + 30 + len(first.filename.encode()) + len(first.extra)
    member = tmp_path / "rec-1.warc.gz"
    offsets = [o for o, _ in record_offsets(member)]
    k = 6
    # Cut inside the first WARC's record k: the records before it, then damage at its offset in that WARC.
    cut = damaged(path, data[:start + offsets[k] + 20])
    items, exc = read_until_damage(cut)
    assert exc is not None and f"{cut}!archive/rec-1.warc.gz" in str(exc) and "\n" not in str(exc)
    assert exc.offset == offsets[k]
    check(items, expect[:k], f"{cut}!archive/rec-1.warc.gz")
    # Cut inside the second, deflated WARC: all of the first, then damage where the second's header is.
    cut = damaged(path, data[:second.header_offset + 60])
    items, exc = read_until_damage(cut)
    assert exc is not None and exc.path == str(cut) and exc.offset == second.header_offset
    assert "rec-2.warc" in exc.reason and "\n" not in str(exc)
    check(items, expect[:n1], f"{cut}!archive/rec-1.warc.gz")


def test_only_warc_damaged_escapes_and_no_damaged_body_is_yielded(sample: Sample) -> None:
    data = sample.path.read_bytes()
    rng = random.Random(11)
    gz = sample.path.name.endswith(".gz")
    variants = [data[:cut] for cut in range(1, len(data), max(1, len(data) // 45))]
    for _ in range(25):
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 4)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        variants.append(bytes(flipped))
    for n, variant in enumerate(variants):
        path = damaged(sample.path, variant)
        items, _exc = read_until_damage(path)  # anything but WarcDamaged fails the test here
        captured = [i.response.body for i in items if isinstance(i, Captured)]
        if n < len(variants) - 25 or gz:
            # A cut never hands out a short body; a flipped bit in a gzip member is caught by its CRC.
            assert set(captured) <= sample.bodies, n


# -- the project's own export ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["export.warc", "export.warc.gz"])
def test_the_projects_export_reads_back(page_archive, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    db, pages = page_archive
    path = tmp_path / name
    with open_archive(db, readonly=True) as archive:
        count = export_to_path(archive, "warc", path)
        stored = archive.conn.execute("SELECT url, status, body_sha256, fetched_at FROM responses ORDER BY id").fetchall()
        bodies = [archive.bodies.get(sha) if sha else b"" for _u, _s, sha, _f in stored]
    items = list(read_warc(path, on_site=lambda url: True))
    captured = [i for i in items if isinstance(i, Captured)]
    assert len(captured) == count == len(stored)
    assert [type(i) for i in items].count(Skipped) == 1 + count  # the warcinfo and one request per response
    for item, (url, status, _sha, fetched_at), body in zip(captured, stored, bodies, strict=True):
        r = item.response
        assert (r.url, r.status, r.body) == (url, status, body)
        assert r.fetched_at[:19] == fetched_at[:19]
    # The archived article pages are exactly the pages the replica served.
    by_path = {re.sub(r"^https?://[^/]+", "", i.response.url): i.response.body for i in captured}
    for page in pages:
        assert by_path[re.sub(r"^https?://[^/]+", "", page.article["url"])] == page.body


def test_a_wacz_cut_anywhere_gives_good_records_then_one_error(tmp_path: Path) -> None:
    path = tmp_path / "crawl.wacz"
    expect, _counts = build_wacz(path, tmp_path)
    bodies = {e.body for e in expect if e.kind is Captured}
    data = path.read_bytes()
    for cut in range(0, len(data), len(data) // 30):
        items, exc = read_until_damage(damaged(path, data[:cut]))  # anything but WarcDamaged fails here
        assert exc is not None and "\n" not in str(exc)
        assert {i.response.body for i in items if isinstance(i, Captured)} <= bodies
