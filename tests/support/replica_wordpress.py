"""A WordPress-like district portal on 127.0.0.1: another platform, crawled with ``--site <address>``.

What several district portals (Nghệ An's among them) serve from WordPress:

- the home ``/`` with the primary menu (``ul.menu`` with ``ul.sub-menu``
  sub-menus of categories, a static "Giới thiệu" page, and a category
  since deleted that answers 404) and the latest posts;
- categories ``/category/<x>/``, paging as ``/category/<x>/page/N/`` with
  ``.nav-links`` (numbered links and "Trang sau »");
- posts at ``/<slug>/``: ``article.post`` with ``h1.entry-title``,
  ``time.entry-date``, ``div.entry-content``, a canonical link, Yoast-style
  OpenGraph, post navigation, related posts;
- ``/feed/`` (RSS 2.0), ``/wp-sitemap.xml`` (an index, named in robots.txt)
  with ``/wp-sitemap-posts-post-1.xml``.

Articles, edits, deletes, validators and faults are :class:`.replica.Replica`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.support.render import article_path, esc, folder_of
from tests.support.replica import Faults, Replica, _Handler

__all__ = ["WP_CATEGORIES", "WordPressReplica"]

# Old folder -> (category slug, name).
WP_CATEGORIES = {
    "tin-tuc-su-kien": ("tin-tuc", "Tin tức"),
    "tin-tuc-khac": ("chinh-quyen", "Chính quyền"),
    "kinh-te": ("kinh-te", "Kinh tế"),
    "van-hoa-xa-hoi": ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
    "quoc-phong-an-ninh": ("quoc-phong-an-ninh", "Quốc phòng - An ninh"),
}
DEAD_CATEGORY = "thong-bao-cu"  # in the menu, deleted from the site: 404
_HTML = "text/html; charset=UTF-8"
_CATEGORY = re.compile(r"^/category/(?P<cat>[a-z0-9-]+)/(?:page/(?P<page>\d+)/)?$")
_POST = re.compile(r"^/(?P<slug>[a-z0-9-]+)/$")


class WordPressReplica(Replica):
    """A WordPress site serving articles given in the corpus JSON form (one post each)."""

    def __init__(self, articles: Iterable[dict[str, Any]] = (), *, per_page: int = 4, faults: Faults | None = None,
                 seed: int = 0, home_size: int = 5, feed_size: int = 10) -> None:
        self.home_size = home_size
        self.feed_size = feed_size
        self._posts: dict[str, int] = {}
        super().__init__(articles, per_page=per_page, faults=faults, seed=seed, robots="")

    def add(self, article: dict[str, Any], *, also_in: Iterable[str] = (), href: str | None = None,
            canonical: bool = False) -> str:
        aid = super().add(article, also_in=also_in, href=href, canonical=canonical)
        with self._lock:
            self._posts.setdefault(aid, 100 + len(self._posts))
        return aid

    # -- addresses ---------------------------------------------------------------------
    @staticmethod
    def slug_of(article: dict[str, Any]) -> str:
        return article_path(article).split("/")[6].removesuffix(".html")

    def post_url(self, article: dict[str, Any]) -> str:
        return f"{self.base_url}/{self.slug_of(article)}/"

    @staticmethod
    def category_of(article: dict[str, Any]) -> tuple[str, str]:
        return WP_CATEGORIES.get(folder_of(article), (folder_of(article), article["category"]))

    def key(self, article: dict[str, Any]) -> str:
        """The archive key of a post of a site known by its address."""
        return f"path:/{self.slug_of(article)}"

    def truth(self) -> dict[str, str]:
        with self._lock:
            return {self.key(a): a["title"] for a in self._articles.values()}

    def categories(self) -> list[str]:
        with self._lock:
            return sorted({self.category_of(a)[0] for a in self._articles.values()})

    def _category_ids(self, cat: str) -> list[str]:
        old = next((o for o, (slug, _) in WP_CATEGORIES.items() if slug == cat), cat)
        return self._folder_ids(old)

    def _newest(self, count: int) -> list[dict[str, Any]]:
        with self._lock:
            return sorted(self._articles.values(), key=lambda a: a["published_at"], reverse=True)[:count]

    def article_requests(self) -> list[Any]:
        return self.requests(lambda e: _POST.match(e.path) is not None and not e.path.startswith(("/feed/", "/gioi-thieu/")))

    # -- pages -----------------------------------------------------------------------
    def _frame(self, title: str, body_class: str, content: str, head: str = "") -> str:
        b = self.base_url
        cats = {slug: name for slug, name in WP_CATEGORIES.values()}

        def item(slug: str) -> str:
            return f'<li class="menu-item menu-item-type-taxonomy"><a href="{b}/category/{slug}/">{esc(cats.get(slug, slug))}</a></li>'

        menu = (
            f'<ul id="primary-menu" class="menu"><li class="menu-item"><a href="{b}/">Trang chủ</a></li>'
            f'<li class="menu-item menu-item-has-children"><a href="{b}/category/tin-tuc/">Tin tức</a>'
            f'<ul class="sub-menu">{item("chinh-quyen")}{item("kinh-te")}{item("van-hoa-xa-hoi")}'
            f'{item("quoc-phong-an-ninh")}<li class="menu-item"><a href="{b}/category/{DEAD_CATEGORY}/">Thông báo</a></li></ul></li>'
            f'<li class="menu-item"><a href="{b}/gioi-thieu/">Giới thiệu</a></li></ul>'
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="UTF-8">\n'
            f"<title>{esc(title)} &#8211; Cổng TTĐT xã Kỳ Tân</title>\n{head}"
            f'<link rel="alternate" type="application/rss+xml" title="Cổng TTĐT xã Kỳ Tân &raquo; Dòng thông tin" href="{b}/feed/" />\n'
            f"<link rel='stylesheet' id='theme-style-css' href='{b}/wp-content/themes/portal/style.css?ver=6.4' media='all' />\n"
            f"<script src='{b}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'></script>\n"
            f'</head>\n<body class="{body_class}">\n<div id="page" class="site">\n'
            f'<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="{b}/" rel="home">'
            "Cổng TTĐT xã Kỳ Tân</a></p></div>"
            f'<nav id="site-navigation" class="main-navigation">{menu}</nav></header>\n'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">\n'
            f"{content}\n</main></div>\n"
            '<aside id="secondary" class="widget-area"><section class="widget widget_search"><form role="search" '
            f'action="{b}/"><input type="search" name="s"></form></section></aside></div>\n'
            '<footer id="colophon" class="site-footer"><div class="site-info">UBND xã Kỳ Tân</div></footer>\n'
            "</div>\n</body>\n</html>\n"
        )

    def _excerpt(self, art: dict[str, Any]) -> str:
        pid = self._posts[self.article_id(art)]
        cat, name = self.category_of(art)
        return (
            f'<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard hentry category-{cat}">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{self.post_url(art)}" rel="bookmark">'
            f'{esc(art["title"])}</a></h2><div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
            f'datetime="{art["published_at"]}">{_day(art)}</time></span></div></header>'
            f'<div class="entry-summary"><p>{esc(art["lead"][:200])} [&hellip;]</p></div></article>'
        )

    def home(self) -> str:
        posts = "".join(self._excerpt(a) for a in self._newest(self.home_size))
        return self._frame("Trang chủ", "home blog", posts)

    def category_page(self, cat: str, page: int) -> str | None:
        ids = self._category_ids(cat)
        pages = -(-len(ids) // self.per_page)
        if not ids or not 1 <= page <= pages:
            return None
        with self._lock:
            arts = [self._articles[a] for a in ids[(page - 1) * self.per_page:page * self.per_page]]
        b = self.base_url

        def href(n: int) -> str:
            return f"{b}/category/{cat}/" if n == 1 else f"{b}/category/{cat}/page/{n}/"

        links = []
        if page > 1:
            links.append(f'<a class="prev page-numbers" href="{href(page - 1)}">&laquo; Trang trước</a>')
        for n in range(1, pages + 1):
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                         else f'<a class="page-numbers" href="{href(n)}">{n}</a>')
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{href(page + 1)}">Trang sau &raquo;</a>')
        name = next((n for s, n in WP_CATEGORIES.values() if s == cat), cat)
        content = (
            f'<header class="page-header"><h1 class="page-title">Chuyên mục: <span>{esc(name)}</span></h1></header>'
            + "".join(self._excerpt(a) for a in arts)
            + f'<nav class="navigation pagination" aria-label="Phân trang bài viết"><div class="nav-links">{"".join(links)}</div></nav>'
        )
        return self._frame(name, f"archive category category-{cat}", content)

    def _render_article(self, art: dict[str, Any]) -> str:
        aid = self.article_id(art)
        pid = self._posts[aid]
        cat, name = self.category_of(art)
        url = self.post_url(art)
        b = self.base_url
        parts = [f"<p><strong>{esc(art['lead'])}</strong></p>"]
        for block in art["blocks"]:
            if block["type"] == "p":
                parts.append(f"<p>{esc(block['text'])}</p>")
            elif block["type"] == "img":
                cap = f'<figcaption class="wp-element-caption">{esc(block["caption"])}</figcaption>' if block.get("caption") else ""
                parts.append(f'<figure class="wp-block-image size-large"><img decoding="async" src="{b}/wp-content/uploads'
                             f'{esc(block["src"])}" alt="">{cap}</figure>')
        if art.get("byline"):
            parts.append(f'<p style="text-align: right;"><strong>{esc(art["byline"])}</strong></p>')
        ids = self._category_ids(cat)
        i = ids.index(aid) if aid in ids else -1
        with self._lock:
            neighbours = [self._articles[x] for x in ids[max(0, i - 1):i] + ids[i + 1:i + 2]] if i >= 0 else []
        nav = "".join(
            f'<div class="nav-{side}"><a href="{self.post_url(o)}" rel="{side[:4]}">{esc(o["title"])}</a></div>'
            for side, o in zip(("previous", "next"), neighbours, strict=False)
        )
        related = "".join(f'<li><a href="{self.post_url(o)}">{esc(o["title"])}</a></li>' for o in neighbours)
        head = (
            f'<link rel="canonical" href="{url}" />\n<link rel="shortlink" href="{b}/?p={pid}" />\n'
            '<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{esc(art["title"])}" />\n<meta property="og:url" content="{url}" />\n'
            f'<meta property="article:published_time" content="{art["published_at"]}" />\n'
        )
        content = (
            f'<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard hentry category-{cat}">'
            f'<header class="entry-header"><h1 class="entry-title">{esc(art["title"])}</h1>'
            f'<div class="entry-meta"><span class="posted-on">Đăng ngày <a href="{url}" rel="bookmark"><time class="entry-date published" '
            f'datetime="{art["published_at"]}">{_day(art)}</time></a></span></div></header>'
            f'<div class="entry-content">{"".join(parts)}</div>'
            f'<footer class="entry-footer"><span class="cat-links">Chuyên mục <a href="{b}/category/{cat}/" rel="category tag">'
            f"{esc(name)}</a></span></footer></article>"
            + (f'<div class="related-posts"><h3>Bài viết liên quan</h3><ul>{related}</ul></div>' if related else "")
            + (f'<nav class="navigation post-navigation" aria-label="Bài viết"><div class="nav-links">{nav}</div></nav>' if nav else "")
        )
        return self._frame(art["title"], f"post-template-default single single-post postid-{pid}", content, head)

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{esc(a['title'])}</title><link>{self.post_url(a)}</link>"
            f"<guid isPermaLink=\"false\">{self.base_url}/?p={self._posts[self.article_id(a)]}</guid></item>"
            for a in self._newest(self.feed_size)
        )
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Cổng TTĐT xã Kỳ Tân</title>'
                f"<link>{self.base_url}</link>{items}</channel></rss>")

    def sitemap_index(self) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.base_url}/wp-sitemap-posts-post-1.xml</loc></sitemap>"
                f"<sitemap><loc>{self.base_url}/wp-sitemap-taxonomies-category-1.xml</loc></sitemap></sitemapindex>")

    def sitemap_posts(self) -> str:
        with self._lock:
            arts = list(self._articles.values())
        urls = "".join(f"<url><loc>{self.post_url(a)}</loc></url>" for a in arts)
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def sitemap_categories(self) -> str:
        urls = "".join(f"<url><loc>{self.base_url}/category/{c}/</loc></url>" for c in self.categories())
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def _handler_base(self) -> type[_Handler]:
        return _WordPressHandler


def _day(art: dict[str, Any]) -> str:
    return art["date_text"].split(" ", 1)[1]  # "15/03/2023"


class _WordPressHandler(_Handler):
    replica: WordPressReplica
    server_version = "nginx"

    def _route(self, path: str) -> tuple[int, bytes, dict[str, str], str]:
        rep = self.replica
        not_found = (404, rep._frame("Không tìm thấy trang", "error404", "<h1>Không tìm thấy trang</h1>").encode(), {}, _HTML)
        if path == "/robots.txt":
            text = (f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                    f"Sitemap: {rep.base_url}/wp-sitemap.xml\n")
            return 200, text.encode(), {}, "text/plain; charset=utf-8"
        if path == "/":
            return 200, rep.home().encode(), {}, _HTML
        if path == "/feed/":
            return 200, rep.feed().encode(), {}, "application/rss+xml; charset=UTF-8"
        if path == "/wp-sitemap.xml":
            return 200, rep.sitemap_index().encode(), {}, "application/xml; charset=UTF-8"
        if path == "/wp-sitemap-posts-post-1.xml":
            return 200, rep.sitemap_posts().encode(), {}, "application/xml; charset=UTF-8"
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            return 200, rep.sitemap_categories().encode(), {}, "application/xml; charset=UTF-8"
        if path == "/gioi-thieu/":
            page = rep._frame("Giới thiệu", "page", '<article class="page"><h1 class="entry-title">Giới thiệu</h1>'
                              '<div class="entry-content"><p>Xã Kỳ Tân nằm ở phía tây huyện Kỳ Anh.</p></div></article>')
            return 200, page.encode(), {}, _HTML
        if not path.endswith("/") and _POST.match(path + "/"):
            return 301, b"", {"Location": rep.base_url + path + "/"}, _HTML  # WordPress adds the slash
        m = _CATEGORY.match(path)
        if m:
            text = rep.category_page(m.group("cat"), int(m.group("page") or 1))
            return (200, text.encode(), {}, _HTML) if text else not_found
        m = _POST.match(path)
        if m:
            with rep._lock:
                aid = next((a for a, art in rep._articles.items() if rep.slug_of(art) == m.group("slug")), "")
            return self._article(aid) if aid else not_found
        return not_found
