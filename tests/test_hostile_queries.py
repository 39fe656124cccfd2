"""Hostile text in every text option of search, people, person and export.

tests/test_query.py throws metacharacters at the search query. Here every
text option of every query command gets them, plus very long, control,
NUL and undecodable (surrogate-escaped argv) text, and two promises are
checked directly:

- no option's text ever reaches SQL as SQL: every statement the library
  runs is recorded (a proxy in front of the connection) and none may contain
  the marker planted in the option;
- a message, not a traceback: exit 0 or 2 with at most one line on stderr,
  and the database file byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.export import FORMATS, export
from huyenkyanh_archive.archive.store import Archive, open_archive
from huyenkyanh_archive.cli import app
from huyenkyanh_archive.errors import QueryError

MARK = "Zq9x"
HOSTILE = [
    f"{MARK}'); DROP TABLE articles; --",
    f"{MARK}\" OR 1=1 --",
    f"{MARK}%' OR '%'='",
    f"{MARK}*) OR (title:*",
    f"{MARK} NEAR(a b) ^c {{d}} -e +f",
    f"{MARK}\\'; ATTACH DATABASE '/tmp/x' AS x; --",
    f"{MARK}[bold red]markup[/] \x1b[2J",
    f"{MARK}\x00nul",
    f"{MARK}\n2nd line\r\n",
    f"{MARK}" + "Kỳ Anh " * 20_000,
]
UNDECODABLE = f"{MARK}\udcff\udcfe"  # what Python makes of invalid UTF-8 bytes in argv

ROW_FORMATS = tuple(f for f in FORMATS if f not in ("graphml", "parquet"))


class RecordingConnection:
    """Every SQL text run through the archive's connection, for inspection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.sql: list[str] = []

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self.sql.append(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self.sql.append(sql)
        return self._conn.executemany(sql, *args)

    def executescript(self, sql: str) -> sqlite3.Cursor:
        self.sql.append(sql)
        return self._conn.executescript(sql)

    def cursor(self) -> Any:
        raise AssertionError("a raw cursor would escape the recording")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


# option -> (call, an ordinary value for it: shows the recording sees the option's SQL at all)
CALLS: dict[str, tuple[Callable[[Archive, str], Any], str]] = {
    "search query": (lambda a, t: query.search(a, t, limit=5), "huyện"),
    "search --since": (lambda a, t: query.search(a, "huyện", since=t), "2020"),
    "search --until": (lambda a, t: query.search(a, "huyện", until=t), "2030-01"),
    "search --category": (lambda a, t: query.search(a, "huyện", category=t), "Tin tức - Sự kiện"),
    "search --person": (lambda a, t: query.search(a, "huyện", person=t), "Hồ Huy Thành"),
    "people --role": (lambda a, t: query.people(a, role=t, limit=5), "Bí thư"),
    "people --since": (lambda a, t: query.people(a, since=t, limit=5), "2020"),
    "people --sort": (lambda a, t: query.people(a, sort=t), "name"),  # type: ignore[arg-type]
    "person name": (lambda a, t: query.person(a, t), "Hồ Huy Thành"),
    "person name (locality)": (lambda a, t: query.person(a, f"Nguyễn Văn Hải ({t})"), "xã Kỳ Tân"),
    # graphml and parquet are the whole archive: --since/--until select rows of the others.
    "export --since": (lambda a, t: [export(a, f, io.BytesIO(), since=t) for f in ROW_FORMATS], "2020"),
    "export --until": (lambda a, t: [export(a, f, io.BytesIO(), until=t) for f in ROW_FORMATS], "2030"),
}


@pytest.mark.parametrize("option", list(CALLS))
def test_no_option_text_reaches_sql_and_the_archive_is_untouched(people_archive, option: str) -> None:  # type: ignore[no-untyped-def]
    db = Path(people_archive[0])
    before = digest(db)
    call, ordinary = CALLS[option]
    with open_archive(db, readonly=True) as arc:
        recorder = RecordingConnection(arc.conn)
        arc.conn = recorder  # type: ignore[assignment]
        call(arc, ordinary)
        assert recorder.sql, "the recording saw nothing: the test would prove nothing"
        for text in [*HOSTILE, UNDECODABLE]:
            try:
                call(arc, text)
            except QueryError as exc:
                assert "\n" not in str(exc).strip() and str(exc), (option, text[:40])
        leaked = [s for s in recorder.sql if MARK in s]
        assert not leaked, leaked[0][:200]
        arc.conn = recorder._conn
        assert arc.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(people_archive[1])
    assert digest(db) == before


runner = CliRunner()

COMMANDS: list[tuple[str, ...]] = [
    ("search", "{t}"),
    ("search", "huyện", "--since", "{t}"),
    ("search", "huyện", "--until", "{t}"),
    ("search", "huyện", "--category", "{t}"),
    ("search", "huyện", "--person", "{t}"),
    ("people", "--role", "{t}"),
    ("people", "--since", "{t}"),
    ("people", "--sort", "{t}"),
    ("person", "{t}"),
    ("export", "--format", "{t}"),
    ("export", "--since", "{t}"),
    ("export", "--until", "{t}"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c).replace("{t}", "T"))
def test_every_text_option_gives_a_message_not_a_traceback(people_archive, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    db = Path(people_archive[0])
    before = digest(db)
    # The NUL one cannot come from a real argv; the others can.
    for text in [t for t in HOSTILE if "\x00" not in t] + [UNDECODABLE]:
        args = [a.replace("{t}", text) for a in command]
        result = runner.invoke(app, [*args, "--db", str(db)], catch_exceptions=False)
        assert result.exit_code in (0, 2), (args[:2], text[:30], result.exit_code, result.stderr[-300:])
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") <= 1, (args[:2], text[:30], result.stderr[:300])
        if result.exit_code == 2:
            assert result.stderr.startswith("kyanh-archive: ") or "Usage:" in result.stderr
    assert digest(db) == before


def test_a_very_long_query_is_refused_or_answered_quickly(people_archive) -> None:  # type: ignore[no-untyped-def]
    import time

    with open_archive(people_archive[0], readonly=True) as arc:
        for text in ("huyện " * 50_000, "(" * 10_000 + "a" + ")" * 10_000, "a OR " * 20_000 + "b", '"' + "x " * 50_000 + '"'):
            t0 = time.monotonic()
            try:
                query.search(arc, text, limit=5)
            except QueryError as exc:
                assert "\n" not in str(exc) and len(str(exc)) < 500  # the message does not echo 100 kB back
            assert time.monotonic() - t0 < 10
