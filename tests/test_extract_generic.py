"""Pages in none of the three layouts: title, date and body from generic evidence; URL identity."""

from __future__ import annotations

import pytest

from huyenkyanh_archive.errors import ExtractError
from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.site.profile import load_profile
from tests.support import render

PARAS = [
    "Sáng 5/3, UBND xã Kỳ Tân tổ chức lễ ra quân làm đường giao thông nông thôn với sự tham gia của hơn 300 người dân.",
    "Theo kế hoạch, trong năm 2024 xã phấn đấu hoàn thành 5 km đường bê tông, nâng tỷ lệ đường thôn xóm được cứng hóa lên 95%.",
    "Ngay sau lễ ra quân, các thôn đồng loạt ra quân dọn vệ sinh, phát quang hành lang đường và trồng hoa hai bên tuyến đường.",
]
SIDEBAR = ["Lịch công tác tuần", "Văn bản mới", "Thủ tục hành chính"]


def blog_page(*, ticker: bool = False, date_line: str = "Đăng ngày 05/03/2024") -> bytes:
    side = "".join(f'<p><a href="/p/{i}">{t}</a></p>' for i, t in enumerate(SIDEBAR))
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    tick = '<div class="notice"><p>Thông báo họp dân 08:00 15/01/2021 tại nhà văn hóa thôn</p></div>' if ticker else ""
    return (
        "<html><head><meta charset='utf-8'><title>Kỳ Tân ra quân làm đường giao thông nông thôn | Xã Kỳ Tân</title></head>"
        '<body><div id="top"><a href="/"><h1>Xã Kỳ Tân</h1></a></div>'
        f'<div class="col-left">{side}</div>{tick}'
        '<div class="entry"><h2 class="entry-title">Kỳ Tân ra quân làm đường giao thông nông thôn</h2>'
        f'<div class="entry-meta">{date_line}</div><div class="entry-body">{body}</div></div>'
        "<div id='bottom'><p>Bản quyền thuộc UBND xã Kỳ Tân</p></div></body></html>"
    ).encode()


def test_title_date_body_from_generic_evidence() -> None:
    art = extract_article(blog_page(), "https://kytan.example.vn/bai-viet/ra-quan-lam-duong")
    assert art.title == "Kỳ Tân ra quân làm đường giao thông nông thôn"
    assert art.published_at == "2024-03-05"  # no time printed: the date alone
    assert art.date_text == "05/03/2024"
    assert art.body == "\n\n".join(PARAS)
    assert art.lead == PARAS[0]
    assert art.url == "https://kytan.example.vn/bai-viet/ra-quan-lam-duong"
    assert art.article_id is None
    assert art.site == "kytan.example.vn"
    for clutter in [*SIDEBAR, "Bản quyền", "Xã Kỳ Tân\n"]:
        assert clutter not in art.body


def test_a_ticker_before_the_title_does_not_give_the_date() -> None:
    art = extract_article(blog_page(ticker=True, date_line="Cập nhật: 14:05 | 05/03/2024"))
    assert art.published_at == "2024-03-05T14:05:00+07:00"
    assert art.date_text == "14:05 | 05/03/2024"


def test_title_from_opengraph_and_url_from_og_url() -> None:
    url = "https://www.kyanh.hatinh.gov.vn/kyanh/portal/read/kinh-te/news/x.html/20240305101010/?utm_source=fb"
    page = (
        f'<html><head><meta property="og:title" content="Tiêu đề từ OpenGraph"><meta property="og:url" content="{url}">'
        '<meta property="article:published_time" content="2024-03-05T03:10:00Z"></head>'
        f"<body><div>{''.join(f'<p>{p}</p>' for p in PARAS)}</div></body></html>"
    ).encode()
    art = extract_article(page)
    assert art.title == "Tiêu đề từ OpenGraph"
    assert art.url == "http://kyanh.hatinh.gov.vn/kyanh/portal/read/kinh-te/news/x.html/20240305101010"
    assert art.article_id == "20240305101010"
    assert art.published_at == "2024-03-05T10:10:00+07:00"
    assert art.date_text is None  # nothing printed on the page


