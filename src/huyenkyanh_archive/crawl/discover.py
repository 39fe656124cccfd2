"""Reading a site's pages for what they link: listed articles, sections, the next page, feeds, sitemaps.

Pure functions of (bytes, URL, site), like the extractor: the crawl fetches,
this module reads. The rules are the site's, not a list's:

- **listed articles** are links whose address is an article of the site
  (any generation's address form; for a site known only by its address, an
  article-shaped address or a link in an item's heading) outside the page's
  chrome (menus, header, footer, sidebars), or inside the profile's listing
  markup where it has one;
- **section candidates** are the site's other pages that the menus
  (nested sub-menus too) and breadcrumbs link, and any link in a profile's
  section address form;
- **the next page** is a ``rel=next`` link, a pager link saying "Sau",
  "Trang sau", "Tiếp", "»", or the link to page N+1 (``?page=N``,
  ``/page/N/``, ``/N.html``);
- **feeds** are the RSS/Atom ``<link rel="alternate">`` of the page.
"""

from __future__ import annotations

import functools
import gzip
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..site.site import Site
from ..site.urls import ArticleRef, absolute, parse_article_url, strip_tracking

__all__ = ["Listing", "ListedArticle", "SectionLink", "SitemapDoc", "asset_urls", "decode_page", "read_feed",
           "read_page", "read_sitemap", "section_address", "section_key", "sitemap_articles", "sitemaps_in_robots"]

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NEXT_WORDS = ("sau", "tiếp", "tiep", "next", "»", "›", "older")
_CHROME = ("nav", "header", "footer", "aside")
_CHROME_WORDS = re.compile(r"menu|nav|header|footer|sidebar|side-bar|breadcrumb|widget|banner|topbar|bottom|mega",
                           re.I)
_MENU_WORDS = re.compile(r"menu|nav|mega|dropdown|sub", re.I)
_ITEM_CONTEXT = ("h1", "h2", "h3", "h4", "article")
_ITEM_WORDS = re.compile(r"title|entry|post|news|item|tin|bai", re.I)
_PAGE_PARAMS = ("page", "trang", "paged", "pg")
_WP_PAGE = re.compile(r"/page/\d+/?$")
_NUMBERED_PAGE = re.compile(r"/\d{1,5}\.html?$", re.I)  # the old portal's /<folder>/N.html pages
_MAX_LINKS = 20_000  # a page with more links than this is read only that far


@dataclass(frozen=True, slots=True)
class ListedArticle:
    ref: ArticleRef
    date: str | None = None  # ISO yyyy-mm-dd as the listing prints it


@dataclass(frozen=True, slots=True)
class SectionLink:
    url: str  # canonical address on the site
    text: str
    via: str  # "menu" (a menu or breadcrumb) or "listing" (a section address form elsewhere)


@dataclass(slots=True)
class Listing:
    """What one HTML page of the site links."""

    articles: list[ListedArticle] = field(default_factory=list)
    sections: list[SectionLink] = field(default_factory=list)
    next_url: str | None = None
    feeds: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SitemapDoc:
    """What a sitemap (or sitemap index) lists.

    Its addresses stay strings until the planner reads them, a slice at a time
    (:func:`sitemap_articles`): a sitemap may list 50,000.
    """

    locs: list[str] = field(default_factory=list)  # the site's addresses it lists, absolute
    sitemaps: list[str] = field(default_factory=list)
    posts: bool = False  # named as a sitemap of posts: its addresses are articles on a site without profile


def decode_page(body: bytes) -> str:
    """Text of a page for link reading: the declared charset, else UTF-8, errors replaced."""
    head = body[:2048].lower()
    m = re.search(rb"charset=[\"']?([a-z0-9_-]+)", head)
    if m:
        try:
            return body.decode(m.group(1).decode(), "replace")
        except LookupError:
            pass
    return body.decode("utf-8", "replace")


