"""``reextract``: the current extractor over every stored raw page, no network.

Each version's record is rewritten from its own page; the article's current
record becomes its latest version's. One transaction per article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import extract
from ..archive import content_hash, open_archive
from ..archive.lock import CrawlLock
from ..errors import StoreError
from ..record import Article
from ..site.profile import Profile
from ..site.site import Site
from .events import Event
from .run import resolve_site

__all__ = ["ReextractSummary", "reextract"]


@dataclass(slots=True)
class ReextractSummary:
    articles: int = 0
    changed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def reextract(
    db_path: str | Path,
    profile: Site | Profile | str | None = None,
    events: Callable[[Event], None] | None = None,
) -> ReextractSummary:
    """Re-run the current extractor over every stored version's raw page."""
    site = resolve_site(profile)
    summary = ReextractSummary()
    with CrawlLock(db_path):
        archive = open_archive(db_path, create=False)
        try:
            for article_id in archive.articles.ids():
                before = archive.articles.current_record(article_id)
                try:
                    with archive.transaction():
                        latest: Article | None = None
                        for stored in archive.articles.stored_versions(article_id):
                            canonical = before.url if before and before.url else stored.url
                            latest = extract.extract_article(stored.body, canonical, profile=site.profile_for(canonical),
                                                             headers=dict(stored.headers), source=canonical)
                            archive.articles.rewrite_version(stored.version_id, latest)
                        if latest is not None:
                            archive.articles.replace_current(article_id, latest)
                except StoreError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one unreadable page must not stop the upgrade
                    summary.failed += 1
                    if len(summary.errors) < 20:
                        summary.errors.append(f"{article_id}: {exc}")
                    continue
                summary.articles += 1
                if latest is not None and (before is None or content_hash(before) != content_hash(latest)):
                    summary.changed += 1
                if events:
                    events(Event("reextract", {"article_id": article_id}))
        finally:
            archive.close()
    return summary
