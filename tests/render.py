"""Render annotated articles (tests/fixtures/corpus/*.json) into portal pages.

Used by the tests, the loopback replica of the portal and the benchmarks.
The portal layout follows tests/fixtures/article.html and listing.html; pages
carry a realistic header menu, sidebar and footer so that an article page
weighs 40-80 KB like the live portal's.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"

FOLDER_NAMES = {
    "tin-tuc-su-kien": "Tin tức - Sự kiện",
    "tin-tuc-khac": "Tin tức khác",
    "kinh-te": "Kinh tế",
    "van-hoa-xa-hoi": "Văn hóa - Xã hội",
    "quoc-phong-an-ninh": "Quốc phòng - An ninh",
    "thong-bao": "Thông báo",
}
NAME_TO_FOLDER = {v: k for k, v in FOLDER_NAMES.items()}

esc = html.escape


def load_corpus() -> list[dict[str, Any]]:
    """The annotated articles, sorted by file name."""
    return [json.loads(p.read_text("utf-8")) for p in sorted(CORPUS.glob("*.json"))]


def article_path(article: dict[str, Any]) -> str:
    """The path part of an article's URL (``/kyanh/portal/read/...``)."""
    url = article["url"]
    return url[url.index("/", url.index("//") + 2):]


def folder_of(article: dict[str, Any]) -> str:
    return article_path(article).split("/")[4]


def _menu(base: str) -> str:
    items = "".join(f'<li><a href="{base}/folder/{slug}">{esc(name)}</a></li>' for slug, name in FOLDER_NAMES.items())
    # The live menu has sub-menus of public services: bulk that every page carries.
    sub = "".join(
        f'<li><a href="{base}/folder/dich-vu-cong-{i}">Thủ tục hành chính lĩnh vực {i}: hướng dẫn, biểu mẫu, quy trình</a></li>'
        for i in range(150)
    )
    return f'<ul class="menu">{items}<li><a href="{base}/folder/dich-vu-cong">Dịch vụ công</a><ul class="sub">{sub}</ul></li></ul>'


