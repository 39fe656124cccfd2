"""One article page (decoded text) -> the page-level fields of an :class:`Article`.

Each field is taken from the strongest evidence the page offers, in order:
the site profile's selectors (the portal's own markup), then page metadata
(OpenGraph, schema.org JSON-LD: the newspaper layout), then generic evidence
that works on any layout (the old table layout and pages in no known layout):
``<h1>`` or the ``<title>`` without the site's name, the block with the most
paragraph text, a printed date near the title, right-aligned bold bylines,
centred italic captions.

The tree is parsed once; nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..profile import Profile
from ..record import Image, RelatedLink
from ..urls import absolute, is_on_site, parse_article_url
from ..vietnamese import fold
from .dates import PrintedDate, find_date, find_dates, parse_iso
from .html import (
    BOLD_RE,
    ITALIC_RE,
    alignment,
    ancestors,
    clean,
    emphasis_share,
    is_clutter,
    node_text,
    own_text,
    parse,
    safe_css,
    safe_css_first,
)
from .meta import PageMeta, read_meta

__all__ = ["PageFields", "extract_page"]

_BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figure", "pre", "figcaption", "dd", "dt", "address",
     "caption", "summary", "h1"}
)
_CONTAINER_SEL = "p, div, table, ul, ol, figure, section, article, h2, h3, h4, h5, h6, blockquote, center, tr, td"
_HOME_WORDS = {"trang chu", "home", "trang nhat"}
_RELATED_RE = re.compile(r"^(?:tin|bai|tin bai|bai viet|cac tin|cac bai)\s+(?:lien quan|cung chuyen muc)\s*:?$")
# Prompts of a comment form printed as plain paragraphs: the article ended before them.
_STOP_RE = re.compile(r"^(?:y kien ban doc|y kien cua ban|gui y kien|binh luan|gui binh luan|viet binh luan|"
                      r"y kien phan hoi|de lai binh luan|ban doc binh luan)\s*:?$")
_BYLINE_CLASS_RE = re.compile(r"author|byline|tac-?gia|signature", re.I)
_LEAD_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:sapo|lead|summary|description|desc|intro|chapeau|tomtat)(?:$|[\s_-])", re.I)
_CAPTION_CLASS_RE = re.compile(r"caption|chu-thich|img-desc|image-desc|photo-desc", re.I)
_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " » ")
_MAX_BYLINE = 160


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


@dataclass(slots=True)
class _Block:
    node: LexborNode
    text: str
    images: list[str]
    kind: str  # "p", "img", "caption", "byline"
    align: str | None = None
    bold: bool = False


# --------------------------------------------------------------------------- urls


def _resolve_url(url: str | None, meta: PageMeta, profile: Profile) -> tuple[str | None, str | None, str | None]:
    """(record url, article id, base for relative links)."""
    candidates = [u for u in (url, meta.get("og:url"), meta.canonical) if u]
    for cand in candidates:
        base = cand if not url else url
        full = absolute(cand, base) or cand
        try:
            ref = parse_article_url(full, profile)
        except ValueError:
            ref = None
        if ref is not None:
            return ref.url, ref.article_id, url or ref.url
    chosen = None
    for cand in candidates:
        full = absolute(cand, url or cand)
        if full:
            chosen = full
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


# --------------------------------------------------------------------------- blocks


def _img_src(img: LexborNode) -> str | None:
    attrs = img.attributes
    for key in ("src", "data-src", "data-original", "data-lazy-src"):
        value = attrs.get(key)
        if value and not value.strip().startswith("data:"):
            return value.strip()
    return None


def _block_holders(root: LexborNode) -> set[int]:
    """The elements under ``root`` (and root) that hold a block-level element.

    One selector run over the subtree, then a climb from each block to the
    first ancestor already known: linear in the subtree, where asking each
    element in turn would be quadratic.
    """
    marked: set[int] = set()
    root_id = root.mem_id
    for node in root.css(_CONTAINER_SEL):
        anc = node.parent
        while anc is not None:
            mid = anc.mem_id
            if mid in marked:
                break
            marked.add(mid)
            if mid == root_id:
                break
            anc = anc.parent
    return marked


def _blocks(root: LexborNode, limit: int = 50_000) -> list[LexborNode]:
    """The block-level elements under ``root`` in document order, clutter left out.

    Iterative (nesting depth cannot exhaust the Python stack) and bounded: at
    most ``limit`` blocks from at most ``4 * limit`` elements looked at.
    """
    out: list[LexborNode] = []
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    holders = _block_holders(root)
    looked = 0
    while stack:
        node, leaf = stack.pop()
        if leaf:
            out.append(node)
            if len(out) >= limit:
                break
            continue
        children: list[tuple[LexborNode, bool]] = []
        for child in node.iter(include_text=False):
            looked += 1
            if looked > 4 * limit:
                break
            tag = child.tag
            if not tag or tag.startswith("-") or tag == "!comment" or is_clutter(child):
                continue
            leafy = tag in _BLOCK_TAGS or tag == "img" or child.mem_id not in holders
            children.append((child, leafy))
        stack.extend(reversed(children))
    return out


def _classify(node: LexborNode, base: str | None, byline_text: str | None) -> _Block | None:
    for br in node.css("br"):
        br.replace_with("\n")
    text = node_text(node)
    imgs = [node] if node.tag == "img" else node.css("img")
    srcs: list[str] = []
    for img in imgs:
        src = _img_src(img)
        if src:
            full = absolute(src, base) if base else None
            srcs.append(full or src)
    attrs = node.attributes
    cls = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if srcs:
        caption = ""
        cap = node.css_first("figcaption")
        if cap is not None:
            caption = node_text(cap)
        elif text and emphasis_share(node, "em, i", ITALIC_RE, len(text)) >= 0.8:
            caption = text
        return _Block(node, caption, srcs, "img")
    if not text:
        return None
    if byline_text and text == byline_text:
        return _Block(node, text, [], "byline")
    if node.tag == "figcaption" or _CAPTION_CLASS_RE.search(cls):
        return _Block(node, text, [], "caption")
    if _BYLINE_CLASS_RE.search(cls) and len(text) <= _MAX_BYLINE:
        return _Block(node, text, [], "byline")
    align = alignment(node)
    italic = emphasis_share(node, "em, i", ITALIC_RE, len(text)) >= 0.8
    if align == "center" and italic:
        return _Block(node, text, [], "caption", align)
    bold = emphasis_share(node, "strong, b", BOLD_RE, len(text)) >= 0.8
    if align == "right" and len(text) <= _MAX_BYLINE and (bold or italic):
        return _Block(node, text, [], "byline", align, bold)
    return _Block(node, text, [], "p", align, bold)


def _table_of(node: LexborNode) -> int | None:
    for anc in ancestors(node, 5):
        if anc.tag == "table":
            return anc.mem_id
    return None


def _promote_captions(blocks: list[_Block]) -> None:
    """A short line right after a picture is its caption when centred, or when it
    sits in the picture's own table (the CMS puts captions in the cell below)."""
    for prev, block in zip(blocks, blocks[1:], strict=False):
        if block.kind != "p" or prev.kind != "img" or prev.text or len(block.text) > 300:
            continue
        if block.align == "center" or (_table_of(block.node) is not None and _table_of(block.node) == _table_of(prev.node)):
            block.kind = "caption"


