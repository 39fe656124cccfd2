"""Article identity from addresses: one article however it is linked."""

from __future__ import annotations

import pytest

from huyenkyanh_archive.crawl.discover import read_page
from huyenkyanh_archive.site.profile import load_profile
from huyenkyanh_archive.site.site import load_site
from huyenkyanh_archive.site.urls import KeyIndex, is_private_address, parse_article_url, strip_tracking

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


@pytest.mark.parametrize("path", ["/vi/tin-tuc/tin-bai/12345/ten-bai", "/tin-tuc/tin-bai/12345",
                                  "/en/news/tin-bai/12345/other-slug/", "/vi/kinh-te/tin-bai/12345"])
def test_newer_software_addresses_are_one_article_in_any_form(path: str) -> None:
    ref = load_site().article("https://www.kyanh.hatinh.gov.vn" + path + "?utm_source=zalo")
    assert ref is not None and ref.key == "tin-bai:12345" and ref.article_id is None


def test_newer_software_is_not_an_address_form_of_the_old_profile_alone() -> None:
    assert parse_article_url("http://kyanh.hatinh.gov.vn/vi/tin-tuc/tin-bai/12345/ten-bai", load_profile()) is None
    assert load_site().article("http://kyanh.hatinh.gov.vn/vi/tin-tuc/tin-bai/x12/ten-bai") is None


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


def test_same_slug_different_ids_are_two_articles_an_idless_address_is_either() -> None:
    site = load_site()
    a = site.article("http://kyanh.hatinh.gov.vn/kyanh/portal/read/thong-bao/news/lich-tiep-dan.html/20230105080000")
    b = site.article("http://kyanh.hatinh.gov.vn/kyanh/portal/read/thong-bao/news/lich-tiep-dan.html/20240105080000")
    bare = site.article("http://kyanh.hatinh.gov.vn/kyanh/portal/read/thong-bao/news/lich-tiep-dan.html")
    assert a is not None and b is not None and bare is not None
    seen = KeyIndex()
    seen.add(a.keys)
    assert not seen.names(b.keys)  # a reused title is a new article
    assert seen.names(bare.keys)  # the id-less address of a known slug: the same article
    seen_bare = KeyIndex()
    seen_bare.add(bare.keys)
    assert seen_bare.names(a.keys)  # the id learned later names the article archived without it


def test_the_page_names_itself_by_canonical_og_url_print_and_share_links_only() -> None:
    from huyenkyanh_archive.site.page_ids import self_addresses

    own = "/kyanh/portal/read/tin-tuc-khac/news/bai-viet.html/20230203143649"
    related = [f'<a href="/kyanh/portal/read/kinh-te/news/khac-{i}.html/2023020314{i:04d}">Tin {i}</a>' for i in range(300)]
    page = (f'<html><head><meta name="viewport" content="x"><link rel="canonical" href="http://kyanh.hatinh.gov.vn{own}">'
            f'<meta property="og:url" content="http://kyanh.hatinh.gov.vn{own}"></head><body>'
            + "".join(related[:150])
            + '<abbr title="print">P</abbr><div class="label">Chia sẻ</div>'
            + f'<a class="btn" href="https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Fkyanh.hatinh.gov.vn{own}">f</a>'
            + '<a href="/kyanh/portal/print/news/20230203143649" title="In bài">🖨</a>'
            + "".join(related[150:]) + "</body></html>")
    found = self_addresses(page)
    assert found[0] == f"http://kyanh.hatinh.gov.vn{own}"  # canonical first
    assert "id:20230203143649" in found and f"http://kyanh.hatinh.gov.vn{own}" in found
    assert not any("khac-" in f for f in found)  # related articles' links are not the page's own
