"""The article record: one definition for every output.

``extract --json``, ``export --format jsonl``, the database tables and the
tests all derive from :class:`Article`, so they cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

EXTRACTOR_VERSION = "1.2.1"  # 1.2.1: a post's own category link (rel="category") when no breadcrumb names it


@dataclass(slots=True)
class Image:
    src: str
    caption: str | None = None


@dataclass(slots=True)
class Attendee:
    name: str
    roles: list[str] = field(default_factory=list)
    roles_expanded: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RelatedLink:
    url: str
    title: str | None = None


@dataclass(slots=True)
class Article:
    """One extracted article. Field order is the order of ``extract --json``."""

    source: str
    url: str | None = None
    article_id: str | None = None
    site: str | None = None
    category: str | None = None
    title: str | None = None
    published_at: str | None = None
    date_text: str | None = None
    lead: str | None = None
    body: str = ""
    images: list[Image] = field(default_factory=list)
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    source_name: str | None = None
    attendees: list[Attendee] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["images"] = [Image(**i) for i in data.get("images") or []]
        kwargs["attendees"] = [Attendee(**a) for a in data.get("attendees") or []]
        kwargs["related"] = [RelatedLink(**r) for r in data.get("related") or []]
        return cls(**kwargs)

    @property
    def captions(self) -> list[str]:
        return [i.caption for i in self.images if i.caption]


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
