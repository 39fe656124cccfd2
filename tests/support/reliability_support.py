"""Helpers of the reliability tests: a deeper archive check, and the crawl CLI against a replica."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from huyenkyanh_archive.archive.store import open_archive
from tests.support.crawl_support import cli_env
from tests.support.replica import Replica


def crawl_args(db: Path, replica: Replica, *extra: str) -> list[str]:
    """``crawl`` with fast manners for the loopback (no delay, short backoff and timeout)."""
    return ["crawl", "--db", str(db), "--base-url", replica.base_url, "--delay", "0", "--revisit-days", "0",
            "--backoff", "0.01", "--timeout", "2", *extra]


def deep_health(db: Path) -> dict[str, Any]:
    """Everything a crash could leave wrong, as counts that should be 0 (and two 'ok's)."""
    conn = sqlite3.connect(db)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        try:
            # The index holds folded text on purpose: checked for its own consistency here,
            # and against the article rows by rowid below.
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
            fts = "ok"
        except sqlite3.DatabaseError as exc:
            fts = str(exc)
        return {
            "integrity": one("PRAGMA integrity_check"),
            "fts_check": fts,
            "foreign_key_errors": len(conn.execute("PRAGMA foreign_key_check").fetchall()),
            "articles": one("SELECT count(*) FROM articles"),
            "duplicate_articles": one("SELECT count(*) - count(DISTINCT article_id) FROM articles"),
            "children_without_article": sum(
                one(f"SELECT count(*) FROM {t} WHERE article NOT IN (SELECT id FROM articles)")
                for t in ("authors", "attendees", "images", "related", "versions", "article_assets")
            ),
            "articles_without_version": one(
                "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.article = a.id)"),
            "versions_without_response": one(
                "SELECT count(*) FROM versions WHERE response_id IS NULL OR response_id NOT IN (SELECT id FROM responses)"),
            "responses_without_blob": one(
                "SELECT count(*) FROM responses WHERE body_sha256 IS NOT NULL"
                " AND body_sha256 NOT IN (SELECT sha256 FROM blobs)"),
            "version_count_mismatch": one(
                "SELECT count(*) FROM articles a WHERE version_count <> (SELECT count(*) FROM versions v WHERE v.article = a.id)"),
            "fts_missing": one("SELECT count(*) FROM articles WHERE id NOT IN (SELECT id FROM articles_fts_docsize)"),
            "fts_orphans": one("SELECT count(*) FROM articles_fts_docsize WHERE id NOT IN (SELECT id FROM articles)"),
            "held_and_queued": one("SELECT count(*) FROM frontier WHERE article_id IN (SELECT article_id FROM articles)"),
            # The per-person summaries are written with the article: a kill never leaves them off by one.
            "person_count_mismatch": one(
                "SELECT count(*) FROM (SELECT name_key, count(DISTINCT article) AS n FROM attendees GROUP BY name_key) t"
                " LEFT JOIN persons p ON p.name_key = t.name_key WHERE p.articles IS NOT t.n")
            + one("SELECT count(*) FROM persons WHERE name_key NOT IN (SELECT name_key FROM attendees)"),
            "pair_count_mismatch": abs(one("SELECT coalesce(sum(articles), 0) FROM person_pairs") - one(
                "SELECT count(*) FROM (SELECT DISTINCT a.article, a.name_key, b.name_key FROM attendees a"
                " JOIN attendees b ON b.article = a.article AND b.name_key <> a.name_key)")),
            "blob_dict_missing": one(
                "SELECT count(*) FROM blobs WHERE dict IS NOT NULL AND dict NOT IN (SELECT sha256 FROM blob_dicts)"),
        }
    finally:
        conn.close()


def assert_consistent(db: Path) -> dict[str, Any]:
    """:func:`deep_health` with every count that must be 0 asserted so; returns it."""
    h = deep_health(db)
    assert h["integrity"] == "ok" and h["fts_check"] == "ok", h
    bad = {k: v for k, v in h.items() if k not in ("integrity", "fts_check", "articles") and v}
    assert not bad, bad
    return h


def stored_pages(db: Path) -> dict[str, list[bytes]]:
    """article id -> the raw pages of its versions, oldest first."""
    out: dict[str, list[bytes]] = {}
    with open_archive(db, readonly=True) as archive:
        for aid, sha in archive.conn.execute(
            "SELECT a.article_id, r.body_sha256 FROM versions v JOIN articles a ON a.id = v.article"
            " JOIN responses r ON r.id = v.response_id ORDER BY v.version"
        ).fetchall():
            out.setdefault(aid, []).append(archive.bodies.get(sha))
    return out


def sigkill_after(argv: list[str], progress: Callable[[], int], after: int, *, timeout: float = 30) -> int:
    """Run ``argv`` (the CLI) and SIGKILL it, the process alone as the OOM killer would, once
    ``progress()`` (requests a replica has seen, say) has grown by ``after``; its exit code."""
    start = progress()
    proc = subprocess.Popen(argv, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while progress() - start < after and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        return proc.wait(10)
    finally:
        # Whatever the crawl forked dies with the test, whatever the crawl's own clean-up does.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
