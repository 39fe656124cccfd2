"""Listing pages: the article links, their dates and the next page, via the profile's selectors.

Pure functions of (bytes, URL, profile), like the extractor: the crawler
fetches, this module reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..site.profile import Profile
from ..site.urls import ArticleRef, absolute, is_on_site, parse_article_url, strip_tracking

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NEXT_WORDS = ("sau", "tiếp", "next", "»", "›", ">")


@dataclass(slots=True)
class ListingItem:
    ref: ArticleRef
    date: str | None = None  # ISO yyyy-mm-dd as the listing prints it


@dataclass(slots=True)
class Listing:
    items: list[ListingItem] = field(default_factory=list)
    next_url: str | None = None


def folder_url(profile: Profile, folder: str, page: int = 1) -> str:
    if page <= 1:
        return profile.url_for("folder", folder=folder)
    return profile.url_for("folder_page", folder=folder, page=page)


def _decode(body: bytes) -> str:
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


def parse_listing(body: bytes, url: str, profile: Profile) -> Listing:
    """The articles a folder page lists (in page order, once each) and its next page."""
    tree = LexborHTMLParser(_decode(body))
    sel = profile.selectors
    out = Listing()
    seen: set[str] = set()

    def add(href: str | None, context_text: str) -> None:
        target = absolute(href or "", url)
        if target is None:
            return
        ref = parse_article_url(strip_tracking(target), profile)
        if ref is None or ref.article_id in seen:
            return
        seen.add(ref.article_id)
        out.items.append(ListingItem(ref, _date(context_text)))

    item_sel = sel.get("listing_item")
    if item_sel:
        link_sel = sel.get("listing_link") or "a[href]"
        for node in tree.css(item_sel):
            links = node.css(link_sel) or node.css("a[href]")
            for a in links:
                add(a.attributes.get("href"), node.text(separator=" "))
    else:
        # A profile without listing markup: every article link in the page (or its listing_root);
        # an empty page of a profile that has the markup must not fall back to the sidebar.
        root = tree.css_first(sel.get("listing_root", "")) if sel.get("listing_root") else None
        for a in (root or tree).css("a[href]"):
            add(a.attributes.get("href"), a.text())

    out.next_url = _next(tree, url, profile)
    return out


def _next(tree: LexborHTMLParser, url: str, profile: Profile) -> str | None:
    sel = profile.selectors
    candidates = []
    if sel.get("pager_next"):
        candidates += [a.attributes.get("href") for a in tree.css(sel["pager_next"])]
    if not candidates and sel.get("pager"):
        for a in tree.css(sel["pager"]):
            text = (a.text() or "").strip().lower()
            if text and any(w in text for w in _NEXT_WORDS):
                candidates.append(a.attributes.get("href"))
    if not candidates:
        for a in tree.css('a[rel="next"], link[rel="next"]'):
            candidates.append(a.attributes.get("href"))
    for href in candidates:
        target = absolute(href or "", url)
        if target and target != url:
            return target
    return None


ASSET_EXTENSIONS = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".zip", ".rar",
)


def asset_urls(body: bytes, url: str, profile: Profile) -> list[str]:
    """Images and attachments an article links from its content, on the site, once each."""
    tree = LexborHTMLParser(_decode(body))
    content_sel = profile.selectors.get("content")
    root = (tree.css_first(content_sel) if content_sel else None) or tree.body or tree.root
    out: list[str] = []
    if root is None:
        return out
    for node in root.css("img[src], a[href]"):
        href = node.attributes.get("src") if node.tag == "img" else node.attributes.get("href")
        target = absolute(href or "", url)
        if target is None or not is_on_site(target, profile):
            continue
        path = urlsplit(target).path.lower()
        if node.tag == "a" and not path.endswith(ASSET_EXTENSIONS):
            continue
        canonical = profile.base_url + urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query else "")
        if canonical not in out:
            out.append(canonical)
    return out
