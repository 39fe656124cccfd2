"""Page-level evidence: <title>, OpenGraph and other meta tags, canonical link, schema.org JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from .html import clean, node_text

__all__ = ["PageMeta", "read_meta"]

_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "webpage"}
_MAX_JSONLD = 512 * 1024


@dataclass(slots=True)
class PageMeta:
    title: str = ""  # <title>
    meta: dict[str, str] = field(default_factory=dict)  # og:*, article:*, name=... (lower-case keys)
    canonical: str | None = None
    base_href: str | None = None
    ld: dict[str, Any] = field(default_factory=dict)  # the article object of the JSON-LD, if any

    def get(self, *keys: str) -> str | None:
        for key in keys:
            value = self.meta.get(key)
            if value:
                return value
        return None

    @property
    def ld_headline(self) -> str | None:
        return _ld_str(self.ld.get("headline") or self.ld.get("name"))

    @property
    def ld_date(self) -> str | None:
        return _ld_str(self.ld.get("datePublished") or self.ld.get("dateCreated"))

    @property
    def ld_author(self) -> str | None:
        """The author as one byline string ("Trà Giang - Anh Đức"); several authors joined with " - "."""
        author = self.ld.get("author")
        items = author if isinstance(author, list) else [author]
        names = [n for n in (_ld_name(a) for a in items) if n]
        return " - ".join(names) if names else None

    @property
    def ld_section(self) -> str | None:
        section = self.ld.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else None
        return _ld_str(section)

    @property
    def ld_publisher(self) -> str | None:
        return _ld_name(self.ld.get("publisher"))


def _ld_str(value: Any) -> str | None:
    if isinstance(value, str):
        return clean(value) or None
    return None


def _ld_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _ld_str(value.get("name"))
    return _ld_str(value)


def _type_names(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _find_article(data: Any, depth: int = 0) -> dict[str, Any] | None:
    if depth > 4:
        return None
    if isinstance(data, list):
        found = [f for f in (_find_article(x, depth + 1) for x in data[:50]) if f]
        # A NewsArticle beats a WebPage describing the same page.
        found.sort(key=lambda o: "webpage" in _type_names(o))
        return found[0] if found else None
    if isinstance(data, dict):
        if _type_names(data) & _ARTICLE_TYPES:
            if "webpage" in _type_names(data) and isinstance(data.get("@graph"), list):
                return _find_article(data["@graph"], depth + 1) or data
            return data
        graph = data.get("@graph")
        if isinstance(graph, list):
            return _find_article(graph, depth + 1)
    return None


def read_meta(tree: LexborHTMLParser) -> PageMeta:
    page = PageMeta()
    title = tree.css_first("title")
    page.title = node_text(title)
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        value = attrs.get("content")
        if key and value:
            key = key.strip().lower()
            page.meta.setdefault(key, clean(value))
    for node in tree.css("link[rel]"):
        attrs = node.attributes
        href = attrs.get("href")
        if (attrs.get("rel") or "").strip().lower() == "canonical" and href:
            page.canonical = href.strip()
            break
    base = tree.css_first("base[href]")
    if base is not None:
        page.base_href = (base.attributes.get("href") or "").strip() or None
    candidates: list[dict[str, Any]] = []
    for script in tree.css("script"):
        kind = (script.attributes.get("type") or "").strip().lower()
        if kind != "application/ld+json":
            continue
        raw = script.text(deep=True)
        if len(raw) > _MAX_JSONLD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        found = _find_article(data)
        if found:
            candidates.append(found)
    if candidates:
        candidates.sort(key=lambda o: "webpage" in _type_names(o))
        page.ld = candidates[0]
    return page
