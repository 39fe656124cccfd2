"""A disk that fills up under the crawl command, at the operating system's level.

tests/test_crawl.py fills the database with SQLite's ``max_page_count`` from
the library. Here the real ``kyanh-archive crawl`` process runs with a file
size limit (``RLIMIT_FSIZE``, with SIGXFSZ ignored, as ``ulimit -f`` does):
its writes fail in the kernel exactly as on a full disk, whatever the
database or its WAL was writing. No root, no mount: it runs in any CI.
"""

from __future__ import annotations

import json
import resource
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.support.crawl_support import cli, cli_argv, cli_env
from tests.support.reliability_support import assert_consistent, crawl_args, stored_pages
from tests.support.render import load_corpus
from tests.support.replica import Replica

CORPUS = load_corpus()


def file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_full_disk_one_line_exit_74_archive_as_before_then_the_next_run_completes(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Replica(CORPUS, per_page=4) as rep:
        assert cli(*crawl_args(db, rep, "--max-articles", "3", "--quiet")).returncode == 0
        room = db.stat().st_size + 160 * 1024  # a few more articles' worth, not the whole site
        full = subprocess.run([*cli_argv(), *crawl_args(db, rep, "--json")], env=cli_env(), capture_output=True,
                              text=True, timeout=60, preexec_fn=file_size_limit(room))
        assert full.returncode == 74, full.stderr
        lines = full.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in full.stderr, full.stderr
        assert str(db) in lines[0] and "space" in lines[0], lines[0]  # names the file and the fix
        # The archive is what was committed before the failing article: every article the
        # run reported as written, each whole, and nothing else.
        events = [json.loads(line) for line in full.stdout.splitlines()]
        written = {e["article_id"] for e in events if e["event"] == "article" and e["outcome"] == "new"}
        h = assert_consistent(db)
        assert len(written) >= 1 and h["articles"] == 3 + len(written) < len(CORPUS)
        assert written <= set(stored_pages(db))

        again = cli(*crawl_args(db, rep, "--quiet"))  # space freed
        assert again.returncode == 0, again.stderr
        served = {Replica.article_id(a): rep.page_bytes(Replica.article_id(a)) for a in CORPUS}
    h = assert_consistent(db)
    assert h["articles"] == len(CORPUS)
    pages = stored_pages(db)
    assert all(pages[aid] == [body] for aid, body in served.items())
