"""Article identity from addresses: one article however it is linked."""

from __future__ import annotations

import pytest

from huyenkyanh_archive.crawl.discover import read_page
from huyenkyanh_archive.site.site import load_site
from huyenkyanh_archive.site.profile import load_profile
from huyenkyanh_archive.site.urls import is_private_address, parse_article_url, strip_tracking

PATH = "/kyanh/portal/read/tin-tuc-khac/news/huyen-ky-anh-trien-khai.html/20230203143649"
CANONICAL = "http://kyanh.hatinh.gov.vn" + PATH


@pytest.mark.parametrize(
    "url",
    [
        CANONICAL,
        "https://kyanh.hatinh.gov.vn" + PATH,
        "http://www.kyanh.hatinh.gov.vn" + PATH,
        "http://kyanh.gov.vn" + PATH,  # the portal's earlier host
        "http://KYANH.hatinh.gov.vn" + PATH + "/",
        strip_tracking(CANONICAL + "?utm_source=zalo&utm_medium=social&fbclid=abc"),
        strip_tracking(CANONICAL + "/?gidzl=xyz"),
    ],
)
def test_variants_are_one_article(url: str) -> None:
    ref = parse_article_url(url, load_profile())
    assert ref is not None and ref.article_id == "20230203143649"
    assert ref.url == CANONICAL


def test_another_folder_same_id_is_the_same_article() -> None:
    other = parse_article_url(CANONICAL.replace("/tin-tuc-khac/", "/kinh-te/"), load_profile())
    assert other is not None and other.article_id == "20230203143649" and other.folder == "kinh-te"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com" + PATH,
        "http://kyanh.hatinh.gov.vn.evil.com" + PATH,
        "http://kyanh.hatinh.gov.vn/kyanh/portal/folder/kinh-te",
        "http://kyanh.hatinh.gov.vn/kyanh/portal/read/a/news/x.html/123",  # not a 14-digit id
        "file:///kyanh/portal/read/a/news/x.html/20230203143649",
    ],
)
def test_not_an_article_of_this_site(url: str) -> None:
    assert parse_article_url(url, load_profile()) is None


def test_newer_software_addresses() -> None:
    ref = parse_article_url("http://kyanh.hatinh.gov.vn/vi/tin-tuc/tin-bai/12345/ten-bai", load_profile())
    assert ref is not None and ref.article_id == "12345"


def test_tracking_parameters_removed_others_kept() -> None:
    assert strip_tracking("http://h/p?id=3&utm_campaign=x&fbclid=y") == "http://h/p?id=3"


def test_private_addresses() -> None:
    assert is_private_address("http://10.1.2.3/x") and is_private_address("http://127.0.0.1:8080/x")
    assert not is_private_address("http://kyanh.hatinh.gov.vn/x")


def test_listing_with_variant_links_gives_each_article_once() -> None:
    html = f"""<div class="news-item"><h3 class="news-item-title"><a href="{PATH}">A</a></h3>(09:33 03/02/2023)</div>
    <div class="news-item"><h3 class="news-item-title"><a href="https://www.kyanh.hatinh.gov.vn{PATH}/?utm_source=x">A again</a></h3></div>
    <div class="news-item"><h3 class="news-item-title"><a href="http://example.com{PATH}">off-site</a></h3></div>
    <div class="pager"><a href="/kyanh/portal/folder/kinh-te/2.html" class="next">Sau »</a></div>"""
    listing = read_page(html.encode(), "http://kyanh.hatinh.gov.vn/kyanh/portal/folder/kinh-te", load_site())
    assert [(i.ref.article_id, i.date) for i in listing.articles] == [("20230203143649", "2023-02-03")]
    assert listing.next_url == "http://kyanh.hatinh.gov.vn/kyanh/portal/folder/kinh-te/2.html"