_SENTENCE_END = (".", ":", "!", "?", ";", ",")


def _is_name_line(block: _Block) -> bool:
    words = block.text.split()
    return block.bold and len(block.text) <= 60 and len(words) <= 10 and not block.text.endswith(_SENTENCE_END)


def _unmarked_byline(blocks: list[_Block]) -> int | None:
    """A byline printed without alignment: a short bold name line after the text
    (the portal), or before the lead with the text following (newspapers)."""
    ps = [i for i, b in enumerate(blocks) if b.kind == "p"]
    if len(ps) < 3:
        return None
    if _is_name_line(blocks[ps[-1]]):
        return ps[-1]
    first, second = blocks[ps[0]], blocks[ps[1]]
    if _is_name_line(first) and len(second.text) > 2 * len(first.text) and len(second.text) >= 80:
        return ps[0]
    return None


def _link_density(node: LexborNode, text_len: int) -> float:
    if not text_len:
        return 0.0
    linked = sum(len(node_text(a)) for a in node.css("a"))
    return linked / text_len


# --------------------------------------------------------------------------- content root


def _densest_root(tree: LexborHTMLParser) -> tuple[LexborNode | None, bool]:
    """The element whose paragraphs hold the most text; True when its paragraphs are lines split by <br>."""
    scores: dict[int, list] = {}
    cluttered: dict[int, bool] = {}
    for p in tree.css("p")[:20000]:
        parent = p.parent
        if parent is None:
            continue
        # Comments and sidebars can hold more text than the article.
        pid = parent.mem_id
        if pid not in cluttered:
            cluttered[pid] = is_clutter(parent) or any(is_clutter(a) for a in ancestors(parent, 8))
        if cluttered[pid]:
            continue
        # Raw lengths are enough to rank blocks; cleaning is for the text kept.
        size = len(p.text(deep=True).strip())
        if size < 2:
            continue
        entry = scores.setdefault(parent.mem_id, [parent, 0])
        entry[1] += size - 2 * sum(len(a.text(deep=True).strip()) for a in p.css("a"))
    if scores:
        best = max(scores.values(), key=lambda e: e[1])
        if best[1] > 0:
            return best[0], False
    # Old pages separate paragraphs with <br> alone: the element holding most of them.
    breaks: dict[int, list] = {}
    for br in tree.css("br")[:20000]:
        parent = br.parent
        if parent is not None and parent.tag not in ("body", "html"):
            breaks.setdefault(parent.mem_id, [parent, 0])[1] += 1
    best_node, best_score = None, 0
    for node, count in breaks.values():
        if count < 2:
            continue
        # Menus are <br>-separated too: count the text that is not links.
        score = len(node_text(node)) - 2 * sum(len(node_text(a)) for a in node.css("a"))
        if score > best_score:
            best_node, best_score = node, score
    if best_node is not None and best_score >= 80:
        return best_node, True
    for sel in ("[itemprop=articleBody]", "article", "main"):
        node = tree.css_first(sel)
        if node is not None and node_text(node):
            return node, False
    return tree.body, False


