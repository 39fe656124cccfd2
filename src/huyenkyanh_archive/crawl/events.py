"""What a crawl tells: one :class:`Event` per thing that happened, and the :class:`CrawlSummary`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..clock import utc_now

__all__ = ["CrawlSummary", "Event"]


@dataclass(slots=True)
class Event:
    """One thing that happened; ``--json`` prints each as a line."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=utc_now)

    def to_json(self) -> str:
        return json.dumps({"event": self.kind, "at": self.at, **self.data}, ensure_ascii=False, default=str)


@dataclass(slots=True)
class CrawlSummary:
    run_id: int = 0
    status: str = "ok"  # ok | partial | failed | interrupted
    source: str = "live"
    generation: str = ""  # the profile (software generation) the site was read through
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    gone: int = 0  # discovered but answering 404/410 (or the home page) before it was ever archived
    disallowed: int = 0  # listed articles robots.txt forbids: never fetched
    failed: int = 0
    not_articles: int = 0  # addresses that looked like articles but serve no article (kept as pages)
    listing_pages: int = 0
    listing_failures: int = 0
    sections: int = 0  # sections walked this run (listings, sitemaps, feeds)
    sections_found: dict[str, int] = field(default_factory=dict)  # walked sections by how they were found
    sections_gone: list[str] = field(default_factory=list)  # sections that answered 404/410 or the home page
    captures: int = 0  # web-archive captures fetched (wayback source)
    captures_skipped: int = 0  # captures held already, or not worth a request (redirects, errors)
    assets: int = 0
    asset_failures: int = 0
    requests: int = 0
    retries: int = 0
    final_round: int = 0  # pages tried again at the end of the run after their retries
    bytes: int = 0
    elapsed: float = 0.0
    errors: list[str] = field(default_factory=list)  # the first few failure messages

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.listing_failures == 0 and self.status == "ok"

    @property
    def articles(self) -> int:
        return self.new + self.changed + self.unchanged + self.removed + self.gone + self.failed

    @property
    def nothing_new(self) -> bool:
        return self.new == 0 and self.changed == 0 and self.removed == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