def test_given_url_is_made_canonical() -> None:
    a = render.load_corpus()[0]
    messy = a["url"].replace("http://", "https://www.").replace("/tin-tuc-su-kien/", "/tin-tuc-khac/") + "/?utm_campaign=x"
    art = extract_article(render.render_portal_article(a).encode(), messy)
    assert art.article_id == a["url"].rsplit("/", 1)[1]
    assert art.url.startswith("http://kyanh.hatinh.gov.vn/kyanh/portal/read/")
    assert art.url.endswith("/" + art.article_id)


def test_new_software_address_gives_its_id() -> None:
    art = extract_article(blog_page(), "http://kyanh.hatinh.gov.vn/vi/tin-tuc/tin-bai/12345/ky-tan-ra-quan")
    assert art.article_id == "tin-bai:12345"  # the key the archive files it under (no 14-digit id)


def test_no_url_at_all_falls_back_to_the_source() -> None:
    art = extract_article(blog_page(), source="pages/ky-tan.html")
    assert art.source == "pages/ky-tan.html"
    assert art.url == "pages/ky-tan.html"


def test_profile_for_another_site_of_the_platform() -> None:
    profile = load_profile("hatinh-portal:camxuyen")
    a = render.load_corpus()[0]
    url = a["url"].replace("/kyanh/", "/camxuyen/")
    art = extract_article(render.render_portal_article(a).encode(), url, profile=profile)
    assert art.title == a["title"]
    assert art.article_id == url.rsplit("/", 1)[1]


def test_breadcrumb_category_without_classes() -> None:
    page = blog_page().replace(
        b'<div class="entry">', '<div><a href="/">Trang chủ</a> » <a href="/c/nong-thon-moi">Nông thôn mới</a></div><div class="entry">'.encode()
    )
    assert extract_article(page).category == "Nông thôn mới"


def test_related_links_by_heading() -> None:
    page = blog_page().replace(
        b"<div id='bottom'>",
        '<div><h4>Bài viết liên quan</h4><ul><li><a href="/bai/1">Kỳ Tân khởi công nhà văn hóa thôn</a></li>'
        "<li><a href='/bai/2'>Kỳ Tân tổng kết năm 2023</a></li></ul></div><div id='bottom'>".encode(),
    )
    art = extract_article(page, "https://kytan.example.vn/bai-viet/x")
    assert [(r.url, r.title) for r in art.related] == [
        ("https://kytan.example.vn/bai/1", "Kỳ Tân khởi công nhà văn hóa thôn"),
        ("https://kytan.example.vn/bai/2", "Kỳ Tân tổng kết năm 2023"),
    ]
    assert "Kỳ Tân khởi công" not in art.body


def test_lead_outside_the_content_block() -> None:
    page = blog_page().replace(b'<div class="entry-body">', b'<div class="sapo">Ti\xc3\xaau \xc4\x91i\xe1\xbb\x83m.</div><div class="entry-body">')
    art = extract_article(page)
    assert art.lead == "Tiêu điểm."
    assert art.body.split("\n\n")[1:] == PARAS


def test_a_page_with_nothing_to_extract_is_a_clean_error() -> None:
    with pytest.raises(ExtractError, match="no article"):
        extract_article(b"<html><head></head><body><div></div></body></html>")


def test_old_page_with_paragraphs_split_by_br_only() -> None:
    menu = "<br>".join(f'<a href="/m/{i}">Chuyên mục số {i} của trang thông tin điện tử</a>' for i in range(30))
    text = "<br><br>".join(PARAS)
    page = (
        "<html><head><title>Kỳ Tân ra quân làm đường - UBND xã Kỳ Tân</title></head><body><table><tr>"
        f"<td>{menu}</td><td><b>Kỳ Tân ra quân làm đường</b><br>Ngày đăng: 05/03/2024 07:30<br>"
        f'<font face="Arial">{text}</font><br><img src="/anh/1.jpg"></td></tr></table></body></html>'
    ).encode()
    art = extract_article(page, "http://kytan.example.vn/tin/1")
    assert art.title == "Kỳ Tân ra quân làm đường"
    assert art.published_at == "2024-03-05T07:30:00+07:00"
    assert art.body == "\n\n".join(PARAS)


