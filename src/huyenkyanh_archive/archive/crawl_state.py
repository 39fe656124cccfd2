"""The crawl's memory across runs: runs, the frontier, revisit candidates, assets, the site held.

Small statements the crawler runs; the caller decides the transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..clock import utc_now

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["CrawlState", "HeldArticle", "QueuedArticle", "chunked"]

# SQLite caps the number of bound variables in one statement.
CHUNK = 500


def chunked(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass(frozen=True, slots=True)
class QueuedArticle:
    """An article discovered and not yet archived."""

    article_id: str
    url: str
    folder: str | None


@dataclass(frozen=True, slots=True)
class HeldArticle:
    """An archived article to revisit with a conditional GET."""

    article_id: str
    url: str
    folder: str | None
    etag: str | None
    last_modified: str | None


class CrawlState:
    """The ``runs``, ``frontier``, ``assets`` and ``meta`` tables, and the revisit lists."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._archive.conn

    # -- runs ------------------------------------------------------------------
    def begin_run(self, options: Mapping[str, Any]) -> int:
        """A new ``runs`` row; runs left 'running' by a killed process are closed as 'killed'."""
        with self._archive.transaction() as conn:
            conn.execute("UPDATE runs SET status = 'killed' WHERE status = 'running'")
            cur = conn.execute(
                "INSERT INTO runs (started_at, status, options) VALUES (?, 'running', ?)",
                (utc_now(), json.dumps(dict(options), ensure_ascii=False, default=str)),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
        with self._archive.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (utc_now(), status, json.dumps(dict(stats), ensure_ascii=False, default=str), run_id),
            )

    # -- the frontier ----------------------------------------------------------
    def held(self, article_ids: Sequence[str]) -> set[str]:
        """Which of ``article_ids`` are archived."""
        out: set[str] = set()
        for chunk in chunked(article_ids):
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self._conn.execute(
                f"SELECT article_id FROM articles WHERE article_id IN ({marks})", tuple(chunk)))
        return out

    def add_frontier(self, items: Sequence[QueuedArticle], when: str) -> None:
        """Articles discovered; those already archived are not added."""
        self._conn.executemany(
            "INSERT OR IGNORE INTO frontier (article_id, url, folder, discovered_at)"
            " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM articles WHERE article_id = ?)",
            [(q.article_id, q.url, q.folder, when, q.article_id) for q in items],
        )

    def frontier(self, max_attempts: int | None = None) -> list[QueuedArticle]:
        """Discovered, not yet archived, oldest discovery first."""
        sql = "SELECT article_id, url, folder FROM frontier"
        params: tuple[Any, ...] = ()
        if max_attempts is not None:
            sql += " WHERE attempts < ?"
            params = (max_attempts,)
        return [QueuedArticle(*r) for r in self._conn.execute(sql + " ORDER BY discovered_at, article_id", params)]

    def frontier_failed(self, item: QueuedArticle, error: str, when: str) -> None:
        self._conn.execute(
            "INSERT INTO frontier (article_id, url, folder, discovered_at, attempts, last_error)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (article_id) DO UPDATE SET"
            " attempts = attempts + 1, last_error = excluded.last_error",
            (item.article_id, item.url, item.folder, when, error[:500]),
        )

    def frontier_drop(self, article_id: str) -> None:
        self._conn.execute("DELETE FROM frontier WHERE article_id = ?", (article_id,))

    # -- revisits --------------------------------------------------------------
    def revisit_candidates(self, published_since: str) -> list[HeldArticle]:
        """Held, not removed, published at or after ``published_since``, newest first."""
        return [HeldArticle(*r) for r in self._conn.execute(
            "SELECT article_id, url, folder, etag, last_modified FROM articles"
            " WHERE removed_at IS NULL AND published_at >= ? ORDER BY published_at DESC",
            (published_since,),
        )]

    def articles_not_in(self, seen: set[str]) -> list[HeldArticle]:
        """Held, not removed, and not in ``seen`` (articles no listing showed on a full walk)."""
        return [HeldArticle(*r) for r in self._conn.execute(
            "SELECT article_id, url, folder, etag, last_modified FROM articles WHERE removed_at IS NULL"
        ) if r[0] not in seen]

    # -- the site an archive holds ---------------------------------------------
    def site(self) -> str | None:
        """The address of the site this archive holds (None: a new archive)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'site'").fetchone()
        return str(row[0]) if row else None

    def claim_site(self, base_url: str) -> None:
        self._conn.execute("INSERT INTO meta (key, value) VALUES ('site', ?) ON CONFLICT (key) DO NOTHING", (base_url,))

    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row and row[0] is not None else None

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           (key, value))

    # -- assets ----------------------------------------------------------------
    def has_asset(self, url: str) -> bool:
        return self._conn.execute("SELECT 1 FROM assets WHERE url = ?", (url,)).fetchone() is not None

    def add_asset(self, url: str, body: bytes, content_type: str | None, fetched_at: str) -> str:
        digest = self._archive.bodies.put(body)
        self._conn.execute(
            "INSERT INTO assets (url, sha256, content_type, size, fetched_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, content_type = excluded.content_type,"
            " size = excluded.size, fetched_at = excluded.fetched_at",
            (url, digest, content_type, len(body), fetched_at),
        )
        return digest

    def link_asset(self, article_key: str, url: str) -> None:
        """Link an asset to the article a key names."""
        self._conn.execute(
            "INSERT OR IGNORE INTO article_assets (article, url)"
            " SELECT article, ? FROM article_keys WHERE key = ? AND article IS NOT NULL",
            (url, article_key),
        )
