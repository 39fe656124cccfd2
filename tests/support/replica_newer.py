"""A replica of the portal on the NEWER software (2025), on 127.0.0.1: real HTTP, as :mod:`.replica`.

What the newer software serves, written fresh (not the old templates):

- the home at ``/`` (the old home ``/kyanh/portal`` answers 301 to it), with a
  nav menu whose entries open nested sub-menus, the latest articles and an
  RSS ``<link rel="alternate">``;
- sections at ``/vi/<section>``, paging with ``?page=N`` (numbered links,
  a "Trang sau" ``rel=next`` link);
- articles at ``/vi/<section>/tin-bai/<n>/<slug>``, also served as
  ``/<section>/tin-bai/<n>`` and ``/en/<section>/tin-bai/<n>/<slug>``:
  listings, the home and related-news blocks mix the three forms;
- article markup ``<article class="post-detail">`` with ``h1.detail-title``,
  ``div.detail-time``, ``div.detail-content``, breadcrumbs, a related block;
- ``/sitemap.xml`` (named in robots.txt) and ``/rss`` (RSS 2.0).

Content is the fixture corpus (or synthetic articles), re-rendered. The
faults are :class:`.replica.Faults`, drawn per request as the old replica does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.render import FOLDER_NAMES, article_path, esc, folder_of
from tests.support.replica import BASE, Faults, Replica, _Handler

__all__ = ["NEWER_SECTIONS", "NewerReplica"]

# The old folders under the newer software's section slugs (not the old names).
NEWER_SECTIONS = {
    "tin-tuc-su-kien": "tin-tuc-su-kien",
    "tin-tuc-khac": "tin-khac",
    "kinh-te": "kinh-te-phat-trien",
    "van-hoa-xa-hoi": "van-hoa-xa-hoi",
    "quoc-phong-an-ninh": "quoc-phong-an-ninh",
    "thong-bao": "thong-bao-moi",
}
# The menu: top entries, each opening a sub-menu (nested once more for the news).
_MENU = (
    ("Tin tức", ("tin-tuc-su-kien", ("tin-khac", "thong-bao-moi"))),
    ("Lĩnh vực", ("kinh-te-phat-trien", "van-hoa-xa-hoi", "quoc-phong-an-ninh")),
)
_ARTICLE = re.compile(r"^(?:/(?P<lang>vi|en))?/(?P<section>[a-z0-9-]+)/tin-bai/(?P<n>\d+)(?:/(?P<slug>[^/]+))?/?$")
_SECTION = re.compile(r"^/vi/(?P<section>[a-z0-9-]+)/?$")
_HTML = "text/html; charset=utf-8"
_NOT_FOUND = (404, "<html><body><h1>404</h1><p>Trang không tồn tại</p></body></html>".encode(), {}, _HTML)


class NewerReplica(Replica):
    """The newer software serving articles given in the corpus JSON form.

    Each article gets a number ``n`` (its place by date, from ``first_number``);
    ``n`` and the section slug are what the addresses carry.
    """

    def __init__(self, articles: Iterable[dict[str, Any]] = (), *, per_page: int = 5, first_number: int = 1001,
                 robots: str | None = None, faults: Faults | None = None, seed: int = 0,
                 feed_size: int = 10, home_size: int = 6) -> None:
        self.first_number = first_number
        self.feed_size = feed_size
        self.home_size = home_size
        self._numbers: dict[str, int] = {}
        self._by_number: dict[int, str] = {}
        super().__init__(articles, per_page=per_page, faults=faults, seed=seed,
                         robots=robots if robots is not None else "User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n")

    # -- content ---------------------------------------------------------------------
    def add(self, article: dict[str, Any], *, also_in: Iterable[str] = (), href: str | None = None) -> str:
        aid = super().add(article, also_in=also_in, href=href)
        with self._lock:
            if aid not in self._numbers:
                n = self.first_number + len(self._numbers)
                self._numbers[aid] = n
                self._by_number[n] = aid
        return aid

    def number(self, article_id: str) -> int:
        return self._numbers[article_id]

    def section_of(self, article: dict[str, Any]) -> str:
        return NEWER_SECTIONS.get(folder_of(article), folder_of(article))

    @staticmethod
    def slug_of(article: dict[str, Any]) -> str:
        return article_path(article).split("/")[6].removesuffix(".html")

    def href(self, article: dict[str, Any], form: int = 0) -> str:
        """One of the three address forms: 0 ``/vi/…/slug``, 1 ``/<section>/tin-bai/<n>``, 2 ``/en/…/slug``."""
        n, section, slug = self._numbers[self.article_id(article)], self.section_of(article), self.slug_of(article)
        return (f"/vi/{section}/tin-bai/{n}/{slug}", f"/{section}/tin-bai/{n}", f"/en/{section}/tin-bai/{n}/{slug}")[form % 3]

    def key(self, article_id: str) -> str:
        """The archive key the crawler files the article under (no 14-digit id on this software)."""
        return f"tin-bai:{self._numbers[article_id]}"

    def truth(self) -> dict[str, str]:
        """Every served article: archive key -> title."""
        with self._lock:
            return {self.key(aid): art["title"] for aid, art in self._articles.items()}

    def sections(self) -> list[str]:
        return sorted({self.section_of(a) for a in self._articles.values()})

    def _section_ids(self, section: str) -> list[str]:
        old = {v: k for k, v in NEWER_SECTIONS.items()}.get(section, section)
        return self._folder_ids(old)

    def section_pages(self, section: str) -> int:
        return max(1, -(-len(self._section_ids(section)) // self.per_page))

    def _newest(self, count: int) -> list[dict[str, Any]]:
        with self._lock:
            arts = sorted(self._articles.values(), key=lambda a: a.get("published_at") or "", reverse=True)
            return arts[:count]

    # -- pages -----------------------------------------------------------------------
    def _menu(self) -> str:
        def entry(item: Any) -> str:
            if isinstance(item, tuple):
                return f'<ul class="sub-menu">{"".join(entry(i) for i in item)}</ul>'
            return f'<li class="menu-item"><a href="/vi/{item}">{esc(_section_title(item))}</a></li>'

        tops = "".join(
            f'<li class="menu-item has-children"><a href="javascript:void(0)">{esc(label)}</a>'
            f'<ul class="sub-menu">{"".join(entry(i) for i in items)}</ul></li>'
            for label, items in _MENU
        )
        return (f'<nav class="main-nav"><ul class="nav-menu"><li class="menu-item"><a href="/">Trang chủ</a></li>'
                f"{tops}</ul></nav>")

    def _frame(self, title: str, content: str) -> str:
        return (
            '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">\n'
            f"<title>{esc(title)}</title>\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss">\n'
            '<link rel="stylesheet" href="/themes/portal/css/main.css">\n</head>\n<body class="portal-2025">\n'
            '<header class="site-header"><div class="brand"><a href="/"><img src="/themes/portal/img/logo.svg" alt="">'
            "Cổng thông tin điện tử huyện Kỳ Anh</a></div>"
            f"{self._menu()}</header>\n"
            f'<main class="site-main"><div class="container">{content}</div></main>\n'
            '<footer class="site-footer"><p>Cơ quan chủ quản: UBND huyện Kỳ Anh, tỉnh Hà Tĩnh</p>'
            '<p><a href="/vi/lien-he">Liên hệ</a></p></footer>\n</body></html>\n'
        )

    def _card(self, art: dict[str, Any], form: int) -> str:
        return (
            f'<div class="card-news"><a class="card-img" href="{self.href(art, form)}"><img src="/uploads/thumb.jpg" alt=""></a>'
            f'<h3 class="card-title"><a href="{self.href(art, form)}">{esc(art["title"])}</a></h3>'
            f'<div class="card-meta"><span class="date">{esc(_date_text(art))}</span></div>'
            f'<p class="card-summary">{esc(art["lead"][:160])}</p></div>'
        )

    def home(self) -> str:
        cards = "".join(self._card(a, i) for i, a in enumerate(self._newest(self.home_size)))
        return self._frame("Cổng thông tin điện tử huyện Kỳ Anh",
                           f'<section class="home-latest"><h2>Tin mới nhất</h2><div class="list-news">{cards}</div></section>')

    def listing(self, section: str, page: int) -> str | None:
        ids = self._section_ids(section)
        if not ids:
            return None
        pages = max(1, -(-len(ids) // self.per_page))
        if page > pages or page < 1:
            return None
        with self._lock:
            arts = [self._articles[a] for a in ids[(page - 1) * self.per_page:page * self.per_page]]
        cards = "".join(self._card(a, page + i) for i, a in enumerate(arts))
        links = []
        for k in range(1, pages + 1):
            href = f"/vi/{section}" if k == 1 else f"/vi/{section}?page={k}"
            links.append(f'<li class="active"><span>{k}</span></li>' if k == page else f'<li><a href="{href}">{k}</a></li>')
        if page < pages:
            links.append(f'<li><a rel="next" href="/vi/{section}?page={page + 1}">Trang sau</a></li>')
        content = (
            f'<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li>{esc(_section_title(section))}</li></ol>'
            f'<h1 class="section-title">{esc(_section_title(section))}</h1>'
            f'<div class="list-news">{cards}</div><ul class="pagination">{"".join(links)}</ul>'
        )
        return self._frame(f"{_section_title(section)} - Kỳ Anh", content)

    def _render_article(self, art: dict[str, Any]) -> str:
        aid = self.article_id(art)
        section = self.section_of(art)
        body = [f'<div class="detail-sapo"><strong>{esc(art["lead"])}</strong></div>']
        for block in art["blocks"]:
            if block["type"] == "p":
                body.append(f"<p>{esc(block['text'])}</p>")
            elif block["type"] == "img":
                cap = f"<figcaption>{esc(block['caption'])}</figcaption>" if block.get("caption") else ""
                body.append(f'<figure class="image"><img src="{esc(block["src"])}" alt="">{cap}</figure>')
        if art.get("byline"):
            body.append(f'<p class="detail-author"><strong>{esc(art["byline"])}</strong></p>')
        related = self._related(aid, section)
        content = (
            f'<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li>'
            f'<li><a href="/vi/{section}">{esc(art["category"])}</a></li></ol>'
            '<article class="post-detail">'
            f'<h1 class="detail-title">{esc(art["title"])}</h1>'
            f'<div class="detail-time">{esc(_date_text(art))}</div>'
            f'<div class="detail-content">{"".join(body)}</div>'
            '<div class="detail-share"><a href="javascript:window.print()">In bài</a></div>'
            "</article>"
            + (f'<div class="tin-lien-quan"><h3>Tin liên quan</h3><ul>{related}</ul></div>' if related else "")
        )
        return self._frame(art["title"], content)

    def _related(self, aid: str, section: str) -> str:
        """Two neighbours in the section, in mixed address forms."""
        ids = self._section_ids(section)
        if aid not in ids:
            return ""
        i = ids.index(aid)
        items = []
        for k, other in enumerate(ids[i + 1:i + 3]):
            art = self._articles[other]
            items.append(f'<li><a href="{self.href(art, i + k + 1)}">{esc(art["title"])}</a></li>')
        return "".join(items)

    def sitemap(self) -> str:
        with self._lock:
            arts = list(self._articles.values())
        urls = "".join(f"<url><loc>{self.base_url}{self.href(a)}</loc><lastmod>{a['published_at'][:10]}</lastmod></url>"
                       for a in arts)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{esc(a['title'])}</title><link>{self.base_url}{self.href(a)}</link>"
            f"<pubDate>{a['published_at']}</pubDate></item>"
            for a in self._newest(self.feed_size)
        )
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Kỳ Anh</title>'
                f"<link>{self.base_url}/</link>{items}</channel></rss>\n")

    def article_requests(self) -> list[Any]:
        return self.requests(lambda e: "/tin-bai/" in e.path)

    def _handler_base(self) -> type[_Handler]:
        return _NewerHandler


def _section_title(section: str) -> str:
    old = {v: k for k, v in NEWER_SECTIONS.items()}.get(section)
    return FOLDER_NAMES.get(old or "", section.replace("-", " ").capitalize())


def _date_text(art: dict[str, Any]) -> str:
    # "15/03/2023 16:20": the newer software's order, date first.
    hm, dmy = art["date_text"].split(" ", 1)
    return f"{dmy} {hm}"


class _NewerHandler(_Handler):
    replica: NewerReplica

    def _route(self, path: str) -> tuple[int, bytes, dict[str, str], str]:
        rep = self.replica
        if path == "/robots.txt":
            return 200, rep.robots.encode(), {}, "text/plain; charset=utf-8"
        if path in ("/", "/vi", "/vi/"):
            return 200, rep.home().encode(), {}, _HTML
        if path.rstrip("/") == BASE:
            return 301, b"", {"Location": "/"}, _HTML  # the old home: the site moved to the newer software
        if path == "/sitemap.xml":
            return 200, rep.sitemap().encode(), {}, "application/xml; charset=utf-8"
        if path == "/rss":
            return 200, rep.feed().encode(), {}, "application/rss+xml; charset=utf-8"
        if path == "/vi/lien-he":
            return 200, rep._frame("Liên hệ", "<h1>Liên hệ</h1><p>UBND huyện Kỳ Anh</p>").encode(), {}, _HTML
        m = _ARTICLE.match(path)
        if m:
            aid = rep._by_number.get(int(m.group("n")))
            with rep._lock:
                art = rep._articles.get(aid) if aid else None
            if art is None or rep.section_of(art) != m.group("section"):
                return _NOT_FOUND
            return self._article(aid or "")
        m = _SECTION.match(path)
        if m:
            query = parse_qs(urlsplit(self.path).query)
            page = query.get("page", ["1"])[0]
            text = rep.listing(m.group("section"), int(page) if page.isdigit() else 0)
            return (200, text.encode(), {}, _HTML) if text is not None else _NOT_FOUND
        return _NOT_FOUND
