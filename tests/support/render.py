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

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
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


# A site's own menu: (label, folder slugs) groups, each a sub-menu; folder slug -> name.
Menu = Sequence[tuple[str, Sequence[str]]]


def _menu(base: str, site_menu: tuple[Menu, dict[str, str]] | None = None) -> str:
    if site_menu is None:
        items = "".join(f'<li><a href="{base}/folder/{slug}">{esc(name)}</a></li>' for slug, name in FOLDER_NAMES.items())
    else:
        groups, names = site_menu
        items = "".join(
            f'<li class="has-sub"><a href="javascript:;">{esc(label)}</a><ul class="sub">'
            + "".join(f'<li><a href="{base}/folder/{f}">{esc(names.get(f, f))}</a></li>' for f in folders)
            + "</ul></li>"
            for label, folders in groups
        )
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


def _page(title: str, base: str, content: str, latest: Sequence[tuple[str, str]],
          site_menu: tuple[Menu, dict[str, str]] | None = None) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{base}/css/style.css">{_HEAD_ASSETS}\n</head>\n<body>\n'
        f'<div id="header"><div class="logo"><a href="{base}"><img src="{base}/images/logo.png" '
        'alt="Cổng thông tin điện tử huyện Kỳ Anh"></a></div>'
        f'{_menu(base, site_menu)}<form class="search" action="{base}/search"><input name="q"></form></div>\n'
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
    site_menu: tuple[Menu, dict[str, str]] | None = None,
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
    return _page(article["title"], base, content, latest or _default_latest(base), site_menu)