def _line_blocks(root: LexborNode, base: str | None) -> list[_Block]:
    """Paragraphs of a block that separates them with <br> only, and its pictures."""
    images = [src for img in root.css("img") if (src := _img_src(img))]
    for br in root.css("br"):
        br.replace_with("\n")
    blocks = [_Block(root, line, [], "p") for line in (clean(x) for x in root.text(deep=True).split("\n")) if line]
    for src in images:
        blocks.append(_Block(root, "", [absolute(src, base) or src if base else src], "img"))
    return blocks


def _lead_before(root: LexborNode) -> list[LexborNode]:
    """A lead ("sapo") printed just before the content block, outside it."""
    found: list[LexborNode] = []
    node: LexborNode | None = root
    for _ in range(2):
        if node is None:
            break
        prev = node.prev
        steps = 0
        while prev is not None and steps < 4:
            steps += 1
            if prev.tag and not prev.tag.startswith("-"):
                attrs = prev.attributes
                if _LEAD_CLASS_RE.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}") and node_text(prev):
                    found.append(prev)
                    return found
            prev = prev.prev
        node = node.parent
    return found


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
        if not text or len(text) > 40 or not _RELATED_RE.match(fold(text)):
            continue
        for anc in ancestors(node, 4):
            anchors = _anchors_after(anc, node)
            if anchors:
                return _links(anchors, base)
    return []


# --------------------------------------------------------------------------- byline