def _date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    d, mo, y = (int(x) for x in m.groups())
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _item_date(link: LexborNode) -> str | None:
    """The date a listing prints beside an article link: in the link's parent, or in the
    item around it (the date often follows the title's heading), never in a container
    that holds other items' links."""
    node = link.parent
    for _ in range(3):
        if node is None:
            return None
        found = _date(node.text(separator=" ")[:300])
        if found:
            return found
        node = node.parent
        if node is not None and len(node.css("a[href]")) > 3:
            return None  # the list itself: a date there belongs to another item
    return None


@functools.lru_cache(maxsize=8192)  # menus repeat on every page: the same links, over and over
def section_address(url: str) -> str:
    """A section's first page as the site links it: path and query, page numbers dropped, the
    path's trailing slash kept (WordPress answers ``/category/x`` with a redirect to ``/category/x/``)."""
    parts = urlsplit(url)
    path = _NUMBERED_PAGE.sub("", _WP_PAGE.sub("/", parts.path)) or "/"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _PAGE_PARAMS])
    return path + (f"?{query}" if query else "")


@functools.lru_cache(maxsize=8192)
def section_key(url: str) -> str:
    """A section's identity: its first page's path and query on the site, page numbers and the
    trailing slash dropped."""
    path, sep, query = section_address(url).partition("?")
    return (path.rstrip("/") or "/") + sep + query


def _marked(tree: LexborHTMLParser, selector: str) -> set[int]:
    """mem_ids of the links inside the elements ``selector`` matches."""
    out: set[int] = set()
    try:
        nodes = tree.css(selector)
    except (ValueError, SyntaxError):
        return out
    for node in nodes:
        out.update(a.mem_id for a in node.css("a[href]"))
    return out


def _chrome_links(tree: LexborHTMLParser) -> tuple[set[int], set[int]]:
    """(links in the page's chrome, links in its menus and breadcrumbs)."""
    chrome: set[int] = set()
    menus: set[int] = set()
    for node in tree.css("nav, header, footer, aside, [class], [id]"):
        tag = node.tag
        attrs = node.attributes
        words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if tag in _CHROME or _CHROME_WORDS.search(words):
            ids = {a.mem_id for a in node.css("a[href]")}
            chrome |= ids
            if tag == "nav" or _MENU_WORDS.search(words) or "breadcrumb" in words.lower():
                menus |= ids
    return chrome, menus


def _in_item_heading(node: LexborNode) -> bool:
    """A link in a heading, an <article>, or an element named like a news item's title."""
    parent = node.parent
    for _ in range(4):
        if parent is None:
            return False
        if parent.tag in _ITEM_CONTEXT:
            return True
        if _ITEM_WORDS.search(parent.attributes.get("class") or ""):
            return True
        parent = parent.parent
    return False


