"""The addresses a fetched page gives of itself: canonical link, ``og:url``, print and share links.

An article reached by an address without its id may still carry the id in
its page. Only links that speak of *this* page count: ``<link
rel="canonical">``, ``<meta property="og:url">``, and links whose address or
text say print or share (``/print/…``, ``sharer.php?u=…``, "In bài",
"Chia sẻ"); related-article links, which carry other articles' ids, do not.
A cheap scan of the text, no parse: it runs on every fetched article.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["self_addresses"]

_TAG_RE = re.compile(r"<(?:link|meta)\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_A_RE = re.compile(r"<a\b([^>]*)>(.{0,200}?)</a>", re.I | re.S)
# "in bài" (print the article) only as words of its own: the newer software's article
# addresses say "/tin-bai/" and its listings "Tin bài", which are no print links.
_SELF_WORDS = re.compile(r"print|(?<!\w)(?:in-bai|inbai|in bài|in trang)|share|sharer|chia sẻ|chia-se|zalo"
                         r"|facebook\.com/sharer|twitter\.com/intent", re.I)
_ID_IN_TEXT = re.compile(r"(?<!\d)(\d{14})(?!\d)")
_HEAD_LIMIT = 200_000  # canonical and og:url live in the head; share links may sit anywhere


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR_RE.finditer(tag)}


def self_addresses(text: str) -> list[str]:
    """Addresses the page names as its own, in order of trust (canonical, og:url, print/share)."""
    found: list[str] = []
    head = text[:_HEAD_LIMIT]
    for tag in _TAG_RE.findall(head):
        low = tag.lower()
        if "canonical" not in low and "og:url" not in low:
            continue  # the page's other <meta>/<link> tags: not parsed
        a = _attrs(tag)
        if tag[1:5].lower() == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            found.insert(0, a["href"].strip())
        elif a.get("property", a.get("name", "")).lower() == "og:url" and a.get("content"):
            found.append(a["content"].strip())
    for m in _self_links(text):
        a = _attrs(m.group(1))
        href = a.get("href", "")
        if not href or not (_SELF_WORDS.search(href) or _SELF_WORDS.search(a.get("class", ""))
                            or _SELF_WORDS.search(a.get("title", "")) or _SELF_WORDS.search(m.group(2))):
            continue
        found.extend(_inner_addresses(href))
    return list(dict.fromkeys(found))


# The words of _SELF_WORDS as plain lower-case strings: str.find over the page is some
# hundred times faster than the case-insensitive alternation (which has no literal prefix).
_KEYWORDS = ("print", "share", "chia sẻ", "chia-se", "zalo", "twitter.com/intent")
_WORD_KEYWORDS = ("in-bai", "inbai", "in bài", "in trang")  # only as words of their own


def _word_positions(text: str) -> list[int]:
    """Where the page says print or share (positions in ``text``), in order."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: positions would drift
        return [m.start() for m in _SELF_WORDS.finditer(text)]
    found: list[int] = []
    for word in _KEYWORDS + _WORD_KEYWORDS:
        whole = word in _WORD_KEYWORDS
        i = low.find(word)
        while i != -1:
            if not whole or i == 0 or not low[i - 1].isalnum():
                found.append(i)
            i = low.find(word, i + 1)
    return sorted(found)


def _self_links(text: str) -> list[re.Match[str]]:
    """The ``<a>`` elements around the print/share words of the page, each once. Found from
    the words (a few a page) back to their link, not by reading every link's attributes."""
    out: list[re.Match[str]] = []
    seen: set[int] = set()
    for at in _word_positions(text):
        start = text.rfind("<a", max(0, at - 2000), at + 1)
        while start != -1 and not (text[start + 2:start + 3].isspace() or text[start + 2:start + 3] == ">"):
            start = text.rfind("<a", max(0, at - 2000), start)  # "<abbr", "<aside": not a link
        if start == -1 or start in seen:
            continue
        m = _A_RE.match(text, start)
        if m is not None and m.end() > at:
            seen.add(start)
            out.append(m)
    return out


def _inner_addresses(href: str) -> list[str]:
    """A share link names the page in a parameter (``?u=``, ``?url=``); a print link is the page's own path."""
    out: list[str] = []
    try:
        parts = urlsplit(href)
    except ValueError:
        return out
    for _key, value in parse_qsl(parts.query):
        value = unquote(value)
        if value.startswith(("http://", "https://", "/")):
            out.append(value)
    if not out:
        out.append(href)
        # A print link may give only the id: /kyanh/portal/print/news/20230203143649
        m = _ID_IN_TEXT.search(parts.path)
        if m:
            out.append(f"id:{m.group(1)}")
    return out