def render_listing(
    folder: str,
    items: Iterable[dict[str, Any]],
    *,
    page: int,
    pages: int,
    base: str = "/kyanh/portal",
    site_menu: tuple[Menu, dict[str, str]] | None = None,
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
    name = (site_menu[1] if site_menu else FOLDER_NAMES).get(folder, folder)
    content = (
        f'<div class="breadcrumb"><a href="{base}">Trang chủ</a> &raquo; {esc(name)}</div>\n'
        f'<div class="folder-news">{"".join(entries)}</div>\n<div class="pager">{" ".join(links)}</div>'
    )
    return _page(f"{name} - Cổng thông tin điện tử huyện Kỳ Anh", base, content, _default_latest(base), site_menu)


# --------------------------------------------------------------------------- other layouts
# News about Kỳ Anh also comes in two other layouts (SITE.md): a newspaper
# page described by OpenGraph and schema.org JSON-LD, and an old table layout
# served as windows-1258. Both are rendered from the same annotated articles.

import unicodedata  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
NEWSPAPER_SITE = "Báo Hà Tĩnh"
NEWSPAPER_HOST = "https://baohatinh.vn"
NEWSPAPER_IMAGES = "https://img.baohatinh.vn"
TABLE_SITE = "Trang thông tin điện tử huyện Kỳ Anh - Hà Tĩnh"

TICKER = (
    "Thông báo: Lịch tiếp công dân định kỳ của Chủ tịch UBND huyện 08:00 15/01/2021"
    " | Thông báo tuyển dụng viên chức năm 2021 (hạn nộp hồ sơ 30/01/2021)"
)
COMMENT_FORM = ("Ý kiến bạn đọc", "Họ và tên", "Email", "Nội dung ý kiến (tối thiểu 10 ký tự)", "Gửi ý kiến")


def _moment(article: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(article["published_at"])


def newspaper_url(article: dict[str, Any]) -> str:
    """Where the newspaper layout says the article lives (its og:url)."""
    slug = article_path(article).split("/")[6][:-5]
    return f"{NEWSPAPER_HOST}/{folder_of(article)}/{slug}-{article_path(article).rsplit('/', 1)[1]}.html"


def newspaper_date(article: dict[str, Any]) -> str:
    """"Thứ Sáu, 03/02/2023 - 09:33", as the newspaper prints dates."""
    m = _moment(article)
    return f"{_WEEKDAYS[m.weekday()]}, {m:%d/%m/%Y - %H:%M}"


def table_date(article: dict[str, Any]) -> str:
    """"03/02/2023 09:33", printed after "Ngày đăng:" in the table layout."""
    return f"{_moment(article):%d/%m/%Y %H:%M}"


def _ticker_html() -> str:
    return f'<div class="thongbao-moi"><marquee scrollamount="3">{esc(TICKER)}</marquee></div>'


def _comment_form_html() -> str:
    prompt, *fields = COMMENT_FORM
    inputs = "".join(f"<p>{esc(f)}</p>" for f in fields[:-1])
    return f"<p><strong>{esc(prompt)}</strong></p><form>{inputs}<p><button>{esc(fields[-1])}</button></p></form>"


def render_newspaper_article(article: dict[str, Any], *, clutter: bool = False, ld_author: bool = True) -> str:
    """The newspaper layout: OpenGraph + JSON-LD NewsArticle, byline above the lead, figures.

    ``ld_author=False`` leaves the author out of the JSON-LD: the printed byline is then the only one.
    """
    url = newspaper_url(article)
    moment = _moment(article)
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article["title"],
        # Newspapers publish the instant in UTC: the extractor must bring it back to +07:00.
        "datePublished": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dateModified": (moment + timedelta(hours=2)).isoformat(),
        "articleSection": article["category"],
        "publisher": {"@type": "Organization", "name": NEWSPAPER_SITE},
    }
    if article.get("byline") and ld_author:
        ld["author"] = {"@type": "Person", "name": article["byline"]}
    images = [b for b in article["blocks"] if b["type"] == "img"]
    if images:
        ld["image"] = [NEWSPAPER_IMAGES + b["src"] for b in images]
    parts = []
    if article.get("byline"):
        parts.append(f'<p class="detail-info"><strong>{esc(article["byline"])}</strong></p>')
    parts.append(f'<h2 class="detail-sapo">{esc(article["lead"])}</h2>')
    if clutter:
        parts.append(f"<p>{esc(article['lead'])}</p>")
    for block in article["blocks"]:
        if block["type"] == "p":
            parts.append(f"<p>{esc(block['text'])}</p>")
        else:
            cap = f"<figcaption>{esc(block['caption'])}</figcaption>" if block.get("caption") else ""
            parts.append(f'<figure class="image"><img src="{NEWSPAPER_IMAGES}{esc(block["src"])}" alt="">{cap}</figure>')
    related = ""
    if article.get("related"):
        items = "".join(f'<li><a href="{esc(r["url"])}">{esc(r["title"])}</a></li>' for r in article["related"])
        related = f'<div class="box-related"><h3 class="box-title">Tin liên quan</h3><ul>{items}</ul></div>'
    menu = "".join(f'<li><a href="{NEWSPAPER_HOST}/{slug}">{esc(name)}</a></li>' for slug, name in FOLDER_NAMES.items())
    most_read = "".join(
        f'<li><a href="{NEWSPAPER_HOST}/tin-{i}.html">Hà Tĩnh đẩy mạnh chuyển đổi số trong cải cách hành chính, bài {i}</a>'
        f"<p>Cập nhật {10 + i % 12}:15 0{1 + i % 9}/03/2023</p></li>"
        for i in range(40)
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">\n'
        f"<title>{esc(article['title'])} - {NEWSPAPER_SITE}</title>\n"
        f'<meta property="og:site_name" content="{NEWSPAPER_SITE}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(article["title"])}">\n'
        f'<meta property="og:description" content="{esc(article["lead"])}">\n'
        f'<meta property="og:url" content="{esc(url)}">\n'
        f'<link rel="canonical" href="{esc(url)}">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
        "</head><body>\n"
        f'<header class="site-header"><a class="logo" href="{NEWSPAPER_HOST}">{NEWSPAPER_SITE}</a><nav><ul>{menu}</ul></nav></header>\n'
        + (_ticker_html() if clutter else "")
        + '<main class="container"><article class="detail">\n'
        f'<div class="crumbs"><a href="{NEWSPAPER_HOST}">Trang chủ</a> › <a href="{NEWSPAPER_HOST}/{folder_of(article)}">{esc(article["category"])}</a></div>\n'
        f'<h1 class="detail-title">{esc(article["title"])}</h1>\n'
        f'<div class="detail-meta"><span class="detail-time">{esc(newspaper_date(article))}</span></div>\n'
        '<div class="detail-content">\n' + "\n".join(parts) + "\n</div>\n"
        + (f'<div class="binh-luan">{_comment_form_html()}</div>' if clutter else "")
        + f"{related}\n</article>\n"
        f'<aside class="most-read"><h3>Đọc nhiều</h3><ul>{most_read}</ul></aside></main>\n'
        f"<footer><p>{NEWSPAPER_SITE} - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Hà Tĩnh</p></footer>\n"
        "</body></html>\n"
    )


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def to_windows_1258(text: str) -> bytes:
    """Encode as windows-1258 writes Vietnamese: letter shapes precomposed, tone marks combining after them.

    Python's cp1258 codec maps only what the code page has, so each character
    is split into its base (â, ơ, đ ... are in the code page) and its tone mark.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        if tones:
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
            out.append(base + tones)
        else:
            out.append(ch)
    return "".join(out).encode("cp1258", "xmlcharrefreplace")


def render_table_article(
    article: dict[str, Any], *, clutter: bool = False, declare_charset: bool = True, base: str = "/kyanh/portal"
) -> bytes:
    """The old table layout, as windows-1258 bytes: no classes, title only in <title> and a bold cell."""
    folder = folder_of(article)
    parts = [f"<p><b>{esc(article['lead'])}</b></p>"]
    if clutter:
        parts.append(f"<p>{esc(article['lead'])}</p>")
    for block in article["blocks"]:
        if block["type"] == "p":
            parts.append(f"<p align=\"justify\">{esc(block['text'])}</p>")
        else:
            parts.append(f'<p align="center"><img src="{esc(block["src"])}" width="500" border="0"></p>')
            if block.get("caption"):
                parts.append(f"<p align=\"center\"><i>{esc(block['caption'])}</i></p>")
    rows = [
        f'<tr><td><font size="2"><a href="{base}">Trang chủ</a> &raquo; <a href="{base}/folder/{folder}">{esc(article["category"])}</a></font></td></tr>',
        f'<tr><td><font size="4" color="#003399"><b>{esc(article["title"])}</b></font></td></tr>',
        f'<tr><td><font size="1" color="#666666">Ngày đăng: {esc(table_date(article))}</font></td></tr>',
        '<tr><td valign="top">' + "\n".join(parts) + "</td></tr>",
    ]
    if article.get("byline"):
        rows.append(f'<tr><td align="right"><b>{esc(article["byline"])}</b></td></tr>')
    if clutter:
        rows.append(f"<tr><td>{_comment_form_html()}</td></tr>")
    if article.get("related"):
        links = "<br>".join(f'&#8226; <a href="{esc(r["url"])}">{esc(r["title"])}</a>' for r in article["related"])
        rows.append(f"<tr><td><b>Tin liên quan:</b><br>{links}</td></tr>")
    left = "".join(
        f'<tr><td><a href="{base}/folder/{slug}"><font size="2">{esc(name)}</font></a></td></tr>' for slug, name in FOLDER_NAMES.items()
    ) + "".join(
        f'<tr><td><a href="{base}/folder/van-ban/{i}.html"><font size="1">Văn bản số {200 + i}/UBND-VP ngày {1 + i % 28:02d}/0{1 + i % 9}/2012</font></a></td></tr>'
        for i in range(60)
    )
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">\n' if declare_charset else ""
    page = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html><head>\n' + charset
        + f"<title>{esc(article['title'])} - {esc(TABLE_SITE)}</title>\n</head>\n"
        '<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">\n'
        '<table width="980" border="0" cellpadding="0" cellspacing="0" align="center">\n'
        f'<tr><td colspan="2"><img src="{base}/images/banner.jpg" width="980" height="120"></td></tr>\n'
        + (f"<tr><td colspan=\"2\"><marquee>{esc(TICKER)}</marquee></td></tr>\n" if clutter else "")
        + f'<tr><td width="200" valign="top"><table width="100%" border="0">{left}</table></td>\n'
        '<td valign="top"><table width="100%" border="0" cellpadding="4">\n' + "\n".join(rows) + "\n</table></td></tr>\n"
        f'<tr><td colspan="2" align="center"><font size="1">{esc(TABLE_SITE)} - Địa chỉ: thị trấn Kỳ Đồng</font></td></tr>\n'
        "</table>\n</body></html>\n"
    )
    return to_windows_1258(page)


def render_portal_cluttered(article: dict[str, Any]) -> str:
    """The portal page with the clutter seen on the live portal: a notices ticker
    before the title, the lead printed twice, comment-form text after the byline."""
    page = render_portal_article(article)
    page = page.replace('<div class="news-detail">', _ticker_html() + '<div class="news-detail">', 1)
    lead = f'<p><strong>{esc(article["lead"])}</strong></p>'
    page = page.replace(lead, lead + f'\n<p style="text-align: justify;">{esc(article["lead"])}</p>', 1)
    page = page.replace("\n</div>\n<div class=\"tools\">", "\n" + _comment_form_html() + "\n</div>\n<div class=\"tools\">", 1)
    return page
