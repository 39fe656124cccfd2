"""Opening an archive: connections, upgrades, and what SQLite's errors mean to a user.

:func:`open_archive` creates or upgrades the file (writable) or opens it
read-only; :func:`open_for_reading` upgrades an older archive first when the
file can be written. Every ``sqlite3`` error that reaches a user becomes a
one-line :class:`~..errors.StoreError` through :func:`store_error`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ..errors import StoreError
from . import office_summary, people_summary
from .schema import MIGRATIONS, SCHEMA_VERSION, VIEWS

__all__ = ["BUSY_TIMEOUT_MS", "connect", "store_error", "schema_version", "split_sql"]

BUSY_TIMEOUT_MS = 5000


def _fill_attendee_days(conn: sqlite3.Connection) -> None:
    conn.execute(
        "UPDATE attendees SET day = (SELECT substr(published_at, 1, 10) FROM articles a WHERE a.id = attendees.article)"
    )


# Derived data a migration step asks to recompute, by name (see schema.Migration.rebuilds).
_REBUILDS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "attendee_days": _fill_attendee_days,
    "people_summaries": people_summary.rebuild,
    "office_summaries": office_summary.rebuild,
}


def store_error(path: str, exc: BaseException) -> StoreError:
    """An ``sqlite3`` error as one line that says what to do."""
    text = str(exc)
    if "full" in text:
        return StoreError(f"{path}: database or disk is full; free space and run again (nothing was lost)")
    if "disk I/O error" in text:
        # What a full disk, a file-size limit (ulimit -f) or a quota looks like when the WAL write fails.
        return StoreError(f"{path}: disk I/O error (a full disk, a quota or a file-size limit?); free space or check"
                          " the disk and run again (the archive is as it was before the failing article)")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: database is read-only; give a writable --db path")
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: database is busy (another writer); try again")
    if "malformed" in text or "not a database" in text:
        return StoreError(f"{path}: not a kyanh-archive database or it is damaged ({text})")
    return StoreError(f"{path}: {text}")


def connect(path: str | Path, *, readonly: bool = False, create: bool = True) -> sqlite3.Connection:
    """A connection to the archive at ``path``, created and upgraded when writable."""
    path = str(path)
    p = Path(path)
    if readonly or not create:
        if not p.exists():
            raise StoreError(f"{path}: no such archive; run `kyanh-archive crawl --db {path}` first")
    elif not p.parent.exists():
        raise StoreError(f"{path}: directory {p.parent} does not exist; create it or choose another --db")
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect_readonly(p) if readonly else sqlite3.connect(path, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn)
            _create_views(conn)
        else:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise store_error(path, exc) from None
    return conn


def needs_upgrade(path: str | Path, conn: sqlite3.Connection) -> int | None:
    """The schema version of an older archive that this process could upgrade, else None."""
    version = schema_version(conn)
    p = Path(path)
    if version < SCHEMA_VERSION and os.access(p, os.W_OK) and os.access(p.parent, os.W_OK):
        return version
    return None


def schema_version(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return SCHEMA_VERSION


def _connect_readonly(p: Path) -> sqlite3.Connection:
    # The path is quoted: "#", "?" or "%" in a file name would otherwise end the URI's
    # path and drop mode=ro (SQLite would then create a stray empty database).
    uri = f"file:{quote(str(p.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = Path(f"{p}-wal")
        if "unable to open" not in str(exc) or (wal.exists() and wal.stat().st_size > 0):
            raise
    # An archive on read-only media (a DVD, a read-only share): a WAL database needs a
    # -shm file SQLite cannot create there. With no -wal file left, the main file holds
    # every commit and nothing can write it, so it is read as immutable.
    return sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)


def _migrate(conn: sqlite3.Connection) -> None:
    """Every pending step and then the rebuilds they ask for, in one transaction."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(f"database schema v{version} is newer than this kyanh-archive (v{SCHEMA_VERSION}); upgrade the tool")
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        rebuilds: list[str] = []
        for step in MIGRATIONS[version:]:
            for statement in split_sql(step.sql):
                conn.execute(statement)
            rebuilds += [r for r in step.rebuilds if r not in rebuilds]
        # A new archive has nothing to rebuild; an old one is rebuilt on today's schema.
        if version > 0:
            for name in rebuilds:
                _REBUILDS[name](conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _create_views(conn: sqlite3.Connection) -> None:
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = 'article_summary'").fetchone()[0]:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in split_sql(VIEWS):
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def split_sql(script: str) -> list[str]:
    """A script's statements, one by one (comment lines dropped)."""
    statements, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            statements.append("\n".join(buf))
            buf = []
    return statements
