"""The CDX/replay protocol module: pure parsing and building, then against the loopback
replica of the Wayback Machine with plain httpx (a tiny test-only client loop)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest

from huyenkyanh_archive.crawl.sources import cdx
from huyenkyanh_archive.crawl.sources.cdx import (
    CDX_PATH,
    Capture,
    CaptureDeduper,
    CdxFormatError,
    CdxQuery,
    Failed,
    Memento,
    NearestCapture,
    NotArchived,
    RateLimited,
    cdx_digest,
    digest_matches,
    hosts_for,
    mimetype_filter,
    parse_cdx,
    parse_num_pages,
    parse_replay_url,
    rate_limit_of,
    read_replay,
    site_queries,
    surt,
)
from huyenkyanh_archive.site.profile import load_profile
from huyenkyanh_archive.site.urls import site_hosts
from tests.support.wayback import (
    HOST,
    OLD_HOST,
    FakeCapture,
    Faults,
    PortalCaptures,
    WaybackReplica,
    portal_captures,
    urlkey,
)

# The README's own JSON example: a duplicate row, then a resume key.
README_JSON = """[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],
 ["org,archive)/", "19970126045828", "http://www.archive.org:80/", "text/html", "200", "Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY", "1415"],
 ["org,archive)/", "19971011050034", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1402"],
 ["org,archive)/", "19971211122953", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1405"],
 ["org,archive)/", "19971211122953", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1405"],
 ["org,archive)/", "19980109140106", "http://archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1402"],
 [],
 ["org%2Carchive%29%2F+19980109140106%21"]]"""

README_TEXT = """org,archive)/ 19970126045828 http://www.archive.org:80/ text/html 200 Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY 1415
org,archive)/ 19971011050034 http://www.archive.org:80/ text/html 200 XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3 1402
org,archive)/ 19971211122953 http://www.archive.org:80/ text/html 200 XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3 1405
org,archive)/ 19971211122953 http://www.archive.org:80/ text/html 200 XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3 1405
org,archive)/ 19980109140106 http://archive.org:80/ text/html 200 XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3 1402

