"""Small helpers over selectolax (lexbor) nodes: clean text, emphasis, alignment."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..vietnamese import collapse_space, nfc

__all__ = [
    "clean",
    "node_text",
    "own_text",
    "is_clutter",
    "alignment",
    "emphasis_share",
    "safe_css",
    "safe_css_first",
    "ancestors",
    "limit_nesting",
    "parse",
]

# Containers that are never article text, recognised by class or id.
_CLUTTER_RE = re.compile(
    r"(?:^|[\s_-])(?:menu|nav|navbar|navigation|sidebar|side-bar|footer|header|related|comments?|"
    r"binh-luan|binhluan|share|social|tools|toolbar|breadcrumbs?|ticker|marquee|banner|advert|ads|quangcao|"
    r"widget|tags|rating|print|search|login|pager|pagination|newsletter|popup|modal|cookie)(?:$|[\s_-])"
    # Plugin names glue words on: "sharedaddy", "sharethis", "commentlist", "relatedposts".
    r"|(?:^|[\s_-])(?:share|sharing|comment|related|social|advert)[a-z]*(?:$|[\s_-])",
    re.I,
)
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "form", "nav", "aside", "footer", "marquee", "button",
     "select", "textarea", "input", "svg", "canvas", "object", "embed", "video", "audio", "head", "title", "meta",
     "link", "label", "fieldset", "dialog", "menu"}
)


# Characters vietnamese.nfc drops or turns into spaces; most text has none,
# and looking for them is much cheaper than translating every string.
_ODD_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def clean(text: str | None) -> str:
    """NFC, invisible characters dropped, white space collapsed."""
    if not text:
        return ""
    if _ODD_RE.search(text):
        text = nfc(text)
    elif not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return collapse_space(text)


def node_text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return clean(node.text(deep=True, separator="", strip=False))


def own_text(node: LexborNode) -> str:
    return clean(node.text(deep=False, separator="", strip=False))


def _attrs(node: LexborNode) -> dict[str, str | None]:
    try:
        return node.attributes
    except Exception:  # malformed attribute bytes: treat as none
        return {}


def is_clutter(node: LexborNode) -> bool:
    if node.tag in SKIP_TAGS:
        return True
    attrs = _attrs(node)
    for key in ("class", "id"):
        value = attrs.get(key)
        if value and _CLUTTER_RE.search(value):
            return True
    return False


_ALIGN_STYLE_RE = re.compile(r"text-align\s*:\s*(left|right|center|justify)", re.I)


def alignment(node: LexborNode, levels: int = 2) -> str | None:
    """"center"/"right"/... from ``align`` or ``text-align`` on the node or a near ancestor."""
    current: LexborNode | None = node
    for _ in range(levels):
        if current is None or current.tag in ("body", "html", None):
            return None
        attrs = _attrs(current)
        align = (attrs.get("align") or "").strip().lower()
        if align in ("left", "right", "center", "justify", "middle"):
            return "center" if align == "middle" else align
        style = attrs.get("style")
        if style:
            m = _ALIGN_STYLE_RE.search(style)
            if m:
                return m.group(1).lower()
        cls = (attrs.get("class") or "").lower()
        if "text-center" in cls or "aligncenter" in cls:
            return "center"
        if "text-right" in cls or "alignright" in cls:
            return "right"
        current = current.parent
    return None


def emphasis_share(node: LexborNode, selector: str, style_re: re.Pattern[str], text_len: int) -> float:
    """The share of the node's text inside elements matching ``selector`` (or styled so)."""
    if text_len == 0:
        return 0.0
    attrs = _attrs(node)
    if style_re.search(attrs.get("style") or ""):
        return 1.0
    inner = 0
    for el in node.css(selector):
        inner += len(node_text(el))
        if inner >= text_len:
            break
    return min(inner / text_len, 1.0)


BOLD_RE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
ITALIC_RE = re.compile(r"font-style\s*:\s*italic", re.I)


def safe_css(node: LexborNode | LexborHTMLParser | None, selector: str | None) -> list[LexborNode]:
    if node is None or not selector:
        return []
    try:
        return node.css(selector)
    except Exception:  # a profile selector lexbor rejects: no match, not a crash
        return []


def safe_css_first(node: LexborNode | LexborHTMLParser | None, selector: str | None) -> LexborNode | None:
    found = safe_css(node, selector)
    # The parser reads <noscript> as markup: a copy of the article's markup there (or a
    # decoy) must not stand in for the page's own title, content or date.
    for match in found:
        if not any(a.tag == "noscript" for a in ancestors(match, 10_000)):
            return match
    return found[0] if found else None


def ancestors(node: LexborNode, limit: int) -> Iterator[LexborNode]:
    current = node.parent
    for _ in range(limit):
        if current is None or current.tag in ("html", "-document", None):
            return
        yield current
        current = current.parent


# Elements whose nesting the parser tracks on its stack of open elements.
# (p, li, td ... close themselves; void elements never open.)
_NESTING_RE = re.compile(
    r"<(/?)(?!(?:p|li|dt|dd|tr|td|th|option|br|img|meta|link|input|hr|wbr|source|area|base|col|embed|param|track)"
    r"[\s/>])[a-zA-Z]"
)
MAX_DEPTH = 3000


def limit_nesting(text: str, max_depth: int = MAX_DEPTH) -> str:
    """Cut the page where elements nest deeper than ``max_depth``.

    The HTML tree builder scans the stack of open elements for many start
    tags, so a million nested ``<div>`` cost it quadratic time; no real page
    nests thousands deep, so the prefix keeps every article.
    """
    if text.count("<") <= max_depth:
        return text
    depth = 0
    for m in _NESTING_RE.finditer(text):
        if m.group(1):
            if depth:
                depth -= 1
        else:
            depth += 1
            if depth > max_depth:
                return text[: m.start()]
    return text


def parse(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(limit_nesting(text))
