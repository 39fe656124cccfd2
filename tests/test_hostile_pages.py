"""Hostile pages: a record or a clean ExtractError, never anything else, in bounded time.

Time bounds here are generous timeouts (pytest-timeout), not speed claims:
speed is measured by bench/extract.py.
"""

from __future__ import annotations

import html
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.errors import ExtractError
from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.record import Article
from tests.support import render

CORPUS = render.load_corpus()
SEED = CORPUS[0]
PORTAL = render.render_portal_article(SEED).encode("utf-8")
PAGES = [
    PORTAL,
    render.render_newspaper_article(CORPUS[1], clutter=True).encode("utf-8"),
    render.render_table_article(CORPUS[2], clutter=True),
]


def record_or_clean_error(body: bytes, url: str | None = SEED["url"]) -> Article | ExtractError:
    try:
        art = extract_article(body, url)
    except ExtractError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return exc
    assert isinstance(art, Article)
    art.to_json()  # serialisable, whatever the input
    return art


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "name,body",
    [
        ("empty file", b""),
        ("white space", b" \n\t\r\n"),
        ("binary", os.urandom(64 * 1024)),
        ("a PNG", b"\x89PNG\r\n\x1a\n" + os.urandom(4096)),
        ("just text", "Chỉ có chữ, không có thẻ nào.".encode()),
        ("unclosed tags", b"<html><body><div><p>Hello <b>world<div><table><tr><td><p>" * 500),
        ("no body", b"<html><head><title>Tin a - Site</title></head><h1>Tin a</h1><p>Van ban</p>"),
        ("only a comment", b"<!-- " + b"x" * 10_000),
        ("script only", b"<script>" + b"var a = '<p>';" * 10_000 + b"</script>"),
    ],
)
def test_small_hostile_pages(name: str, body: bytes) -> None:
    record_or_clean_error(body)


@pytest.mark.timeout(30)
def test_ten_megabyte_page_still_gives_the_article() -> None:
    unit = b"<li><a href='/x'>Li\xc3\xaan k\xe1\xba\xbft</a></li>"
    filler = unit * (10 * 1024 * 1024 // len(unit) + 1)
    body = PORTAL.replace(b'<div id="sidebar">', b'<div id="sidebar"><ul>' + filler + b"</ul>")
    assert len(body) > 10 * 1024 * 1024
    art = record_or_clean_error(body)
    assert isinstance(art, Article)
    assert art.title == SEED["title"]
    assert art.published_at == SEED["published_at"]


@pytest.mark.timeout(30)
def test_one_ten_megabyte_line() -> None:
    body = b"<html><body><h1>Tin</h1><p>" + b"ch\xe1\xbb\xaf " * (10 * 1024 * 1024 // 7) + b"</p></body></html>"
    assert b"\n" not in body
    art = record_or_clean_error(body)
    assert isinstance(art, Article) and art.title == "Tin"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("unit", [b"<div>", b"<div><span>", b"<section><font>", b"<table><tr><td>", b"<b><i>"])
def test_twenty_megabytes_of_nested_tags(unit: bytes) -> None:
    body = PORTAL[:2000] + unit * (20 * 1024 * 1024 // len(unit))
    record_or_clean_error(body)


@pytest.mark.timeout(60)
def test_a_hundred_thousand_elements_inside_the_content_block() -> None:
    junk = b"<div><span>ch\xe1\xbb\xaf</span></div>" * 100_000
    body = PORTAL.replace(b'<div class="news-content">', b'<div class="news-content">' + junk, 1)
    art = record_or_clean_error(body)
    assert isinstance(art, Article) and art.title == SEED["title"]


@pytest.mark.timeout(30)
def test_deep_but_balanced_nesting_around_an_article() -> None:
    depth = 50_000
    body = b"<div>" * depth + PORTAL + b"</div>" * depth
    record_or_clean_error(body)


@pytest.mark.timeout(30)
def test_wrong_charset_declared() -> None:
    lying = PORTAL.replace(b'<meta charset="utf-8">', b'<meta charset="windows-1258">')
    art = record_or_clean_error(lying, None)
    assert isinstance(art, Article) and art.title == SEED["title"]
    table = render.render_table_article(SEED).replace(b"charset=windows-1258", b"charset=utf-8")
    art = record_or_clean_error(table, None)
    assert isinstance(art, Article) and art.title == SEED["title"]


@pytest.mark.timeout(30)
def test_nul_bytes() -> None:
    body = PORTAL.replace(b"<p", b"\x00<p\x00").replace(b"Huy", b"Hu\x00y")
    art = record_or_clean_error(body)
    assert isinstance(art, Article) and "\x00" not in art.to_json()


@pytest.mark.timeout(30)
def test_selectors_lexbor_rejects_in_a_profile_do_not_crash() -> None:
    from dataclasses import replace

    from huyenkyanh_archive.site.profile import load_profile

    profile = load_profile()
    broken = replace(profile, selectors={**profile.selectors, "title": "h1[[[", "content": ":::", "date": "div.news-date >"})
    art = extract_article(PORTAL, SEED["url"], profile=broken)
    assert art.title == SEED["title"]  # from generic evidence instead


# --------------------------------------------------------------------------- property-based


def _mutate(page: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    data = bytearray(page)
    for op, a, b in ops:
        if not data:
            break
        i, j = a % len(data), b % len(data)
        if op == "truncate":
            del data[i:]
        elif op == "splice":
            other = PAGES[b % len(PAGES)]
            data[i:i] = other[j % len(other): j % len(other) + 2000]
        elif op == "delete_tag":
            start = data.find(b"<", i)
            end = data.find(b">", start)
            if start >= 0 and end > start:
                del data[start: end + 1]
        elif op == "flip":
            data[i] ^= 1 << (b % 8)
        elif op == "delete_span":
            del data[min(i, j): max(i, j)]
        elif op == "duplicate":
            data[i:i] = data[min(i, j): min(i, j) + 500]
    return bytes(data)


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["truncate", "splice", "delete_tag", "flip", "delete_span", "duplicate"]),
        st.integers(0, 1 << 20),
        st.integers(0, 1 << 20),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(page=st.sampled_from(PAGES), ops=_OPS)
def test_mutated_pages_give_a_record_or_a_clean_error(page: bytes, ops: list[tuple[str, int, int]]) -> None:
    record_or_clean_error(_mutate(page, ops))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(body=st.binary(max_size=4096))
def test_random_bytes_give_a_record_or_a_clean_error(body: bytes) -> None:
    record_or_clean_error(body, None)


_TAGS = st.sampled_from(["p", "div", "b", "i", "em", "strong", "table", "tr", "td", "h1", "img", "a", "span", "script", "br"])


@st.composite
def tag_soup(draw: st.DrawFn) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 3))
        tag = draw(_TAGS)
        if kind == 0:
            attrs = draw(st.sampled_from(["", ' align="right"', ' style="text-align: center"', ' class="news-content"', ' src="/x.jpg"']))
            parts.append(f"<{tag}{attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.text(max_size=40)))
    return "".join(parts).encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1258"])), "replace")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(body=tag_soup())
def test_random_tag_soup_gives_a_record_or_a_clean_error(body: bytes) -> None:
    record_or_clean_error(body, None)


def test_mutation_helper_really_mutates() -> None:
    rng = random.Random(7)
    ops = [("flip", rng.randrange(1 << 20), rng.randrange(8)) for _ in range(5)]
    assert _mutate(PORTAL, ops) != PORTAL


_ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "http://[::1", "http://kyanh.hatinh.gov.vn:99999999/x", "javascript:alert(1)", "//kyanh.gov.vn/kyanh/portal/read/a/news/b.html/20230203143649",
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2023-02-30", "\x00", "ht tp://x y", "data:text/html,<p>",
    ]),
)