def _nearby_byline(root: LexborNode) -> str | None:
    """A right-aligned bold cell or paragraph just outside the content block (the table layout)."""
    for anc in ancestors(root, 3):
        found: str | None = None
        for node in safe_css(anc, "[align], [style*=right], [class*=author], [class*=byline]"):
            if node.mem_id == root.mem_id or is_clutter(node):
                continue
            text = node_text(node)
            # A right-aligned date in the banner is no byline.
            if not text or len(text) > _MAX_BYLINE or find_date(text) is not None:
                continue
            attrs = node.attributes
            cls = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
            if _BYLINE_CLASS_RE.search(cls) or (
                alignment(node, 1) == "right" and emphasis_share(node, "strong, b", BOLD_RE, len(text)) >= 0.8
            ):
                found = text
        if found:
            return found
    return None


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

    # --- the content block
    byline_hint = meta.ld_author
    by_lines = False
    if content is None:
        content, by_lines = _densest_root(tree)
    if content is None:
        return fields
    leading = _lead_before(content) if not portal else []
    if by_lines:
        blocks = [b for b in (_classify(n, link_base, byline_hint) for n in leading) if b is not None]
        blocks += _line_blocks(content, link_base)
    else:
        nodes = leading + _blocks(content)
        blocks = [b for b in (_classify(n, link_base, byline_hint) for n in nodes) if b is not None]
    # The title and the date line printed again inside the text block are not paragraphs.
    blocks = [b for b in blocks if not (b.kind == "p" and _is_heading_echo(b.text, fields))]
    _assemble(fields, blocks, byline_hint)
    if fields.byline is None and not portal:
        fields.byline = _nearby_byline(content)
    return fields


def _assemble(fields: PageFields, blocks: list[_Block], byline_hint: str | None) -> None:
    # The last right-aligned bold block after the text is the byline; what follows
    # it (comment forms, "share" prompts) is not the article.
    _promote_captions(blocks)
    # "Tin liên quan" or a comment-form prompt: the article ended before it.
    for i, block in enumerate(blocks):
        if block.kind == "p" and len(block.text) <= 40 and (
            _is_related_heading(block.text) or _STOP_RE.match(fold(block.text))
        ):
            blocks = blocks[:i]
            break
    first_p = next((i for i, b in enumerate(blocks) if b.kind == "p"), None)
    bylines = [i for i, b in enumerate(blocks) if b.kind == "byline"]
    if not bylines and byline_hint is None and (trailing := _unmarked_byline(blocks)) is not None:
        blocks[trailing].kind = "byline"
        bylines = [trailing]
    byline = byline_hint
    if bylines:
        last = bylines[-1]
        if byline is None:
            byline = blocks[last].text
        if first_p is not None and last > first_p:
            blocks = blocks[:last]
    paragraphs: list[str] = []
    seen: set[str] = set()
    images: list[Image] = []
    last_kind = ""
    for block in blocks:
        if block.kind == "img":
            for src in block.images:
                images.append(Image(src=src, caption=None))
            if block.text and images:
                images[-1].caption = block.text
        elif block.kind == "caption":
            target = images[-1] if images and last_kind == "img" and images[-1].caption is None else None
            if target is None and images and images[-1].caption is None:
                target = images[-1]
            if target is not None:
                target.caption = block.text
            elif not images:
                # A centred italic line with no picture before it: keep it for the
                # next image, the page prints some captions above the picture.
                pass
        elif block.kind == "p":
            if len(block.text) > 2 and _link_density(block.node, len(block.text)) > 0.6:
                continue
            key = block.text
            if key in seen:
                continue  # the lead printed twice
            seen.add(key)
            paragraphs.append(block.text)
        last_kind = block.kind
    # A summary printed before the lead, cut short: the lead says it in full.
    if len(paragraphs) >= 2 and len(paragraphs[0]) >= 30:
        stem = re.sub(r"[.…\s]+$", "", paragraphs[0])
        if paragraphs[1].startswith(stem) and len(paragraphs[1]) > len(stem):
            paragraphs = paragraphs[1:]
    fields.paragraphs = paragraphs
    fields.lead = paragraphs[0] if paragraphs else None
    fields.images = images
    fields.byline = byline


def _is_heading_echo(text: str, fields: PageFields) -> bool:
    if fields.title and text == fields.title:
        return True
    return bool(fields.date_text and fields.date_text in text and len(text) <= len(fields.date_text) + 30)


def _is_related_heading(text: str) -> bool:
    return len(text) <= 40 and bool(_RELATED_RE.match(fold(text)))

