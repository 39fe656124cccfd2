"""The article's text block: paragraphs, pictures and captions, the byline.

Works on any layout: the block's elements are walked once, in document
order, and each is classed as paragraph, picture, caption or byline from
what the page shows a reader (centred italics under a picture, a
right-aligned bold name line at the end), not from class names alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..record import Image
from ..site.urls import absolute
from ..vietnamese import fold
from .bylines import byline_shaped
from .dates import find_date
from .html import (
    BOLD_RE,
    ITALIC_RE,
    alignment,
    ancestors,
    clean,
    emphasis_share,
    is_clutter,
    node_text,
    safe_css,
)

__all__ = ["Content", "find_content", "densest_root", "is_related_heading", "RELATED_RE"]

_BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figure", "pre", "figcaption", "dd", "dt", "address",
     "caption", "summary", "h1"}
)
_CONTAINER_SEL = "p, div, table, ul, ol, figure, section, article, h2, h3, h4, h5, h6, blockquote, center, tr, td"
RELATED_RE = re.compile(r"^(?:tin|bai|tin bai|bai viet|cac tin|cac bai)\s+(?:lien quan|cung chuyen muc)\s*:?$")
# Prompts of a comment form printed as plain paragraphs: the article ended before them.
# The fields of such a form ("Họ và tên", "Email") also come first on pages that print no prompt.
_STOP_RE = re.compile(r"^(?:y kien ban doc|y kien cua ban|gui y kien|binh luan|gui binh luan|viet binh luan|"
                      r"y kien phan hoi|de lai binh luan|ban doc binh luan|ho va ten|ho ten|e-?mail|"
                      r"noi dung binh luan|ma xac nhan|ma bao ve)\s*[:*]?$")
_BYLINE_CLASS_RE = re.compile(r"author|byline|tac-?gia|signature", re.I)
_LEAD_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:sapo|lead|summary|description|desc|intro|chapeau|tomtat)(?:$|[\s_-])", re.I)
_CAPTION_CLASS_RE = re.compile(r"caption|chu-thich|img-desc|image-desc|photo-desc", re.I)
_MAX_BYLINE = 160


@dataclass(slots=True)
class Content:
    paragraphs: list[str] = field(default_factory=list)  # lead first
    images: list[Image] = field(default_factory=list)
    byline: str | None = None


@dataclass(slots=True)
class _Block:
    node: LexborNode
    text: str
    images: list[str]
    kind: str  # "p", "img", "caption", "byline"
    align: str | None = None
    bold: bool = False


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


_PROSE_END = (".", "!", "?", "…", "”", '"', ")", "»")


def _unmarked_byline(blocks: list[_Block]) -> int | None:
    """A byline printed without alignment: a short bold name line after the text
    (the portal), before the lead with the text following (newspapers), or, with
    no styling at all, a last paragraph holding names and nothing else after a
    paragraph that ends a sentence (articles copied as bare paragraphs)."""
    ps = [i for i, b in enumerate(blocks) if b.kind == "p"]
    if len(ps) < 3:
        return None
    last = blocks[ps[-1]]
    if _is_name_line(last):
        return ps[-1]
    if blocks[ps[-2]].text.endswith(_PROSE_END) and byline_shaped(last.text):
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


def densest_root(tree: LexborHTMLParser) -> tuple[LexborNode | None, bool]:
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


def find_content(
    root: LexborNode,
    *,
    by_lines: bool = False,
    lead_outside: bool = False,
    base: str | None = None,
    byline_hint: str | None = None,
    title: str | None = None,
    date_text: str | None = None,
) -> Content:
    """Paragraphs, pictures and byline of the text block ``root``.

    ``by_lines``: the block separates paragraphs with ``<br>`` alone;
    ``lead_outside``: look for a lead ("sapo") printed just before the block;
    ``byline_hint``: the byline the metadata gives (JSON-LD author);
    ``title``/``date_text``: printed again inside the block, they are no paragraphs.
    """
    leading = _lead_before(root) if lead_outside else []
    if by_lines:
        blocks = [b for b in (_classify(n, base, byline_hint) for n in leading) if b is not None]
        blocks += _line_blocks(root, base)
    else:
        blocks = [b for b in (_classify(n, base, byline_hint) for n in leading + _blocks(root)) if b is not None]
    blocks = [b for b in blocks if not (b.kind == "p" and _is_heading_echo(b.text, title, date_text))]
    content = _assemble(blocks, byline_hint)
    if content.byline is None and lead_outside:
        content.byline = _nearby_byline(root)
    return content


def _is_heading_echo(text: str, title: str | None, date_text: str | None) -> bool:
    if title and text == title:
        return True
    return bool(date_text and date_text in text and len(text) <= len(date_text) + 30)


def _assemble(blocks: list[_Block], byline_hint: str | None) -> Content:
    # The last right-aligned bold block after the text is the byline; what follows
    # it (comment forms, "share" prompts) is not the article.
    _promote_captions(blocks)
    # "Tin liên quan" or a comment-form prompt: the article ended before it.
    for i, block in enumerate(blocks):
        if block.kind == "p" and len(block.text) <= 40 and (
            is_related_heading(block.text) or _STOP_RE.match(fold(block.text))
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
            # A centred italic line before any picture is dropped with the
            # captions: it is not article text either.
            if target is not None:
                target.caption = block.text
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
    if len(paragraphs) >= 2 and len(paragraphs[0]) >= 30 and _looks_cut(paragraphs[0]):
        stem = re.sub(r"[.…\s]+$", "", paragraphs[0])
        if paragraphs[1].startswith(stem) and len(paragraphs[1]) > len(stem):
            paragraphs = paragraphs[1:]
    return Content(paragraphs, images, byline)


def _looks_cut(text: str) -> bool:
    """Ends in an ellipsis or mid-sentence: a summary cut to length, not a paragraph."""
    text = text.rstrip()
    return text.endswith(("...", "…")) or not text.endswith((".", "!", "?", "”", '"', ")", "»"))


def is_related_heading(text: str) -> bool:
    return len(text) <= 40 and bool(RELATED_RE.match(fold(text)))


