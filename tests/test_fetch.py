"""The polite fetcher against the loopback replica: manners, retries, caps, the site boundary."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from huyenkyanh_archive.crawl.fetch import (
    DisallowedError,
    Fetcher,
    FetchEvent,
    FetchOptions,
    OffSiteError,
    RetriesExhaustedError,
    TooLargeError,
    parse_retry_after,
)
from huyenkyanh_archive.errors import FetchError
from huyenkyanh_archive.site.profile import load_profile
from tests.support.render import article_path, load_corpus
from tests.support.replica import Faults, Replica

CORPUS = load_corpus()
PATH = article_path(CORPUS[0])


@pytest.fixture
def replica() -> Iterator[Replica]:
    with Replica(CORPUS) as rep:
        yield rep


def make_fetcher(replica: Replica, events: list[FetchEvent] | None = None, **changes: object) -> Fetcher:
    options = replace(
        FetchOptions(delay=0.0, retries=4, backoff_base=0.01, backoff_max=0.05, read_timeout=1.0, connect_timeout=1.0),
        **changes,
    )
    profile = load_profile().with_base_url(replica.base_url)
    return Fetcher.for_profile(profile, options, on_event=events.append if events is not None else None, seed=1)


def test_user_agent_names_tool_and_contact(replica: Replica) -> None:
    with make_fetcher(replica) as f:
        f.get(replica.base_url + PATH)
    ua = replica.log[-1].headers["user-agent"]
    assert ua.startswith("kyanh-archive/") and "contact" in ua


def test_body_and_validators(replica: Replica) -> None:
    with make_fetcher(replica) as f:
        res = f.get(replica.base_url + PATH)
        assert res.status == 200
        assert res.body == replica.page_bytes(Replica.article_id(CORPUS[0]))
        again = f.get(replica.base_url + PATH, etag=res.header("etag"), last_modified=res.header("last-modified"))
    assert again.status == 304 and again.not_modified and again.body == b""
    assert replica.log[-1].headers["if-none-match"] == res.header("etag")


def test_delay_between_requests_is_never_undercut(replica: Replica) -> None:
    with make_fetcher(replica, delay=0.15, concurrency=3) as f:
        threads = [threading.Thread(target=f.get, args=(replica.base_url + PATH,)) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    times = sorted(e.t for e in replica.log)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 5
    # Server-side timestamps are taken when a handler thread runs; on a loaded
    # machine that thread can start late, so allow scheduling jitter.
    assert min(gaps) >= 0.15 - 0.03


def test_retry_after_seconds_obeyed_from_server_timestamps(replica: Replica) -> None:
    replica.faults = Faults(rate_429=1.0, retry_after="1", max_per_path=1, spare=lambda p: False)
    events: list[FetchEvent] = []
    with make_fetcher(replica, events) as f:
        res = f.get(replica.base_url + PATH)
    assert res.status == 200
    first, second = replica.log[0], replica.log[1]
    assert first.status == 429
    assert second.t - first.t >= 1.0
    assert [e.reason for e in events] == ["HTTP 429"]


def test_retry_after_http_date() -> None:
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 29 <= parse_retry_after(date, now) <= 32  # type: ignore[operator]
    assert parse_retry_after("120") == 120
    assert parse_retry_after("soon") is None
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now) == 0


def test_too_long_retry_after_fails_instead_of_undercutting(replica: Replica) -> None:
    replica.faults = Faults(rate_429=1.0, retry_after="3600", max_per_path=5, spare=lambda p: False)
    with make_fetcher(replica, max_retry_after=5) as f, pytest.raises(RetriesExhaustedError, match="wait 3600s"):
        f.get(replica.base_url + PATH)
    assert len(replica.log) == 1


@pytest.mark.parametrize("fault", ["error_rate", "truncate_rate", "reset_rate"])
def test_transient_faults_are_retried_until_whole(replica: Replica, fault: str) -> None:
    replica.faults = Faults(**{fault: 1.0}, max_per_path=2, spare=lambda p: False)
    events: list[FetchEvent] = []
    with make_fetcher(replica, events) as f:
        res = f.get(replica.base_url + PATH)
    assert res.status == 200
    assert res.body == replica.page_bytes(Replica.article_id(CORPUS[0]))
    assert len(replica.log) == 3 and len(events) == 2 and f.retries == 2


def test_truncated_body_is_never_returned(replica: Replica) -> None:
    replica.faults = Faults(truncate_rate=1.0, max_per_path=100, spare=lambda p: False)
    with make_fetcher(replica, retries=2) as f, pytest.raises(RetriesExhaustedError, match="incomplete|Protocol"):
        f.get(replica.base_url + PATH)
    assert [e.fault for e in replica.log] == ["truncate"] * 3


def test_stall_past_read_timeout_is_retried(replica: Replica) -> None:
    replica.faults = Faults(stall_rate=1.0, stall_seconds=1.5, max_per_path=1, spare=lambda p: False)
    events: list[FetchEvent] = []
    with make_fetcher(replica, events, read_timeout=0.3) as f:
        res = f.get(replica.base_url + PATH)
    assert res.status == 200
    assert "timeout" in events[0].reason.lower()


def test_gzip_pages_are_decoded(replica: Replica) -> None:
    replica.gzip_pages = True
    with make_fetcher(replica) as f:
        res = f.get(replica.base_url + PATH)
    assert res.header("content-encoding") == "gzip"
    assert res.body == replica.page_bytes(Replica.article_id(CORPUS[0]))


def test_gzip_bomb_stops_at_the_cap(replica: Replica) -> None:
    replica.faults = Faults(gzip_bomb={"/bomb"}, bomb_size=64 * 1024 * 1024)
    with make_fetcher(replica, max_body=1024 * 1024) as f, pytest.raises(TooLargeError):
        f.get(replica.base_url + "/bomb")


def test_body_cap_on_plain_bodies(replica: Replica) -> None:
    with make_fetcher(replica, max_body=1000) as f, pytest.raises(TooLargeError):
        f.get(replica.base_url + PATH)


def test_redirect_loop_refused(replica: Replica) -> None:
    replica.faults = Faults(redirect_loop={PATH})
    with make_fetcher(replica) as f, pytest.raises(FetchError, match="loop"):
        f.get(replica.base_url + PATH)
    assert len(replica.log) <= 3


def test_offsite_redirect_refused(replica: Replica) -> None:
    replica.faults = Faults(offsite_redirect={PATH})
    with make_fetcher(replica) as f, pytest.raises(OffSiteError):
        f.get(replica.base_url + PATH)
    assert len(replica.log) == 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/kyanh/portal",
        "http://10.0.0.1/kyanh/portal",
        "http://169.254.169.254/latest/meta-data",
        "ftp://kyanh.hatinh.gov.vn/x",
    ],
)
def test_never_leaves_the_site(replica: Replica, url: str) -> None:
    with make_fetcher(replica) as f, pytest.raises(OffSiteError):
        f.get(url)
    assert replica.log == []


def test_other_port_on_the_replica_host_is_off_site(replica: Replica) -> None:
    with make_fetcher(replica) as f:
        port = int(replica.base_url.rsplit(":", 1)[1])
        assert not f.on_site(f"http://127.0.0.1:{port + 1}/x")
        assert f.on_site(f"{replica.base_url}/x")


def test_site_aliases_are_fetched_from_the_base_address(replica: Replica) -> None:
    profile = load_profile()
    site_host = "kyanh.hatinh.gov.vn"
    fetch_profile = replace(profile.with_base_url(replica.base_url), host_aliases=(*profile.host_aliases, site_host))
    with Fetcher.for_profile(fetch_profile, FetchOptions(delay=0)) as f:
        res = f.get(f"https://www.{site_host}{PATH}")
    assert res.status == 200 and replica.log[-1].path == PATH


def test_robots_disallow(replica: Replica) -> None:
    replica.robots = "User-agent: *\nDisallow: /kyanh/portal/read/\n"
    with make_fetcher(replica) as f:
        f.load_robots()
        assert not f.allowed(replica.base_url + PATH)
        with pytest.raises(DisallowedError):
            f.get(replica.base_url + PATH)
        assert f.get(replica.base_url + "/kyanh/portal/folder/kinh-te").status == 200
    assert [e.path for e in replica.log] == ["/robots.txt", "/kyanh/portal/folder/kinh-te"]


def test_robots_crawl_delay_raises_the_delay(replica: Replica) -> None:
    replica.robots = "User-agent: kyanh-archive\nCrawl-delay: 1\n"
    with make_fetcher(replica, delay=0.0) as f:
        f.load_robots()
        f.get(replica.base_url + PATH)
        f.get(replica.base_url + PATH)
    assert replica.log[2].t - replica.log[1].t >= 0.99


def test_missing_robots_allows_everything(replica: Replica) -> None:
    replica.robots = ""
    with make_fetcher(replica) as f:
        f.load_robots()
        assert f.allowed(replica.base_url + PATH)
