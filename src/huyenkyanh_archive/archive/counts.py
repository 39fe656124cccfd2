"""Counts for ``stats``: what the archive holds, and the last run's row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import people_summary
from .search_index import read_rows

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["ArchiveCounts", "RunRow", "count_archive"]


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    started_at: str
    finished_at: str | None
    status: str
    stats_json: str | None


@dataclass(frozen=True, slots=True)
class ArchiveCounts:
    articles: int
    by_year: dict[str, int]
    by_folder: dict[str, int]
    people: int
    attendee_rows: int
    versions: int
    changed_articles: int
    removed_articles: int
    responses: int
    responses_by_source: dict[str, int]  # live, wayback, warc: where the kept answers came from
    versions_by_source: dict[str, int]
    articles_by_source: dict[str, int]  # articles with at least one version from each source
    sections: dict[str, int]  # listing, sitemap, feed, page, gone
    raw_bytes: int
    stored_bytes: int
    last_run: RunRow | None


def count_archive(archive: Archive) -> ArchiveCounts:
    def one(sql: str) -> int:
        return int(read_rows(archive, sql)[0][0])

    by_year = {str(y or "undated"): n for y, n in read_rows(
        archive, "SELECT substr(published_at, 1, 4) AS y, count(*) FROM articles GROUP BY y ORDER BY y"
    )}
    by_folder = {str(f or "-"): n for f, n in read_rows(
        archive, "SELECT coalesce(folder, category) AS f, count(*) FROM articles GROUP BY f ORDER BY count(*) DESC, f"
    )}
    run = read_rows(archive, "SELECT id, started_at, finished_at, status, stats FROM runs ORDER BY id DESC LIMIT 1")
    return ArchiveCounts(
        articles=one("SELECT count(*) FROM articles"),
        by_year=by_year,
        by_folder=by_folder,
        people=one("SELECT count(*) FROM persons" if people_summary.available(archive.conn)
                   else "SELECT count(DISTINCT name_key) FROM attendees"),
        attendee_rows=one("SELECT count(*) FROM attendees"),
        versions=one("SELECT count(*) FROM versions"),
        changed_articles=one("SELECT count(*) FROM articles WHERE version_count > 1"),
        removed_articles=one("SELECT count(*) FROM articles WHERE removed_at IS NOT NULL"),
        responses=one("SELECT count(*) FROM responses"),
        responses_by_source={str(k): int(n) for k, n in read_rows(
            archive, "SELECT source, count(*) FROM responses GROUP BY source ORDER BY source")},
        versions_by_source={str(k): int(n) for k, n in read_rows(
            archive, "SELECT coalesce(r.source, 'live'), count(*) FROM versions v LEFT JOIN responses r"
                     " ON r.id = v.response_id GROUP BY 1 ORDER BY 1")},
        articles_by_source={str(k): int(n) for k, n in read_rows(
            archive, "SELECT coalesce(r.source, 'live'), count(DISTINCT v.article) FROM versions v LEFT JOIN responses r"
                     " ON r.id = v.response_id GROUP BY 1 ORDER BY 1")},
        sections=archive.sections.counts(),
        raw_bytes=one("SELECT coalesce(sum(size), 0) FROM blobs"),
        stored_bytes=one("SELECT coalesce(sum(length(data)), 0) FROM blobs"),
        last_run=RunRow(int(run[0][0]), *run[0][1:]) if run else None,
    )
