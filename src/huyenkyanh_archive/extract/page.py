"""One article page (decoded text) -> the page-level fields of an :class:`Article`.

Each field is taken from the strongest evidence the page offers, in order:
the site profile's selectors (the portal's own markup), then page metadata
(OpenGraph, schema.org JSON-LD: the newspaper layout), then generic evidence
that works on any layout (the old table layout and pages in no known layout):
``<h1>`` or the ``<title>`` without the site's name, the block with the most
paragraph text, a printed date near the title, right-aligned bold bylines,
centred italic captions.

The text block itself (paragraphs, pictures, captions, byline) is read by
:mod:`.content`. The tree is parsed once; nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..record import Image, RelatedLink
from ..site.profile import Profile, generations
from ..site.urls import absolute, is_on_site, parse_article_url
from ..vietnamese import fold
from .content import RELATED_RE, densest_root, find_content
from .dates import PrintedDate, find_date, find_dates, parse_iso
from .html import (
    ancestors,
    clean,
    node_text,
    own_text,
    parse,
    safe_css,
    safe_css_first,
)
from .meta import PageMeta, read_meta

__all__ = ["PageFields", "extract_page"]

_HOME_WORDS = {"trang chu", "home", "trang nhat"}
_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " » ")


@dataclass(slots=True)
class PageFields:
    """What the page itself says; people and bylines are parsed by the caller."""

    url: str | None = None
    article_id: str | None = None
    site: str | None = None
    category: str | None = None
    title: str | None = None
    published_at: str | None = None
    date_text: str | None = None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)  # lead first
    images: list[Image] = field(default_factory=list)
    byline: str | None = None
    related: list[RelatedLink] = field(default_factory=list)
    layout: str = "generic"


# --------------------------------------------------------------------------- urls


def _resolve_url(url: str | None, meta: PageMeta, profile: Profile) -> tuple[str | None, str | None, str | None]:
    """(record url, article id, base for relative links)."""
    candidates = [u for u in (url, meta.get("og:url"), meta.canonical) if u]
    for cand in candidates:
        full = absolute(cand, cand if not url else url) or cand
        for generation in generations(profile):  # an address of the site's newer software is still its article
            try:
                ref = parse_article_url(full, generation)
            except ValueError:
                ref = None
            if ref is not None:
                # The 14-digit id when the address gives one, else the key the archive files it under.
                return ref.url, ref.article_id or ref.key, url or ref.url
    chosen: str | None = None
    for cand in candidates:
        resolved = absolute(cand, url or cand)
        if resolved:
            chosen = resolved
            break
    base = url or chosen
    if meta.base_href and (b := absolute(meta.base_href, base or profile.base_url + "/")):
        base = b
    return chosen, None, base


# --------------------------------------------------------------------------- title


def _strip_site_suffix(title: str, names: list[str]) -> str:
    for name in names:
        if not name:
            continue
        for sep in _TITLE_SEPARATORS:
            tail = sep + name
            if title.endswith(tail) and len(title) > len(tail):
                return title[: -len(tail)].strip()
            head = name + sep
            if title.startswith(head) and len(title) > len(head):
                return title[len(head):].strip()
    return title


def _title_pieces(title: str) -> list[str]:
    """The <title> cut at each separator (heads and tails), longest first."""
    cuts = {title}
    for sep in _TITLE_SEPARATORS:
        start = 0
        while (i := title.find(sep, start)) > 0:
            cuts.add(title[:i].strip())
            cuts.add(title[i + len(sep):].strip())
            start = i + 1
    return sorted((c for c in cuts if c), key=len, reverse=True)


_TITLE_TAG_SCORE = {"h1": 4, "h2": 3, "h3": 3, "h4": 2, "b": 2, "strong": 2, "font": 1, "a": 0, "span": 1}


def _printed_title_piece(tree: LexborHTMLParser, pieces: list[str]) -> str | None:
    wanted = {p for p in pieces if len(p) >= 8}
    if not wanted:
        return None
    best: tuple[int, int, str] | None = None
    for node in tree.css("h1, h2, h3, h4, b, strong, font, a")[:5000]:
        text = node_text(node)
        if text not in wanted:
            continue
        score = _TITLE_TAG_SCORE.get(node.tag or "", 1)
        if node.tag == "a" or any(anc.tag == "a" for anc in ancestors(node, 3)):
            score -= 3
        key = (score, len(text), text)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def _generic_title(tree: LexborHTMLParser, meta: PageMeta, site_names: list[str]) -> str | None:
    page_title = meta.title
    h1s = [t for t in (node_text(h) for h in tree.css("h1")[:8]) if t]
    if page_title:
        if page_title in h1s:
            return page_title
        # The <title> with the site's name added: the piece the page also prints
        # as a heading or in bold (a site name is printed too, but as a link or
        # in the banner, not as the page's own heading).
        best = _printed_title_piece(tree, _title_pieces(page_title))
        if best:
            return best
    if h1s:
        return h1s[0]
    if page_title:
        stripped = _strip_site_suffix(page_title, site_names)
        if stripped != page_title:
            return stripped
        # An unknown site name: drop the shorter last segment.
        for sep in _TITLE_SEPARATORS:
            head, found, tail = page_title.rpartition(sep)
            if found and len(tail) < len(head):
                return head.strip()
        return page_title
    return None


# --------------------------------------------------------------------------- dates


def _printed_date_near(body_text: str, title: str | None, want_day: str | None) -> PrintedDate | None:
    """The printed date closest after the title (a ticker or sidebar before it has other dates)."""
    starts: list[int] = []
    if title:
        pos = body_text.find(title)
        while pos >= 0 and len(starts) < 5:
            starts.append(pos + len(title))
            pos = body_text.find(title, pos + 1)
    windows = [body_text[s: s + 600] for s in starts] + [body_text[s:] for s in starts[:1]]
    if not starts:
        windows.append(body_text[:200_000])
    for window in windows:
        found = find_dates(window, limit=10)
        if want_day:
            found = [d for d in found if d.day == want_day]
        if found:
            return found[0]
    return None


# --------------------------------------------------------------------------- category / related


def _last_crumb(links: list[LexborNode]) -> str | None:
    names = [node_text(a) for a in links]
    names = [n for n in names if n and fold(n) not in _HOME_WORDS]
    return names[-1] if names else None


def _generic_category(tree: LexborHTMLParser, meta: PageMeta) -> str | None:
    section = meta.ld_section or meta.get("article:section")
    if section:
        return section
    crumbs = safe_css(tree, "[class*=breadcrumb] a, [id*=breadcrumb] a")
    if crumbs:
        return _last_crumb(crumbs)
    # Blog software names the post's categories, the first being its main one:
    # WordPress's rel="category tag" links in .cat-links / .post-categories.
    tagged = safe_css(tree, 'a[rel~="category"], .cat-links a, .post-categories a, .entry-categories a')
    names = [n for n in (node_text(a) for a in tagged) if n and fold(n) not in _HOME_WORDS]
    if names:
        return names[0]
    for a in tree.css("a")[:5000]:
        if fold(own_text(a)) in _HOME_WORDS:
            parent = a.parent
            if parent is None:
                continue
            text = parent.text(deep=True)
            links = parent.css("a")
            if 2 <= len(links) <= 6 and any(s in text for s in ("»", "›", ">", "/")):
                return _last_crumb(links)
    return None


def _anchors_after(container: LexborNode, marker: LexborNode) -> list[LexborNode]:
    out: list[LexborNode] = []
    seen = False
    inside_marker_id = marker.mem_id
    for node in container.traverse(include_text=False):
        if node.mem_id == inside_marker_id:
            seen = True
            continue
        if seen and node.tag == "a":
            out.append(node)
    return out


def _links(anchors: list[LexborNode], base: str | None) -> list[RelatedLink]:
    out: list[RelatedLink] = []
    seen: set[str] = set()
    for a in anchors[:200]:
        href = a.attributes.get("href")
        title = node_text(a)
        if not href or not title:
            continue
        full = absolute(href, base) if base else None
        if full is None:
            if base or not href.strip().startswith("/"):
                continue
            full = href.strip()
        if full in seen:
            continue
        seen.add(full)
        out.append(RelatedLink(url=full, title=title))
    return out


_RELATED_HINT_RE = re.compile(r"li[eê]n\s+quan|c[uù]ng\s+chuy[eê]n\s+m[uụ]c", re.I)


def _generic_related(tree: LexborHTMLParser, body_text: str, base: str | None) -> list[RelatedLink]:
    if not _RELATED_HINT_RE.search(body_text):
        return []
    for node in tree.css("h2, h3, h4, h5, h6, b, strong, span, div, p, td, legend, li, header"):
        text = own_text(node)
        if not text or len(text) > 40 or not RELATED_RE.match(fold(text)):
            continue
        for anc in ancestors(node, 4):
            anchors = _anchors_after(anc, node)
            if anchors:
                return _links(anchors, base)
    return []


# --------------------------------------------------------------------------- main


def extract_page(text: str, url: str | None, profile: Profile) -> PageFields:
    tree = parse(text)
    meta = read_meta(tree)
    fields = PageFields()
    sel = profile.selectors

    record_url, article_id, base = _resolve_url(url, meta, profile)
    fields.url, fields.article_id = record_url, article_id
    link_base = base or profile.base_url + "/"

    # --- the profile's own markup
    title_node = safe_css_first(tree, sel.get("title"))
    content = safe_css_first(tree, sel.get("content"))
    portal = title_node is not None and content is not None
    fields.layout = "profile" if portal else ("metadata" if meta.ld or meta.get("og:title") else "generic")

    site_names = [n for n in (meta.get("og:site_name"), meta.ld_publisher, profile.site_name) if n]
    if portal or (record_url and is_on_site(record_url, profile)):
        fields.site = profile.site_name or profile.site
    else:
        fields.site = meta.get("og:site_name") or meta.ld_publisher or (urlsplit(record_url).hostname if record_url else None)

    body = tree.body
    body_text: str | None = None

    def get_body_text() -> str:
        nonlocal body_text
        if body_text is None:
            body_text = clean(body.text(deep=True, separator="\n")) if body is not None else ""
        return body_text

    # --- title
    title = node_text(title_node) if title_node is not None else ""
    if not title:
        title = meta.ld_headline or _strip_site_suffix(meta.get("og:title") or "", site_names)
    if not title:
        title = _generic_title(tree, meta, site_names) or ""
    fields.title = title or None

    # --- date
    printed: PrintedDate | None = None
    date_node = safe_css_first(tree, sel.get("date"))
    if date_node is not None:
        printed = find_date(node_text(date_node))
    meta_iso = parse_iso(meta.ld_date or meta.get("article:published_time", "datepublished", "og:published_time",
                                                 "pubdate", "publishdate", "date", "dc.date.issued"))
    if meta_iso is None:
        stamp = safe_css_first(tree, "time[itemprop=datePublished], article time[datetime], time.published, time.entry-date")
        if stamp is not None:
            meta_iso = parse_iso(stamp.attributes.get("datetime"))
    if printed is None:
        printed = _printed_date_near(get_body_text(), fields.title, meta_iso[:10] if meta_iso else None)
    if printed is not None:
        fields.date_text = printed.text
    # The profile's date element is the page's own statement. Elsewhere an ISO
    # value from the metadata is exact, unless it gives the day alone and the
    # page prints the time of that same day.
    if printed is None:
        fields.published_at = meta_iso
    elif meta_iso is None or date_node is not None:
        fields.published_at = printed.iso
    elif len(meta_iso) == 10 and len(printed.iso) > 10 and printed.day == meta_iso:
        fields.published_at = printed.iso
    else:
        fields.published_at = meta_iso

    # --- category and related links, before clutter is set aside
    crumbs = safe_css(tree, sel.get("category"))
    fields.category = _last_crumb(crumbs) if crumbs else None
    if not fields.category:
        fields.category = _generic_category(tree, meta)
    rel = safe_css(tree, sel.get("related"))
    if rel:
        fields.related = _links(rel, link_base)
    elif not portal:
        # On the profile's own markup no related block means none: no need to look.
        fields.related = _generic_related(tree, get_body_text(), link_base)

    # --- the text block
    by_lines = False
    if content is None:
        content, by_lines = densest_root(tree)
    if content is None:
        return fields
    found = find_content(
        content,
        by_lines=by_lines,
        lead_outside=not portal,
        base=link_base,
        byline_hint=meta.ld_author,
        title=fields.title,
        date_text=fields.date_text,
    )
    fields.paragraphs, fields.images, fields.byline = found.paragraphs, found.images, found.byline
    fields.lead = found.paragraphs[0] if found.paragraphs else None
    return fields
