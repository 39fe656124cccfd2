"""Files as older kyanh-archive versions wrote them: the newest migrations undone, in
reverse order, so upgrade tests open a real old layout (not today's tables under an
old version number)."""

from __future__ import annotations

import sqlite3

from huyenkyanh_archive.archive import office_summary
from huyenkyanh_archive.archive.schema import MIGRATIONS


def _step_with(text: str) -> int:
    """The 1-based schema version whose migration contains ``text``."""
    return next(i for i, m in enumerate(MIGRATIONS, 1) if text in m.sql)


def undo_sections_and_keys(conn: sqlite3.Connection) -> None:
    """Before sections, article keys and response provenance: the per-site folder table."""
    conn.executescript(
        """
        DROP TABLE IF EXISTS sections;
        DROP TABLE IF EXISTS article_keys;
        DROP TABLE IF EXISTS meta;
        DROP INDEX IF EXISTS responses_archive_url;
        DROP INDEX IF EXISTS versions_article_time;
        ALTER TABLE responses DROP COLUMN source;
        ALTER TABLE responses DROP COLUMN provenance;
        ALTER TABLE responses DROP COLUMN archive_url;
        CREATE TABLE folders (
            site TEXT NOT NULL, folder TEXT NOT NULL, complete_at TEXT, last_walked TEXT,
            pages INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (site, folder)
        );
        """
    )
    conn.execute(f"PRAGMA user_version = {_step_with('CREATE TABLE IF NOT EXISTS sections') - 1}")


def undo_offices(conn: sqlite3.Connection) -> None:
    """Before the office summaries (and everything after them)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] >= _step_with("CREATE TABLE IF NOT EXISTS sections"):
        undo_sections_and_keys(conn)
    for table in reversed(office_summary.TABLES):
        conn.execute(f"DROP TABLE {table}")
    step = next(i for i, m in enumerate(MIGRATIONS) if "office_summaries" in m.rebuilds)
    conn.execute(f"PRAGMA user_version = {step}")