def _sidebar(base: str, latest: Sequence[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="{esc(href)}">{esc(title)}</a></li>' for href, title in latest)
    docs = "".join(
        f'<li><a href="{base}/folder/van-ban/{i}.html">Quyết định số {100 + i}/QĐ-UBND về việc ban hành quy chế phối hợp quản lý nhà nước năm 2023</a></li>'
        for i in range(110)
    )
    return (
        '<div id="sidebar"><div class="box"><h3>Tin mới nhất</h3><ul>' + links + "</ul></div>"
        '<div class="box"><h3>Văn bản chỉ đạo điều hành</h3><ul>' + docs + "</ul></div>"
        '<div class="box"><h3>Liên kết website</h3><ul><li><a href="http://hatinh.gov.vn">Cổng TTĐT tỉnh Hà Tĩnh</a></li></ul></div></div>'
    )


_HEAD_ASSETS = "".join(
    f'<script>var _cfg{i} = {{"module": "portlet-{i}", "lang": "vi", "cache": true}};</script>' for i in range(40)
)
_FOOTER = (
    '<div id="footer"><p>Cơ quan chủ quản: UBND huyện Kỳ Anh, tỉnh Hà Tĩnh</p>'
    "<p>Địa chỉ: thị trấn Kỳ Đồng, huyện Kỳ Anh, tỉnh Hà Tĩnh - Điện thoại: 0239.3865.xxx</p>"
    "<p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></div>"
)


def _page(title: str, base: str, content: str, latest: Sequence[tuple[str, str]]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{base}/css/style.css">{_HEAD_ASSETS}\n</head>\n<body>\n'
        f'<div id="header"><div class="logo"><a href="{base}"><img src="{base}/images/logo.png" '
        'alt="Cổng thông tin điện tử huyện Kỳ Anh"></a></div>'
        f'{_menu(base)}<form class="search" action="{base}/search"><input name="q"></form></div>\n'
        f'<div id="main"><div id="content">\n{content}\n</div>\n{_sidebar(base, latest)}\n</div>\n'
        f"{_FOOTER}\n</body>\n</html>\n"
    )


def _default_latest(base: str) -> list[tuple[str, str]]:
    return [
        (f"{base}/read/tin-tuc-khac/news/ky-anh-ra-quan-ho-tro-nguoi-dan-thu-hoach-lua.html/20230115080000",
         "Kỳ Anh ra quân hỗ trợ người dân thu hoạch lúa"),
        (f"{base}/read/thong-bao/news/thong-bao-lich-tiep-cong-dan-dinh-ky.html/20230110090000",
         "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND huyện"),
    ]


def render_portal_article(
    article: dict[str, Any],
    *,
    base: str = "/kyanh/portal",
    latest: Sequence[tuple[str, str]] | None = None,
) -> str:
    """An article page in the portal's markup (h1.news-title, div.news-content …)."""
    folder = folder_of(article)
    parts = [f'<p><strong>{esc(article["lead"])}</strong></p>']
    for block in article["blocks"]:
        if block["type"] == "p":
            parts.append(f'<p style="text-align: justify;">{esc(block["text"])}</p>')
        elif block["type"] == "img":
            parts.append(
                f'<p style="text-align: center;"><img alt="" src="{esc(block["src"])}" style="width: 600px;"></p>'
            )
            if block.get("caption"):
                parts.append(f'<p style="text-align: center;"><em>{esc(block["caption"])}</em></p>')
    if article.get("byline"):
        parts.append(f'<p style="text-align: right;"><strong>{esc(article["byline"])}</strong></p>')
    related = ""
    if article.get("related"):
        links = "".join(f'<li><a href="{esc(r["url"])}">{esc(r["title"])}</a></li>' for r in article["related"])
        related = f'<div class="related-news"><h3>Tin liên quan</h3><ul>{links}</ul></div>'
    content = (
        f'<div class="breadcrumb"><a href="{base}">Trang chủ</a> &raquo; '
        f'<a href="{base}/folder/{folder}">{esc(article["category"])}</a></div>\n'
        f'<div class="news-detail">\n<h1 class="news-title">{esc(article["title"])}</h1>\n'
        f'<div class="news-date">{esc(article["date_text"])}</div>\n'
        f'<div class="news-content">\n' + "\n".join(parts) + "\n</div>\n"
        '<div class="tools"><a href="javascript:window.print()">In bài viết</a> <a href="#">Gửi email</a></div>\n'
        f"{related}\n</div>"
    )
    return _page(article["title"], base, content, latest or _default_latest(base))


def render_listing(
    folder: str,
    items: Iterable[dict[str, Any]],
    *,
    page: int,
    pages: int,
    base: str = "/kyanh/portal",
) -> str:
    """One folder page: ``items`` newest first, with a pager to ``pages`` pages."""
    entries = []
    for art in items:
        href = article_path(art)
        entries.append(
            f'<div class="news-item"><a class="thumb" href="{esc(href)}"><img src="{base}/images/thumb.jpg"></a>'
            f'<h3 class="news-item-title"><a href="{esc(href)}">{esc(art["title"])}</a></h3>'
            f'<span class="news-item-date">({esc(art["date_text"])})</span>'
            f'<p class="news-item-summary">{esc(art["lead"][:160])}</p></div>'
        )
    links = []
    for n in range(1, pages + 1):
        href = f"{base}/folder/{folder}" if n == 1 else f"{base}/folder/{folder}/{n}.html"
        links.append(f'<span class="current">{n}</span>' if n == page else f'<a href="{href}">{n}</a>')
    if page < pages:
        links.append(f'<a class="next" href="{base}/folder/{folder}/{page + 1}.html">Sau &raquo;</a>')
    name = FOLDER_NAMES.get(folder, folder)
    content = (
        f'<div class="breadcrumb"><a href="{base}">Trang chủ</a> &raquo; {esc(name)}</div>\n'
        f'<div class="folder-news">{"".join(entries)}</div>\n<div class="pager">{" ".join(links)}</div>'
    )
    return _page(f"{name} - Cổng thông tin điện tử huyện Kỳ Anh", base, content, _default_latest(base))