@st.composite
def metadata_page(draw: st.DrawFn) -> bytes:
    import json

    ld: object = draw(st.one_of(
        st.just({"@type": "NewsArticle", "headline": draw(_ODD_TEXT), "datePublished": draw(_ODD_TEXT),
                 "author": draw(st.one_of(_ODD_TEXT, st.lists(st.fixed_dictionaries({"name": _ODD_TEXT}), max_size=3),
                                          st.integers(), st.none())),
                 "articleSection": draw(st.one_of(_ODD_TEXT, st.lists(_ODD_TEXT, max_size=2), st.none()))}),
        st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), _ODD_TEXT),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["@type", "@graph", "headline", "author"]), inner, max_size=3),
                     max_leaves=12),
    ))
    attr = lambda v: html.escape(v, quote=True)  # noqa: E731
    head = (
        f'<meta property="og:url" content="{attr(draw(_ODD_TEXT))}">'
        f'<link rel="canonical" href="{attr(draw(_ODD_TEXT))}"><base href="{attr(draw(_ODD_TEXT))}">'
        f'<meta property="article:published_time" content="{attr(draw(_ODD_TEXT))}">'
        f'<meta property="og:title" content="{attr(draw(_ODD_TEXT))}">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    )
    body = (
        f'<h1>{html.escape(draw(_ODD_TEXT))}</h1><p>{html.escape(draw(_ODD_TEXT))}</p>'
        f'<img src="{attr(draw(_ODD_TEXT))}"><p align="center"><i>{html.escape(draw(_ODD_TEXT))}</i></p>'
        f'<h3>Tin liên quan</h3><a href="{attr(draw(_ODD_TEXT))}">{html.escape(draw(_ODD_TEXT))}</a>'
    )
    return f"<html><head>{head}</head><body>{body}</body></html>".encode("utf-8", "surrogatepass")


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(page=metadata_page(), url=st.one_of(st.none(), _ODD_TEXT))
def test_odd_metadata_and_addresses_give_a_record_or_a_clean_error(page: bytes, url: str | None) -> None:
    record_or_clean_error(page, url)