def read_page(body: bytes, url: str, site: Site, *, text: str | None = None) -> Listing:
    """The articles, sections, next page and feeds an HTML page of the site links."""
    tree = LexborHTMLParser(text if text is not None else decode_page(body))
    profile = site.profile_for(url)
    sel = profile.selectors
    out = Listing()
    chrome, menus = _chrome_links(tree)
    listed = _marked(tree, sel["listing_item"]) if sel.get("listing_item") else set()
    seen_articles: set[str] = set()
    seen_sections: set[str] = set()
    page_key = section_key(site.canonical(url))
    # Article links in the chrome (not in menus), kept for a page whose whole content
    # sits in an element named like chrome ("content-sidebar-wrap").
    chrome_articles: list[ListedArticle] = []
    for i, a in enumerate(tree.css("a[href]")):
        if i >= _MAX_LINKS:
            break
        target = absolute(a.attributes.get("href") or "", url)
        if target is None or not site.on_site(target):
            continue
        target = strip_tracking(target)
        ref = site.article(target)
        in_chrome = a.mem_id in chrome
        if ref is None and site.generic and not in_chrome and _in_item_heading(a):
            ref = parse_article_url(site.canonical(target), profile, assume_article=True)
        if ref is not None:
            # In listing markup when the profile has it, otherwise anywhere outside the chrome.
            if ref.key in seen_articles:
                continue
            item = ListedArticle(ref, _item_date(a))
            if a.mem_id in listed if listed else not in_chrome:
                seen_articles.add(ref.key)
                out.articles.append(item)
            elif not listed and a.mem_id not in menus:
                chrome_articles.append(item)
            continue
        canonical = site.canonical(target)
        key = section_key(canonical)
        if key == page_key or key in seen_sections or _not_a_page(canonical):
            continue
        if a.mem_id in menus:
            seen_sections.add(key)
            out.sections.append(SectionLink(canonical, (a.text() or "").strip()[:200], "menu"))
        elif site.section(canonical) is not None:
            seen_sections.add(key)
            out.sections.append(SectionLink(canonical, (a.text() or "").strip()[:200], "listing"))
    if not out.articles and len({c.ref.key for c in chrome_articles}) >= 3:
        out.articles = list({c.ref.key: c for c in chrome_articles}.values())
    out.next_url = _next(tree, url, site)
    for link in tree.css('link[rel="alternate"]'):
        kind = (link.attributes.get("type") or "").lower()
        if "rss" in kind or "atom" in kind:
            target = absolute(link.attributes.get("href") or "", url)
            if target and site.on_site(target):
                out.feeds.append(site.canonical(target))
    return out


_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|pdf|docx?|xlsx?|pptx?|zip|rar|7z|css|js|mp[34]|avi|mov)$", re.I)


