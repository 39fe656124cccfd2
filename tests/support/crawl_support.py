"""Shared helpers of the crawler tests: fast options, the extractor, archive checks, the CLI in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from huyenkyanh_archive.crawl import CrawlOptions
from huyenkyanh_archive.site.profile import Profile, load_profile
from tests.support.replica import Replica

SITE_BASE = "http://kyanh.hatinh.gov.vn"


def profile() -> Profile:
    return load_profile()


def fast_options(replica: Replica, **changes: Any) -> CrawlOptions:
    """No delay, short backoffs and timeouts: the tests stay in seconds."""
    values: dict[str, Any] = dict(
        base_url=replica.base_url, delay=0.0, concurrency=2, revisit_days=0.0, retries=6,
        backoff_base=0.01, backoff_max=0.05, read_timeout=1.0, connect_timeout=1.0, seed=7,
    )
    values.update(changes)
    return CrawlOptions(**values)


def article_id(article: dict[str, Any]) -> str:
    return Replica.article_id(article)


def connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db)


def archive_health(db: Path) -> dict[str, Any]:
    """What a user checks after a crash: integrity, duplicates, orphans, counts."""
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "integrity": one("PRAGMA integrity_check"),
            "foreign_key_errors": len(conn.execute("PRAGMA foreign_key_check").fetchall()),
            "articles": one("SELECT count(*) FROM articles"),
            "distinct_ids": one("SELECT count(DISTINCT article_id) FROM articles"),
            "versions": one("SELECT count(*) FROM versions"),
            "multi_version": one("SELECT count(*) FROM articles WHERE version_count <> 1"),
            "articles_without_version": one(
                "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.article = a.id)"
            ),
            "fts_rows": one("SELECT count(*) FROM articles_fts_docsize") if one(
                "SELECT count(*) FROM sqlite_master WHERE name = 'articles_fts_docsize'") else None,
            "frontier": one("SELECT count(*) FROM frontier"),
            "orphan_children": sum(
                one(f"SELECT count(*) FROM {t} WHERE article NOT IN (SELECT id FROM articles)")
                for t in ("authors", "attendees", "images", "related", "versions")
            ),
        }


def cli(*args: str, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``kyanh-archive ARGS`` in a fresh process."""
    return subprocess.run([*cli_argv(), *args], capture_output=True, text=True, timeout=timeout, env=cli_env(), **kwargs)


def cli_argv() -> list[str]:
    return [sys.executable, "-c", "from huyenkyanh_archive.cli import app; app()"]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["COLUMNS"] = "200"
    return env


# Runs a crawl in a child process and SIGKILLs it at the nth time the writer
# reaches a stage. argv: db base_url stage nth concurrency revisit_days
KILL_AT_STAGE = """
import os, signal, sys
from huyenkyanh_archive.crawl import CrawlOptions, crawl
from huyenkyanh_archive.site.profile import load_profile
db, base, stage, nth, conc, revisit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
seen = 0
def hook(name):
    global seen
    if name == stage:
        seen += 1
        if seen == nth:
            os.kill(os.getpid(), signal.SIGKILL)
crawl(db, load_profile(), CrawlOptions(base_url=base, delay=0, concurrency=conc, revisit_days=revisit, retries=8,
      backoff_base=0.01, backoff_max=0.05, read_timeout=2, stage_hook=hook))
"""
