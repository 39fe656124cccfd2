"""Wrong places and wrong files: one line on stderr naming the file and the fix, never a traceback.

Read-only media are made for real: ``chmod`` for an ordinary user; for root
(who ignores permissions) a read-only tmpfs or a read-only bind mount, which
is what an archive on a DVD, a read-only NFS share or a locked-down
container looks like.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive.cli import app
from huyenkyanh_archive.crawl import crawl
from tests.support.crawl_support import cli, fast_options, profile
from tests.support.render import load_corpus
from tests.support.replica import Replica

CORPUS = load_corpus()
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def one_line(result, *needles: str) -> str:  # type: ignore[no-untyped-def]
    err = result.stderr
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("kyanh-archive: "), err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cfg") / "kyanh-archive.db"
    with Replica(CORPUS[:8], per_page=4) as rep:
        assert crawl(db, profile(), fast_options(rep)).ok
    return db


def _sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=30)


def _unmount(path: Path) -> None:
    # Lazily if still busy, so a failing test never leaves a mount behind.
    if subprocess.run(["umount", str(path)], capture_output=True, timeout=30).returncode:
        _sh("umount", "-l", str(path))


@contextmanager
def read_only_dir(path: Path) -> Iterator[Path]:
    """``path`` (a directory, copied as it is) made read-only for this process."""
    if os.geteuid() != 0:
        os.chmod(path, 0o555)
        try:
            yield path
        finally:
            os.chmod(path, 0o755)
        return
    saved = path.parent / (path.name + ".contents")
    shutil.copytree(path, saved)
    _sh("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(path))
    try:
        shutil.copytree(saved, path, dirs_exist_ok=True)
        _sh("mount", "-o", "remount,ro", str(path))
        yield path
    finally:
        _unmount(path)


@contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """``path`` (a file) read-only while its directory stays writable."""
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
        try:
            yield path
        finally:
            os.chmod(path, 0o644)
        return
    _sh("mount", "--bind", str(path), str(path))
    try:
        _sh("mount", "-o", "remount,bind,ro", str(path))
        yield path
    finally:
        _unmount(path)


def test_crawl_into_an_unwritable_directory(tmp_path: Path) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    with read_only_dir(target):
        result = run("crawl", "--db", str(target / "a.db"), "--base-url", "http://127.0.0.1:9")
    assert result.exit_code == 74
    one_line(result, str(target / "a.db"), "writable --db")
    assert not (target / "a.db").exists()


def test_crawl_into_a_missing_directory(tmp_path: Path) -> None:
    result = run("crawl", "--db", str(tmp_path / "no" / "such" / "a.db"))
    assert result.exit_code == 74
    one_line(result, str(tmp_path / "no" / "such"), "does not exist", "create it")


def test_crawl_into_a_read_only_database(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    shutil.copy(archive, db)
    before = db.read_bytes()
    with read_only_file(db):
        result = run("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9")
    assert result.exit_code == 74
    one_line(result, str(db), "read-only", "writable --db")
    assert db.read_bytes() == before


def test_an_archive_on_read_only_media_can_still_be_queried(archive: Path, tmp_path: Path) -> None:
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    shutil.copy(archive, shelf / "kyanh-archive.db")
    with read_only_dir(shelf):
        db = str(shelf / "kyanh-archive.db")
        stats = run("stats", "--db", db, "--json")
        search = run("search", "Kỳ Anh", "--db", db, "--json", "--limit", "3")
        crawl_there = run("crawl", "--db", db, "--base-url", "http://127.0.0.1:9")
    assert stats.exit_code == 0, stats.stderr
    assert '"articles": 8' in stats.stdout
    assert search.exit_code == 0, search.stderr
    assert crawl_there.exit_code == 74
    one_line(crawl_there, "writable --db")


@pytest.mark.parametrize("odd", ["a#b.db", "a?mode=rwc.db", "a%20b.db", "kỳ anh.db"])
def test_odd_characters_in_the_database_path(archive: Path, tmp_path: Path, odd: str) -> None:
    db = tmp_path / odd
    shutil.copy(archive, db)
    result = run("stats", "--db", str(db), "--json")
    assert result.exit_code == 0, result.stderr
    assert '"articles": 8' in result.stdout
    # No stray database made from a cut-off name (a WAL reader's -wal/-shm are the file's own).
    assert all(p.name.startswith(odd) for p in tmp_path.iterdir()), list(tmp_path.iterdir())


@pytest.mark.parametrize("what", ["directory", "text", "damaged"])
def test_not_an_archive(archive: Path, tmp_path: Path, what: str) -> None:
    db = tmp_path / "a.db"
    if what == "directory":
        db.mkdir()
    elif what == "text":
        db.write_text("hello, not sqlite\n" * 100)
    else:
        data = bytearray(archive.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)  # the schema page overwritten
        db.write_bytes(bytes(data))
    for args in (("stats",), ("search", "huyện"), ("crawl", "--base-url", "http://127.0.0.1:9")):
        result = run(*args, "--db", str(db))
        assert result.exit_code == 74, (args, result.stderr)
        one_line(result, str(db))


PROFILE = (Path(__file__).resolve().parent.parent / "src" / "huyenkyanh_archive" / "site" / "profiles" / "hatinh-portal.toml")


@pytest.mark.parametrize(
    ("edit", "needles"),
    [
        (lambda t: t.replace("[urls]", "[urls", 1), ("not valid TOML", "fix the file")),
        (lambda t: t.replace("base_url", "base_ulr", 1), ("base_url", "misspelt")),
        (lambda t: 'folderz = ["x"]\n' + t, ("folderz", "unknown key")),
        (lambda t: t.replace("[urls]", "[selectors_]", 1), ("[urls]",)),
    ],
    ids=["toml-syntax", "misspelt-required", "unknown-key", "missing-table"],
)
def test_profile_file_with_a_typo(tmp_path: Path, edit, needles: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "my-portal.toml"
    bad.write_text(edit(PROFILE.read_text("utf-8")), "utf-8")
    result = run("crawl", "--db", str(tmp_path / "a.db"), "--site", str(bad), "--base-url", "http://127.0.0.1:9")
    assert result.exit_code == 78
    one_line(result, str(bad), *needles)
    assert not (tmp_path / "a.db").exists()  # nothing created for a crawl that cannot start


def test_missing_profile_and_unknown_profile_name(tmp_path: Path) -> None:
    missing = run("crawl", "--db", str(tmp_path / "a.db"), "--site", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 78
    one_line(missing, "nope.toml", "hatinh-portal")
    unknown = run("crawl", "--db", str(tmp_path / "a.db"), "--site", "hatinh-portl")
    assert unknown.exit_code == 78
    one_line(unknown, "hatinh-portl", "hatinh-portal")


@pytest.mark.parametrize(
    ("args", "needle"),
    [(("--since", "2024-13-45"), "--since"), (("--base-url", "ftp://x"), "--base-url"), (("--concurrency", "0"), "concurrency")],
)
def test_bad_options_exit_2(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    result = run("crawl", "--db", str(tmp_path / "a.db"), *args)
    assert result.exit_code == 2
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_the_real_command_unreachable_site_is_one_line_exit_69(tmp_path: Path) -> None:
    with Replica(CORPUS[:2]) as rep:
        base = rep.base_url
    # The replica is gone: nothing listens on its port any more.
    out = cli("crawl", "--db", str(tmp_path / "a.db"), "--base-url", base, "--quiet", "--retries", "1",
              "--backoff", "0.01", "--timeout", "1")
    assert out.returncode == 69, out.stderr
    assert out.stdout == "" and out.stderr.count("\n") == 1 and "robots.txt" in out.stderr
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