def _not_a_page(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return bool(_FILE.search(path)) or "/search" in path or "/tim-kiem" in path or "/login" in path


def _page_number(url: str) -> int:
    parts = urlsplit(url)
    for k, v in parse_qsl(parts.query):
        if k.lower() in _PAGE_PARAMS and v.isdigit():
            return int(v)
    m = re.search(r"/page/(\d+)/?$", parts.path) or re.search(r"/(\d{1,5})\.html?$", parts.path)
    return int(m.group(1)) if m else 1


def _next(tree: LexborHTMLParser, url: str, site: Site) -> str | None:
    """The listing's next page: an explicit next link, else the link to page N+1 of this section."""
    sel = site.profile_for(url).selectors
    candidates: list[str | None] = []
    for selector in (sel.get("pager_next"), 'a[rel="next"], link[rel="next"]'):
        if selector:
            try:
                candidates += [a.attributes.get("href") for a in tree.css(selector)]
            except (ValueError, SyntaxError):
                pass
    pager_links = []
    try:
        pager_links = tree.css(sel["pager"]) if sel.get("pager") else []
    except (ValueError, SyntaxError):
        pager_links = []
    for a in pager_links or tree.css(".pager a, .pagination a, .paging a, .page-numbers, .phantrang a, nav a"):
        text = (a.text() or "").strip().lower()
        label = (a.attributes.get("aria-label") or a.attributes.get("title") or "").lower()
        if any(w in text for w in _NEXT_WORDS) or any(w in label for w in ("next", "sau", "tiếp")):
            candidates.append(a.attributes.get("href"))
    here = site.canonical(url)
    key = section_key(here)
    for href in candidates:
        target = absolute(href or "", url)
        if target and site.on_site(target) and site.canonical(target) != here:
            return site.canonical(target)
    # No next link: the numbered link to page N+1 of the same section.
    want = _page_number(here) + 1
    for a in tree.css("a[href]"):
        target = absolute(a.attributes.get("href") or "", url)
        if not target or not site.on_site(target):
            continue
        canonical = site.canonical(target)
        if _page_number(canonical) == want and _same_section(canonical, key, site):
            return canonical
    return None


def _same_section(url: str, key: str, site: Site) -> bool:
    if section_key(url) == key:
        return True
    ref = site.section(url)
    return ref is not None and section_key(ref.first_page) == key


# -- sitemaps, feeds, robots.txt --------------------------------------------------

_LOC = re.compile(r"<loc>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</loc>", re.I | re.S)
_SITEMAP_INDEX = re.compile(r"<sitemapindex\b", re.I)
# A sitemap of posts by its file name ("post-sitemap.xml", "wp-sitemap-posts-post-1.xml",
# "sitemap-news.xml"), the words whole: "sitemap" itself holds "item".
_POSTS = re.compile(r"(?<![a-z])(?:posts?|news|articles?|tin|bai|items?)(?![a-z])", re.I)
_MAX_SITEMAP = 50 * 1024 * 1024


def _ungzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return d.decompress(body, _MAX_SITEMAP)
    except (zlib.error, gzip.BadGzipFile):
        return b""


def read_sitemap(body: bytes, url: str, site: Site) -> SitemapDoc:
    """The site's addresses (or child sitemaps) a sitemap lists."""
    text = _ungzip(body).decode("utf-8", "replace")
    out = SitemapDoc(posts=bool(_POSTS.search(urlsplit(url).path.rsplit("/", 1)[-1])))
    is_index = bool(_SITEMAP_INDEX.search(text[:4096]))
    for m in _LOC.finditer(text):
        loc = absolute(_unescape(m.group(1).strip()), url)
        if loc is None or not site.on_site(loc):
            continue
        if is_index:
            out.sitemaps.append(site.canonical(loc))
        else:
            out.locs.append(loc)
    return out


def sitemap_articles(locs: Iterable[str], site: Site, *, posts: bool) -> list[ArticleRef]:
    """The articles among a sitemap's addresses (the rest are other pages)."""
    out: list[ArticleRef] = []
    for loc in locs:
        ref = site.article(loc)
        if ref is None and site.generic and posts:
            ref = parse_article_url(site.canonical(loc), site.profile_for(loc), assume_article=True)
        if ref is not None:
            out.append(ref)
    return out


_ITEM_LINK = re.compile(
    r"<item\b.*?<link>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</link>|<entry\b.*?<link\b[^>]*href=[\"']([^\"']+)", re.I | re.S
)


def read_feed(body: bytes, url: str, site: Site) -> list[ArticleRef]:
    """The articles an RSS or Atom feed lists (its items are posts: trusted as articles)."""
    text = body.decode("utf-8", "replace")
    out: list[ArticleRef] = []
    seen: set[str] = set()
    for rss, atom in _ITEM_LINK.findall(text):
        loc = absolute(_unescape((rss or atom).strip()), url)
        if loc is None or not site.on_site(loc):
            continue
        ref = site.article(loc)
        if ref is None and site.generic:
            ref = parse_article_url(site.canonical(loc), site.profile_for(loc), assume_article=True)
        if ref is not None and ref.key not in seen:
            seen.add(ref.key)
            out.append(ref)
    return out


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")


def sitemaps_in_robots(text: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt."""
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")]


# -- assets ----------------------------------------------------------------------

ASSET_EXTENSIONS = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".zip", ".rar",
)


def asset_urls(body: bytes, url: str, site: Site) -> list[str]:
    """Images and attachments an article links from its content, on the site, once each."""
    tree = LexborHTMLParser(decode_page(body))
    content_sel = site.profile_for(url).selectors.get("content")
    root = None
    if content_sel:
        try:
            root = tree.css_first(content_sel)
        except (ValueError, SyntaxError):
            root = None
    root = root or tree.body or tree.root
    out: list[str] = []
    if root is None:
        return out
    for node in root.css("img[src], a[href]"):
        href = node.attributes.get("src") if node.tag == "img" else node.attributes.get("href")
        target = absolute(href or "", url)
        if target is None or not site.on_site(target):
            continue
        parts = urlsplit(target)
        if node.tag == "a" and not parts.path.lower().endswith(ASSET_EXTENSIONS):
            continue
        canonical = site.canonical(urlunsplit(("http", "x", parts.path, parts.query, "")))
        if canonical not in out:
            out.append(canonical)
    return out