org%2Carchive%29%2F+19980109140106%21
"""


# -- urlkeys, hosts, queries --------------------------------------------------------------------


@pytest.mark.parametrize(("url", "key"), [
    ("http://www.archive.org:80/", "org,archive)/"),  # the README's two forms of one key
    ("http://archive.org/", "org,archive)/"),
    ("https://archive.org:443/about/", "org,archive)/about/"),
    ("kyanh.gov.vn", "vn,gov,kyanh)/"),
    ("www.kyanh.gov.vn/a?next=http://x.vn/", "vn,gov,kyanh)/a?next=http://x.vn/"),
    ("HTTP://WWW2.KyAnh.HaTinh.gov.vn/KyAnh/Portal/Folder/Kinh-Te?page=2&a=1",
     "vn,gov,hatinh,kyanh)/kyanh/portal/folder/kinh-te?a=1&page=2"),
    ("http://kyanh.gov.vn:8080/kyanh/portal", "vn,gov,kyanh:8080)/kyanh/portal"),
    ("http://127.0.0.1:8000/web/x", "127.0.0.1:8000)/web/x"),
])
def test_surt_is_the_urlkey_the_server_files_a_url_under(url: str, key: str) -> None:
    assert surt(url) == key


def test_surt_agrees_with_the_replicas_own_urlkeys_for_every_capture() -> None:
    # Two implementations written apart: the client's and the replica's.
    captures = portal_captures().captures
    assert {surt(c.original) for c in captures} == {urlkey(c.original) for c in captures}
    assert all(surt(c.original) == c.urlkey for c in captures)


def test_hosts_for_the_profile_asks_once_per_host_www_included_by_the_urlkey() -> None:
    hosts = hosts_for(["kyanh.hatinh.gov.vn", "www.kyanh.hatinh.gov.vn", "KyAnh.gov.vn", "www.kyanh.gov.vn"])
    assert hosts == ["kyanh.hatinh.gov.vn", "kyanh.gov.vn"]
    assert sorted(hosts_for(site_hosts(load_profile()))) == sorted([HOST, OLD_HOST])
    queries = site_queries(["www.kyanh.gov.vn", "kyanh.gov.vn"], CdxQuery(url="", limit=50))
    assert [(q.url, q.match_type, q.limit) for q in queries] == [("kyanh.gov.vn", "host", 50)]


def test_params_of_a_query_and_of_its_resumption() -> None:
    q = CdxQuery(url=HOST, filters=(*cdx.DEFAULT_FILTERS, mimetype_filter(["text/html", "application/xhtml+xml"])),
                 from_ts="2019", to_ts="20241231", limit=500)
    params = q.params()
    assert params == [
        ("url", HOST), ("matchType", "host"), ("output", "json"),
        ("fl", "urlkey,timestamp,original,mimetype,statuscode,digest,length"),
        ("filter", "!statuscode:[45].."), ("filter", r"mimetype:(text/html|application/xhtml\+xml)"),
        ("collapse", "digest"), ("from", "2019"), ("to", "20241231"), ("limit", "500"), ("showResumeKey", "true"),
    ]
    key = "vn%2Cgov%2Chatinh%2Ckyanh%29%2F+2019060103573%3A"
    # "No other params from the original query ... need to be altered": the key is added as printed.
    assert q.resumed(key).params() == [*params, ("resumeKey", key)]
    paged = dict(q.at_page(2, page_size=3).params())
    assert paged["page"] == "2" and paged["pageSize"] == "3" and "showResumeKey" not in paged and "limit" not in paged
    count = dict(q.num_pages(page_size=3).params())
    assert count["showNumPages"] == "true" and "page" not in count and "limit" not in count


@pytest.mark.parametrize("bad", [
    {"from_ts": "2019-01"}, {"to_ts": "201901011200001"}, {"page": -1}, {"page_size": 0},
    {"match_type": "subdomain"}, {"fields": ("urlkey", "digest")},
])
def test_queries_that_the_server_would_refuse_are_refused_here(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CdxQuery(url=HOST, **bad)  # type: ignore[arg-type]


# -- parsing answers ------------------------------------------------------------------------------


def test_parse_the_readme_json_example() -> None:
    page = parse_cdx(README_JSON)
    assert [r.timestamp for r in page.rows] == ["19970126045828", "19971011050034", "19971211122953", "19980109140106"]
    assert page.duplicates == 1 and page.malformed == 0
    assert page.resume_key == "org%2Carchive%29%2F+19980109140106%21"
    first = page.rows[0]
    assert first == Capture("org,archive)/", "19970126045828", "http://www.archive.org:80/", "text/html", 200,
                            "Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY", 1415)
    assert first.site_url == "http://www.archive.org/"
    assert first.captured_at == "1997-01-26T04:58:28.000000Z"


def test_parse_the_readme_text_example_gives_the_same_rows() -> None:
    assert parse_cdx(README_TEXT, json_output=False) == parse_cdx(README_JSON)


@pytest.mark.parametrize("body", ["", "  \n", "[]", "[]\n"])
def test_empty_answers_are_empty_pages(body: str) -> None:
    page = parse_cdx(body)
    assert page.rows == [] and page.resume_key is None


def test_revisits_short_rows_and_bad_values_are_counted_never_fatal() -> None:
    rows = [
        ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
        ["vn,gov,kyanh)/a", "20200101000000", "http://kyanh.gov.vn/a", "text/html", "200", "AAAA", "10"],
        ["vn,gov,kyanh)/a", "20200102000000", "http://kyanh.gov.vn/a", "warc/revisit", "-", "AAAA", "-"],
        ["vn,gov,kyanh)/b", "20200103000000", "http://kyanh.gov.vn/b", "text/html", "200"],  # short
        ["vn,gov,kyanh)/c", "2020010300000", "http://kyanh.gov.vn/c", "text/html", "200", "CCCC", "1"],  # 13 digits
        ["vn,gov,kyanh)/d", "20200001000000", "http://kyanh.gov.vn/d", "text/html", "200", "DDDD", "1"],  # month 00
        ["vn,gov,kyanh)/e", "20200104000000", "http://kyanh.gov.vn/e", "text/html", "OK", "EEEE", "1"],
        "not a row",
        ["vn,gov,kyanh)/f", "20200105000000", "http://kyanh.gov.vn/f", "text/html", "301", "FFFF", "12", "extra"],
        ["vn,gov,kyanh)/g", "20200106000000", "http://kyanh.gov.vn/g", "text/html", "302", "GGGG", "9"],
    ]
    page = parse_cdx(json.dumps(rows))
    assert [r.original.rsplit("/", 1)[1] for r in page.rows] == ["a", "a", "g"]
    assert page.malformed == 6  # b, c, d, e, the string, f
    revisit = page.rows[1]
    assert revisit.statuscode is None and revisit.length is None and revisit.is_revisit
    assert not page.rows[0].is_revisit and page.rows[2].statuscode == 302


def test_a_chosen_field_order_is_read_from_the_header_row() -> None:
    text = json.dumps([["timestamp", "original"], ["20200101000000", "http://www.kyanh.gov.vn:80/x"]])
    (row,) = parse_cdx(text).rows
    assert row.urlkey == "vn,gov,kyanh)/x" and row.statuscode is None and row.digest == ""


@pytest.mark.parametrize("body", [
    README_JSON[:200],  # cut mid-answer
    "<html><body>Service Unavailable</body></html>",
    '{"error": "No Captures found"}',
    '[["vn,gov,kyanh)/", "20200101000000", "http://kyanh.gov.vn/", "text/html", "200", "A", "1"]]',  # no header row
])
def test_an_answer_that_is_not_cdx_is_an_error_not_a_last_page(body: str) -> None:
    with pytest.raises(CdxFormatError):
        parse_cdx(body)


def test_a_resume_marker_without_a_key_is_counted_malformed() -> None:
    page = parse_cdx(json.dumps([list(cdx.DEFAULT_FIELDS), [], [1, 2]]))
    assert page.resume_key is None and page.malformed == 1


@pytest.mark.parametrize(("text", "pages"), [("3\n", 3), ("0", 0), ('{"blocks": 4}', 4)])
def test_num_pages(text: str, pages: int) -> None:
    assert parse_num_pages(text) == pages


@pytest.mark.parametrize("text", ["", "three", "-1", "[]", "true"])
def test_num_pages_refuses_what_is_not_a_count(text: str) -> None:
    with pytest.raises(CdxFormatError):
        parse_num_pages(text)


# -- captures, digests, dedupe ---------------------------------------------------------------


def test_replay_url_keeps_the_original_readable_and_encodes_only_what_cannot_travel() -> None:
    cap = Capture("k", "20200102030405", "http://kyanh.gov.vn/kyanh/portal/folder/tin tức?page=2&x=%20y#top")
    url = cap.replay_url("https://web.archive.org/")
    assert url == ("https://web.archive.org/web/20200102030405id_/"
                   "http://kyanh.gov.vn/kyanh/portal/folder/tin%20t%E1%BB%A9c?page=2&x=%20y%23top")
    target = parse_replay_url(url)
    assert target is not None and (target.timestamp, target.flags) == ("20200102030405", "id_")
    assert parse_replay_url("/web/2019/http%3A//kyanh.gov.vn/a?b=1") == cdx.ReplayTarget("2019", "", "http://kyanh.gov.vn/a?b=1")
    assert parse_replay_url("http://x/web/20190101000000im_/http:/kyanh.gov.vn/i.jpg") == \
        cdx.ReplayTarget("20190101000000", "im_", "http://kyanh.gov.vn/i.jpg")
    assert parse_replay_url("https://web.archive.org/cdx/search/cdx?url=x") is None


def test_site_url_drops_only_default_ports() -> None:
    assert Capture("k", "20200101000000", "https://www.kyanh.gov.vn:443/a").site_url == "https://www.kyanh.gov.vn/a"
    assert Capture("k", "20200101000000", "http://kyanh.gov.vn:8080/a").site_url == "http://kyanh.gov.vn:8080/a"
    assert Capture("k", "20200101000000", "http://kyanh.gov.vn:80").site_url == "http://kyanh.gov.vn"


def test_digests() -> None:
    body = b"<html>Ky Anh</html>"
    digest = cdx_digest(body)
    assert re.fullmatch(r"[A-Z2-7]{32}", digest)
    assert digest_matches(body, digest) and digest_matches(body, "sha1:" + digest) and digest_matches(body, digest.lower())
    import hashlib
    assert digest_matches(body, hashlib.sha1(body).hexdigest())
    assert not digest_matches(body + b" ", digest)
    assert not digest_matches(body, "") and not digest_matches(body, "not-base32!")


def test_deduper_drops_what_collapse_cannot() -> None:
    a1 = Capture("k)/a", "20200101000000", "http://k/a", digest="AAAA")
    b = Capture("k)/a", "20200201000000", "http://k/a", digest="BBBB")
    a2 = Capture("k)/a", "20200301000000", "http://k/a", digest="AAAA")  # not adjacent: collapse keeps it
    other = Capture("k)/b", "20200101000000", "http://k/b", digest="AAAA")  # another address: its own capture
    deduper = CaptureDeduper()
    assert list(deduper.new([a1, b, a2])) == [a1, b]
    assert list(deduper.new([a2, other])) == [other]  # the next page starts afresh on the server, not here
    assert deduper.dropped == 2
    assert list(CaptureDeduper(deduper.seen).new([a1, b, other])) == []  # an incremental rerun


# -- replay answers, pure ---------------------------------------------------------------------

WAYBACK_OWN = [  # what the archive adds around a memento (from edgi's recorded id_ answer)
    ("Server", "nginx"), ("Date", "Mon, 25 Sep 2023 19:20:58 GMT"), ("Content-Encoding", "gzip"),
    ("Transfer-Encoding", "chunked"), ("x-archive-src", "crawl/x.warc.gz"),
    ("link", '<http://kyanh.gov.vn/a>; rel="original"'), ("memento-datetime", "Fri, 24 Nov 2017 15:13:15 GMT"),
    ("Permissions-Policy", "interest-cohort=()"), ("cache-control", "max-age=1800"),
]
CAP = Capture("vn,gov,kyanh)/a", "20171124151315", "http://www.kyanh.gov.vn:80/a", "text/html", 200,
              cdx_digest(b"<html>a</html>"), 1000)


def test_a_memento_gives_the_sites_response_with_the_sites_headers() -> None:
    headers = [("Content-Type", "text/html; charset=utf-8"), ("x-archive-orig-server", "Microsoft-IIS/8.5"),
               ("x-archive-orig-date", "Fri, 24 Nov 2017 15:13:14 GMT"), *WAYBACK_OWN]
    result = read_replay(CAP, 200, headers, b"<html>a</html>", "https://web.archive.org")
    assert isinstance(result, Memento) and result.digest_ok
    r = result.response
    assert r.url == "http://www.kyanh.gov.vn/a" and r.status == 200 and r.body == b"<html>a</html>"
    assert r.headers == [("Content-Type", "text/html; charset=utf-8"), ("server", "Microsoft-IIS/8.5"),
                         ("date", "Fri, 24 Nov 2017 15:13:14 GMT")]
    assert r.fetched_at == "2017-11-24T15:13:15.000000Z"
    p = r.provenance
    assert (p.source, p.captured_at, p.digest) == ("wayback", "2017-11-24T15:13:15.000000Z", CAP.digest)
    assert p.archive_url == "https://web.archive.org/web/20171124151315id_/http://www.kyanh.gov.vn:80/a"


def test_a_memento_whose_bytes_are_not_the_listed_digest_says_so() -> None:
    result = read_replay(CAP, 200, [("Memento-Datetime", "Fri, 24 Nov 2017 15:13:15 GMT")], b"other", "http://a")
    assert isinstance(result, Memento) and not result.digest_ok


def test_an_archived_redirect_replays_with_its_status_and_the_sites_location() -> None:
    headers = [("Location", "https://web.archive.org/web/20171124151315id_/http://kyanh.hatinh.gov.vn/kyanh/portal"),
               ("Memento-Datetime", "Fri, 24 Nov 2017 15:13:15 GMT"), ("Content-Type", "text/html")]
    result = read_replay(CAP, 301, headers, b"", "https://web.archive.org")
    assert isinstance(result, Memento) and result.response.status == 301
    assert result.response.header("location") == "http://kyanh.hatinh.gov.vn/kyanh/portal"
    # An original Location the archive kept is the site's own, relative or not.
    kept = read_replay(CAP, 302, [*headers, ("X-Archive-Orig-Location", "/kyanh/portal")], b"", "https://web.archive.org")
    assert isinstance(kept, Memento) and kept.response.header("location") == "/kyanh/portal"


def test_the_archives_own_answers() -> None:
    base = "https://web.archive.org"
    nearest = read_replay(CAP, 302, [("Location", "/web/20171201000000id_/https://kyanh.gov.vn/a"),
                                     ("x-archive-redirect-reason", "found capture at 20171201000000")], b"", base)
    assert nearest == NearestCapture("https://web.archive.org/web/20171201000000id_/https://kyanh.gov.vn/a",
                                     "20171201000000", "https://kyanh.gov.vn/a")
    assert read_replay(CAP, 404, [("Content-Type", "text/html")], b"<p>Hrm.</p>", base) == NotArchived()
    limited = read_replay(CAP, 429, [], b"", base)
    assert limited == RateLimited(429, None) and isinstance(limited, RateLimited)
    assert limited.wait == cdx.RATE_LIMIT_WAIT == 60.0  # IA sends no Retry-After on 429
    assert read_replay(CAP, 429, [("Retry-After", "7")], b"", base) == RateLimited(429, 7.0)
    dated = read_replay(CAP, 503, [("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT")], b"", base,
                        now=time.mktime((2026, 1, 1, 0, 0, 0, 0, 0, 0)) - time.timezone)
    assert isinstance(dated, RateLimited) and 30 <= (dated.retry_after or 0) <= 32
    assert read_replay(CAP, 502, [], b"", base) == Failed("HTTP 502 from the archive", True)
    blocked = read_replay(CAP, 403, [("X-Archive-Wayback-Runtime-Error", "RobotAccessControlException: Blocked By Robots")], b"", base)
    assert isinstance(blocked, Failed) and not blocked.retryable and "Robots" in blocked.reason
    assert isinstance(read_replay(CAP, 200, [("Content-Type", "text/html")], b"<html>", base), Failed)
    assert isinstance(read_replay(CAP, 302, [], b"", base), Failed)  # a redirect to nowhere


def test_an_archived_error_is_a_memento_not_the_archive_refusing() -> None:
    dated = [("Memento-Datetime", "Fri, 24 Nov 2017 15:13:15 GMT")]
    for status in (404, 503):
        result = read_replay(CAP, status, dated, b"<html>error</html>", "http://a")
        assert isinstance(result, Memento) and result.response.status == status
    assert rate_limit_of(503, []) == RateLimited(503, None) and rate_limit_of(200, []) is None


def test_the_default_pace_is_gentler_than_the_archive_asks() -> None:
    # About 60 CDX requests a minute is IA's limit (edgi's defaults: 80 % of it); mementos 8/s at most.
    assert 60 / cdx.CDX_INTERVAL <= 24
    assert 1 / cdx.REPLAY_INTERVAL <= 8 * 0.5


# -- against the replica, with plain httpx -------------------------------------------------------


@dataclass
class Listing:
    captures: list[Capture] = field(default_factory=list)  # after (urlkey, digest) dedupe
    pages: int = 0
    raw_rows: int = 0
    limited: list[RateLimited] = field(default_factory=list)
    gzip_answers: int = 0


def get(client: httpx.Client, url: str, params: list[tuple[str, str]] | None, listing: Listing) -> httpx.Response:
    """One request, retried on 429/503 as the module says (waits shortened: loopback)."""
    for _ in range(40):
        r = client.get(url + (f"?{urlencode(params)}" if params else ""))
        limited = rate_limit_of(r.status_code, list(r.headers.multi_items()))
        if limited is None:
            return r
        listing.limited.append(limited)
        time.sleep(min(limited.wait, 0.005))
    raise AssertionError(f"{url}: still refused after 40 tries")


def list_captures(client: httpx.Client, base: str, queries: list[CdxQuery], *, max_requests: int = 60) -> Listing:
    """The tiny client loop: every query, paged with resume keys until no key comes back."""
    listing = Listing()
    deduper = CaptureDeduper()
    for query in queries:
        q: CdxQuery | None = query
        while q is not None:
            assert listing.pages < max_requests, "paging does not end"
            r = get(client, base + CDX_PATH, q.params(), listing)
            assert r.status_code == 200, r.text
            listing.gzip_answers += r.headers.get("content-encoding") == "gzip"
            page = parse_cdx(r.text, json_output=q.json_output)
            assert page.malformed == 0
            listing.pages += 1
            listing.raw_rows += len(page.rows)
            listing.captures += deduper.new(page.rows)
            q = q.resumed(page.resume_key) if page.resume_key else None
    return listing


def expected_listing(pc: PortalCaptures) -> set[tuple[str, str]]:
    """What the default filter keeps, computed from the capture set itself: 2xx/3xx and revisits."""
    return {(c.urlkey, c.digest) for c in pc.captures if c.revisit or c.status < 400}


@pytest.fixture(scope="module")
def portal() -> PortalCaptures:
    return portal_captures()


@pytest.fixture()
def client():  # type: ignore[no-untyped-def]
    with httpx.Client(trust_env=False, timeout=5.0) as c:
        yield c


def test_every_capture_is_listed_once_across_resume_key_pages(portal: PortalCaptures, client: httpx.Client) -> None:
    with WaybackReplica(portal.captures) as rep:
        queries = site_queries(site_hosts(load_profile()), CdxQuery(url="", limit=7))
        listing = list_captures(client, rep.base_url, queries)
        cdx_requests = rep.requests("cdx")
    got = [(c.urlkey, c.digest) for c in listing.captures]
    assert len(got) == len(set(got))
    assert set(got) == expected_listing(portal)
    assert listing.pages >= 3 + 1 and len(cdx_requests) == listing.pages  # ≥ 3 pages of the new host, 1+ of the old
    assert listing.raw_rows > len(got)  # the server's collapse is adjacent-only and per request: we dedupe too
    resumed = [e for e in cdx_requests if "resumeKey" in parse_qs(urlsplit(e.path).query)]
    assert len(resumed) == listing.pages - len(queries)  # every page but each query's first
    assert listing.gzip_answers == listing.pages  # answers came gzip-encoded, and were read
    # Every article has its distinct contents listed, the reverted edit's repeat dropped.
    for aid in portal.article_captures:
        listed = {c.digest for c in listing.captures if aid in c.original and c.statuscode == 200}
        assert listed == {cdx_digest(b) for b in portal.versions[aid]}, aid
    errors = {(c.urlkey, c.digest) for c in portal.errors}
    assert not errors & set(got)  # 404 captures are not even listed
    assert {(c.urlkey, c.digest) for c in portal.soft_404s} <= set(got)  # soft 404s are 200s: listed, told apart later


def test_page_paging_lists_the_same_captures(portal: PortalCaptures, client: httpx.Client) -> None:
    with WaybackReplica(portal.captures, block_lines=4, page_size=50) as rep:
        listing = Listing()
        deduper = CaptureDeduper()
        for query in site_queries([HOST, OLD_HOST]):
            r = get(client, rep.base_url + CDX_PATH, query.num_pages(page_size=2).params(), listing)
            pages = parse_num_pages(r.text)
            if query.url == HOST:
                assert pages >= 3
            for n in range(pages + 1):
                r = get(client, rep.base_url + CDX_PATH, query.at_page(n, page_size=2).params(), listing)
                page = parse_cdx(r.text)
                if n == pages:
                    assert page.rows == [] and r.text == ""  # past the last page: an empty body
                listing.captures += deduper.new(page.rows)
    assert {(c.urlkey, c.digest) for c in listing.captures} == expected_listing(portal)


def test_text_output_lists_what_json_output_lists(portal: PortalCaptures, client: httpx.Client) -> None:
    with WaybackReplica(portal.captures) as rep:
        as_json = list_captures(client, rep.base_url, [CdxQuery(url=HOST, limit=9)])
        as_text = list_captures(client, rep.base_url, [CdxQuery(url=HOST, limit=9, json_output=False)])
    assert as_text.captures == as_json.captures and as_text.pages == as_json.pages


def test_a_narrow_query_exact_and_prefix_with_a_date_range(portal: PortalCaptures, client: httpx.Client) -> None:
    aid, caps = next((a, c) for a, c in portal.article_captures.items() if len(c) == 3 and OLD_HOST in c[0].original)
    with WaybackReplica(portal.captures) as rep:
        exact = list_captures(client, rep.base_url, [CdxQuery(url=caps[1].original, match_type="exact", collapse=())])
        prefix = list_captures(client, rep.base_url, [CdxQuery(
            url=f"{HOST}/kyanh/portal/folder/", match_type="prefix", filters=(), collapse=(),
            from_ts=min(c.timestamp for c in portal.listings)[:8], to_ts=max(c.timestamp for c in portal.listings)[:8])])
    # The old host's capture has another urlkey; the https and http ones of the new host share one.
    assert [c.timestamp for c in exact.captures] == [c.timestamp for c in caps[1:]]
    assert {(c.urlkey, c.digest) for c in prefix.captures} == {(c.urlkey, c.digest) for c in portal.listings}
    assert len(prefix.captures) < len(portal.listings)  # one listing page was captured twice unchanged


def replay(client: httpx.Client, base: str, cap: Capture, listing: Listing) -> cdx.Replayed:
    r = get(client, cap.replay_url(base), None, listing)
    return read_replay(cap, r.status_code, list(r.headers.multi_items()), r.content, base)


def test_replays_restore_the_sites_responses(portal: PortalCaptures, client: httpx.Client) -> None:
    by_key = {(c.urlkey, c.timestamp): c for c in portal.captures}
    with WaybackReplica(portal.captures) as rep:
        base = rep.base_url
        listing = list_captures(client, base, site_queries([HOST, OLD_HOST]))
        for cap in listing.captures:
            fake = by_key[(cap.urlkey, cap.timestamp)]
            result = replay(client, base, cap, listing)
            assert isinstance(result, Memento), (cap, result)
            r = result.response
            assert result.digest_ok and r.body == fake.body
            assert r.status == fake.status  # a revisit replays its original's 200
            assert r.url == cap.site_url and urlsplit(r.url).port is None
            assert r.fetched_at == cap.captured_at and r.provenance.archive_url == cap.replay_url(base)
            assert r.header("server") == "Microsoft-IIS/8.5" and r.header("x-powered-by") == "web2py"
            assert r.header("content-type") == dict(fake.headers)["Content-Type"]
            assert not [k for k, _v in r.headers if k.lower().startswith(("x-archive", "memento", "link"))]
            assert r.header("content-encoding") is None  # the archive's gzip on the wire is not the site's
            if fake.location:
                assert r.header("location") == urljoin(fake.original, fake.location)
        assert len(rep.requests("replay")) == len(listing.captures)


def test_the_nearest_capture_redirect(portal: PortalCaptures, client: httpx.Client) -> None:
    aid, caps = next((a, c) for a, c in portal.article_captures.items() if c[0].original.startswith("https://www."))
    first = caps[0]
    with WaybackReplica(portal.captures) as rep:
        base, listing = rep.base_url, Listing()
        # A second off the capture, under the http form of the address (the same urlkey).
        later = datetime.strptime(first.timestamp, "%Y%m%d%H%M%S") + timedelta(seconds=1)
        moved = Capture(first.urlkey, later.strftime("%Y%m%d%H%M%S"), f"http://{HOST}" + urlsplit(first.original).path)
        result = replay(client, base, moved, listing)
        assert isinstance(result, NearestCapture)
        assert (result.timestamp, result.original) == (first.timestamp, first.original)  # another scheme and www.
        followed = Capture(first.urlkey, result.timestamp, result.original, digest=first.digest)
        again = replay(client, base, followed, listing)
        assert isinstance(again, Memento) and again.digest_ok and again.response.url == first.original
        # The exact time under another form of the address is served directly.
        same_time = replay(client, base, Capture(first.urlkey, first.timestamp, moved.original, digest=first.digest), listing)
        assert isinstance(same_time, Memento) and same_time.response.body == first.body


def test_not_archived_and_archived_errors(portal: PortalCaptures, client: httpx.Client) -> None:
    with WaybackReplica(portal.captures) as rep:
        base, listing = rep.base_url, Listing()
        nothing = Capture("x", "20200101000000", f"http://{HOST}/kyanh/portal/never-captured.html")
        assert isinstance(replay(client, base, nothing, listing), NotArchived)
        error = portal.errors[0]
        result = replay(client, base, Capture(error.urlkey, error.timestamp, error.original, digest=error.digest), listing)
        assert isinstance(result, Memento) and result.response.status == 404 and result.digest_ok


def test_through_injected_503s_and_429s_everything_arrives(portal: PortalCaptures, client: httpx.Client) -> None:
    faults = Faults(rate_503=0.15, rate_429=0.1, rate_429_retry_after=0.1, retry_after="0")
    with WaybackReplica(portal.captures, faults=faults, seed=3) as rep:
        base = rep.base_url
        listing = list_captures(client, base, site_queries([HOST, OLD_HOST], CdxQuery(url="", limit=10)))
        for cap in listing.captures[:25]:
            result = replay(client, base, cap, listing)
            assert isinstance(result, Memento) and result.digest_ok
        faulted = [e for e in rep.requests() if e.fault]
    assert {(c.urlkey, c.digest) for c in listing.captures} == expected_listing(portal)
    assert {f.fault for f in faulted} == {"503", "429", "429+retry-after"}
    assert len(listing.limited) == len(faulted)
    assert RateLimited(429, None) in listing.limited and RateLimited(429, 0.0) in listing.limited
    assert RateLimited(503, None) in listing.limited


def test_the_replica_serves_what_the_readme_documents(portal: PortalCaptures, client: httpx.Client) -> None:
    """Checks of the replica itself, so the client tests above stand on a faithful server."""
    with WaybackReplica(portal.captures, per_page_limit=5) as rep:
        cdx_url = rep.base_url + CDX_PATH
        # url=x/* means prefix; url=*.x means domain; text output has no header.
        star = client.get(cdx_url, params={"url": f"{HOST}/kyanh/portal/folder/*", "limit": "100"}).text.splitlines()
        assert star and all(" http://" + HOST + "/kyanh/portal/folder/" in line for line in star)
        assert len(star) == 5  # the server-wide maximum
        first = client.get(cdx_url, params={"url": "*.gov.vn", "output": "json", "fl": "original", "limit": "1"}).json()
        last = client.get(cdx_url, params={"url": "*.gov.vn", "output": "json", "fl": "original", "limit": "-1"}).json()
        assert first[0] == ["original"] and urlsplit(first[1][0]).hostname.endswith(HOST)  # type: ignore[union-attr]
        assert urlsplit(last[1][0]).hostname.endswith(OLD_HOST)  # type: ignore[union-attr]
        # filter: whole-field match, negation, contains.
        only_302 = client.get(cdx_url, params=[("url", HOST), ("matchType", "host"), ("filter", "statuscode:30.")]).text
        assert {line.split()[4] for line in only_302.splitlines()} == {"301", "302"}
        assert client.get(cdx_url, params=[("url", HOST), ("matchType", "host"), ("filter", "statuscode:3")]).text == ""
        images = client.get(cdx_url, params=[("url", HOST), ("matchType", "host"), ("filter", "~original:images"),
                                             ("filter", "!mimetype:text/html")]).text.splitlines()
        assert len(images) == len(portal.images)
        # limit=-N: the last N; from/to padded.
        last = client.get(cdx_url, params={"url": HOST, "matchType": "host", "limit": "-1"}).text.split()
        assert last[1] == max((c.urlkey, c.timestamp) for c in portal.captures if c.urlkey.startswith("vn,gov,hatinh,kyanh)"))[1]
        year = client.get(cdx_url, params={"url": HOST, "matchType": "host", "from": "2019", "to": "2019"}).text
        assert year and all(line.split()[1].startswith("2019") for line in year.splitlines())
        # A bad request is a 400, as the server gives it.
        assert client.get(cdx_url, params={"url": HOST, "fl": "urlkey,nosuchfield"}).status_code == 400
        plain = client.get(cdx_url, params={"url": HOST, "gzip": "false"}, headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in plain.headers
        # An archived redirect carries its own status and a Location on the archive.
        redirect = next(c for c in portal.redirects if c.status == 301)
        r = client.get(f"{rep.base_url}/web/{redirect.timestamp}id_/{redirect.original}")
        assert r.status_code == 301 and "memento-datetime" in r.headers
        assert r.headers["location"] == f"{rep.base_url}/web/{redirect.timestamp}id_/http://{HOST}{redirect.location}"
        # Not id_: the rewritten view, not the captured bytes.
        home = portal.home[-1]
        viewed = client.get(f"{rep.base_url}/web/{home.timestamp}/{home.original}").content
        assert viewed != home.body and b"WAYBACK TOOLBAR" in viewed


def test_capture_set_is_what_the_issue_asks_for(portal: PortalCaptures) -> None:
    hosts = {urlsplit(c.original).hostname for caps in portal.article_captures.values() for c in caps}
    assert hosts == {HOST, OLD_HOST, "www." + HOST}
    counts = [len(c) for c in portal.article_captures.values()]
    assert min(counts) == 1 and max(counts) == 3
    assert any(len(set(v)) == 1 and len(c) > 1 for v, c in (
        ([x.body for x in caps], caps) for caps in portal.article_captures.values()))  # identical captures
    assert any(len(v) > 1 for v in portal.versions.values())  # edited
    assert portal.listings and portal.robots and portal.images and portal.soft_404s and portal.errors
    assert {c.status for c in portal.redirects} == {301, 302}
    assert any(c.revisit for c in portal.captures) and any(c.listed_twice for c in portal.captures)
    assert all(isinstance(c, FakeCapture) for c in portal.non_articles)
    keys = [(c.urlkey, c.timestamp) for c in portal.captures]
    assert len(keys) == len(set(keys))
