"""The site's sections as the crawl found them: the ``sections`` table.

A section is any page of the site that lists articles and pages through
them (a folder of the old platform, a ``?page=N`` section of the newer
software, a category of another CMS), a sitemap or a feed. Each is kept by
the address of its first page on the site (path and query, no host: the
same site fetched from a mirror is the same sections), with how it was
found, whether its walk ever reached the last page, and whether it is gone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["FoundBy", "SectionKind", "SectionRow", "Sections"]

SectionKind = Literal["listing", "sitemap", "feed", "page"]
FoundBy = Literal["home", "menu", "listing", "sitemap", "feed", "profile", "article", "robots", "probe", "redirect"]


@dataclass(frozen=True, slots=True)
class SectionRow:
    url: str  # path and query of the first page
    name: str | None
    kind: SectionKind
    found_by: FoundBy
    complete_at: str | None  # when a walk first reached the last page
    pages: int
    gone_at: str | None
    gone_reason: str | None
    etag: str | None
    last_modified: str | None


class Sections:
    """The ``sections`` table."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._archive.conn

    def all(self) -> list[SectionRow]:
        return [SectionRow(*r) for r in self._conn.execute(
            "SELECT url, name, kind, found_by, complete_at, pages, gone_at, gone_reason, etag, last_modified"
            " FROM sections ORDER BY id")]

    def found(self, url: str, name: str | None, kind: SectionKind, found_by: FoundBy, when: str) -> None:
        """A section first seen (kept as first found if seen again)."""
        self._conn.execute(
            "INSERT INTO sections (url, name, kind, found_by, first_seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO NOTHING",
            (url, name, kind, found_by, when),
        )

    def walked(self, url: str, *, kind: SectionKind, pages: int, complete: bool, when: str,
               etag: str | None = None, last_modified: str | None = None) -> None:
        self._conn.execute(
            "UPDATE sections SET kind = ?, last_walked = ?, pages = max(pages, ?),"
            " complete_at = coalesce(complete_at, ?), gone_at = NULL, gone_reason = NULL,"
            " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE url = ?",
            (kind, when, pages, when if complete else None, etag, last_modified, url),
        )

    def gone(self, url: str, reason: str, when: str) -> None:
        self._conn.execute(
            "UPDATE sections SET gone_at = coalesce(gone_at, ?), gone_reason = ?, last_walked = ? WHERE url = ?",
            (when, reason, when, url),
        )

    def counts(self) -> dict[str, int]:
        """Sections by state: listing, sitemap, feed, page (lists nothing), gone. A guessed
        address that was never there (a probed ``/sitemap.xml``) is not a section gone."""
        out = {"listing": 0, "sitemap": 0, "feed": 0, "page": 0, "gone": 0}
        for kind, gone, n in self._conn.execute(
            "SELECT kind, gone_at IS NOT NULL, count(*) FROM sections"
            " WHERE NOT (found_by = 'probe' AND gone_at IS NOT NULL) GROUP BY 1, 2"
        ):
            out["gone" if gone else kind] = out.get("gone" if gone else kind, 0) + n
        return out