# --------------------------------------------------------------------------- the portal's markup, varied
# The live markup is not guaranteed to match the reference: the same article
# with the variations editors and CMS versions produce.

SEED = render.load_corpus()[0]


def _portal_variant(old: str, new: str, count: int = -1) -> bytes:
    page = render.render_portal_article(SEED)
    assert old in page
    return page.replace(old, new, count).encode()


def test_byline_printed_bold_but_not_right_aligned() -> None:
    byline = render.esc(SEED["byline"])
    page = _portal_variant(f'<p style="text-align: right;"><strong>{byline}</strong></p>', f"<p><strong>{byline}</strong></p>")
    art = extract_article(page, SEED["url"])
    assert art.byline == SEED["byline"]
    assert SEED["byline"] not in art.body


def test_byline_right_aligned_in_italics() -> None:
    byline = render.esc(SEED["byline"])
    page = _portal_variant(f"<strong>{byline}</strong>", f"<em>{byline}</em>")
    assert extract_article(page, SEED["url"]).byline == SEED["byline"]


def test_captions_centred_without_italics() -> None:
    page = _portal_variant('<p style="text-align: center;"><em>', '<p style="text-align: center;"><span>').replace(
        b"</em></p>", b"</span></p>"
    )
    art = extract_article(page, SEED["url"])
    captions = [b["caption"] for b in SEED["blocks"] if b["type"] == "img"]
    assert [i.caption for i in art.images] == captions
    for caption in captions:
        assert caption not in art.body


def test_captions_in_the_cell_below_the_picture() -> None:
    page = render.render_portal_article(SEED)
    for block in SEED["blocks"]:
        if block["type"] == "img":
            old = (
                f'<p style="text-align: center;"><img alt="" src="{render.esc(block["src"])}" style="width: 600px;"></p>\n'
                f'<p style="text-align: center;"><em>{render.esc(block["caption"])}</em></p>'
            )
            assert old in page
            page = page.replace(old, f'<table class="image"><tr><td><img src="{render.esc(block["src"])}"></td></tr>'
                                     f'<tr><td>{render.esc(block["caption"])}</td></tr></table>')
    art = extract_article(page.encode(), SEED["url"])
    assert [i.caption for i in art.images] == [b["caption"] for b in SEED["blocks"] if b["type"] == "img"]
    assert art.body.split("\n\n")[0] == SEED["lead"]


def test_a_shortened_summary_before_the_lead() -> None:
    lead = render.esc(SEED["lead"])
    page = _portal_variant(f"<p><strong>{lead}</strong></p>", f"<p>{lead[:120]}...</p><p><strong>{lead}</strong></p>")
    art = extract_article(page, SEED["url"])
    assert art.lead == SEED["lead"]
    assert art.body.count(SEED["lead"][:100]) == 1


def test_related_list_inside_the_content_block() -> None:
    page = _portal_variant(
        '</div>\n<div class="tools">',
        '<p><strong>Tin liên quan:</strong></p><ul><li><a href="/kyanh/portal/read/a/news/b.html/20230101010101">'
        "Tin cũ hơn về hội nghị</a></li></ul></div>\n<div class=\"tools\">",
        1,
    )
    art = extract_article(page, SEED["url"])
    assert "Tin cũ hơn" not in art.body
    assert "Tin liên quan" not in art.body


