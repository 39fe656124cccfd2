"""``stats``: what the archive holds, and how the last crawl went."""

from __future__ import annotations

import json

from ..archive.counts import count_archive
from ..archive.store import Archive
from .results import LastCrawl, Stats

__all__ = ["stats"]


def stats(archive: Archive) -> Stats:
    c = count_archive(archive)
    last = None
    if c.last_run is not None:
        run = c.last_run
        try:
            parsed = json.loads(run.stats_json) if run.stats_json else None
        except ValueError:
            parsed = {"unparsed": run.stats_json}
        last = LastCrawl(run.id, run.started_at, run.finished_at, run.status,
                         parsed if isinstance(parsed, dict) or parsed is None else {"value": parsed})
    return Stats(
        articles=c.articles, by_year=c.by_year, by_folder=c.by_folder, people=c.people,
        attendee_rows=c.attendee_rows, versions=c.versions, changed_articles=c.changed_articles,
        removed_articles=c.removed_articles, responses=c.responses,
        responses_by_source=c.responses_by_source, versions_by_source=c.versions_by_source,
        articles_by_source=c.articles_by_source, sections=c.sections,
        raw_bytes=c.raw_bytes,
        stored_bytes=c.stored_bytes, last_crawl=last,
    )