def test_a_blog_layout_with_long_comments_and_a_time_element() -> None:
    comments = "".join(
        f"<p>Bình luận số {i}: bài viết rất hay, mong xã tiếp tục làm đường cho thôn chúng tôi, đường đang hư hỏng nặng.</p>"
        for i in range(40)
    )
    page = (
        "<html><head><title>Kỳ Tân ra quân làm đường – Xã Kỳ Tân</title></head><body>"
        '<header class="site-header"><a href="/">Xã Kỳ Tân</a><nav><a href="/a">Giới thiệu</a></nav></header>'
        '<article><h1 class="entry-title">Kỳ Tân ra quân làm đường</h1>'
        '<time class="entry-date" datetime="2024-03-05T01:00:00+00:00">05/03/2024</time>'
        '<div class="entry-content">' + "".join(f"<p>{p}</p>" for p in PARAS)
        + '<figure class="wp-block-image"><img src="/wp/anh-1.jpg"><figcaption>Người dân ra quân làm đường</figcaption></figure>'
        '<div class="sharedaddy"><p>Chia sẻ bài viết này trên Facebook, Zalo</p></div></div></article>'
        f'<div id="comments"><h3>40 bình luận</h3>{comments}</div></body></html>'
    ).encode()
    art = extract_article(page, "https://kytan.example.vn/2024/03/ra-quan/")
    assert art.title == "Kỳ Tân ra quân làm đường"
    assert art.published_at == "2024-03-05T08:00:00+07:00"
    assert art.body == "\n\n".join(PARAS)
    assert [(i.src, i.caption) for i in art.images] == [("https://kytan.example.vn/wp/anh-1.jpg", "Người dân ra quân làm đường")]


def _ld_page(ld: object, *, printed: str = "") -> bytes:
    import json

    return (
        "<html><head><title>Bài báo - Báo Hà Tĩnh</title>"
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        '<script type="application/ld+json">{not json at all</script></head><body>'
        f"<h1>Bài báo</h1><div>{printed}</div><div class='detail'>{''.join(f'<p>{p}</p>' for p in PARAS)}</div></body></html>"
    ).encode()


def test_json_ld_graph_with_a_list_of_authors() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Trang", "datePublished": "2020-01-01"},
            {
                "@type": ["NewsArticle"],
                "headline": "Tiêu đề JSON-LD",
                "datePublished": "2024-03-05T08:15:00+07:00",
                "author": [{"@type": "Person", "name": "Trà Giang"}, {"@type": "Person", "name": "Anh Đức"}],
                "articleSection": ["Thời sự", "Kỳ Anh"],
                "publisher": {"@type": "Organization", "name": "Báo Hà Tĩnh"},
            },
        ],
    }
    art = extract_article(_ld_page(ld))
    assert art.title == "Tiêu đề JSON-LD"
    assert art.published_at == "2024-03-05T08:15:00+07:00"
    assert art.byline == "Trà Giang - Anh Đức"
    assert art.authors == ["Trà Giang", "Anh Đức"]
    assert art.category == "Thời sự"
    assert art.site == "Báo Hà Tĩnh"
    assert art.body == "\n\n".join(PARAS)


def test_json_ld_date_alone_and_the_printed_time_of_that_day() -> None:
    ld = {"@type": "NewsArticle", "headline": "Bài báo", "datePublished": "2024-03-05"}
    art = extract_article(_ld_page(ld, printed="Thứ Ba, 05/03/2024 - 16:45"))
    assert art.published_at == "2024-03-05T16:45:00+07:00"
    assert art.date_text == "Thứ Ba, 05/03/2024 - 16:45"
    art = extract_article(_ld_page(ld))
    assert art.published_at == "2024-03-05"
    assert art.date_text is None


def test_a_lead_that_the_next_paragraph_repeats_and_extends_stays() -> None:
    lead = "Anh anh anh anh anh anh anh anh anh anh anh anh."
    page = _portal_variant(f"<p><strong>{render.esc(SEED['lead'])}</strong></p>",
                           f"<p><strong>{lead}</strong></p><p>{lead[:-1]} anh.</p>")
    art = extract_article(page, SEED["url"])
    assert art.lead == lead
    assert art.body.startswith(f"{lead}\n\n{lead[:-1]} anh.\n\n")
