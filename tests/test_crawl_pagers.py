"""Endless pagers and pager loops end the walk; a long section is walked to its end.

Real portals' pagers misbehave: past the last page some repeat it with a "next"
link to a page after it, forever; some start over at page 1 under new
addresses. Served here by a loopback replica of the newer software (real HTTP):
every walk must end by itself, soon after the section's real end, with every
article archived once and the section not counted as failed.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from huyenkyanh_archive.crawl import Event, crawl
from tests.support.crawl_support import archive_health, fast_options, profile
from tests.support.render import load_corpus
from tests.support.replica import synthetic_articles
from tests.support.replica_newer import NewerReplica

CORPUS = load_corpus()
MAX_PAGES = 400  # a walk that is not cut would reach this: the test fails instead of hanging
_NEXT = re.compile(r'<li><a rel="next" href="[^"]*">Trang sau</a></li>')


class MisbehavingPagers(NewerReplica):
    """Past its last page every section answers ``?page=N`` for any N, with a next link to N+1.

    ``mode``: ``repeat`` serves the last page again; ``restart`` serves the pages from the
    first one again (page last+1 is page 1, …), so a loop with a period of the section's length.
    """

    def __init__(self, mode: str, articles: list[dict[str, object]] = CORPUS, **kw: object) -> None:
        super().__init__(articles, **kw)  # type: ignore[arg-type]
        self.mode = mode

    def listing(self, section: str, page: int) -> str | None:
        pages = self.section_pages(section)
        if page < 1 or pages == 0:
            return None
        if page <= pages:
            shown = page
        else:
            shown = pages if self.mode == "repeat" else (page - 1) % pages + 1
        text = super().listing(section, shown)
        if text is None:
            return None
        nxt = f'<li><a rel="next" href="/vi/{section}?page={page + 1}">Trang sau</a></li>'
        text = _NEXT.sub("", text)
        return text.replace('</ul>', nxt + '</ul>', 1) if '<ul class="pagination">' in text else text


@pytest.mark.parametrize("mode", ["repeat", "restart"])
@pytest.mark.parametrize("per_page", [1, 4])
def test_a_misbehaving_pager_ends_the_walk_soon_after_the_sections_end(tmp_path: Path, mode: str,
                                                                      per_page: int) -> None:
    events: list[Event] = []
    with MisbehavingPagers(mode, per_page=per_page) as rep:
        db = tmp_path / "a.db"
        summary = crawl(db, profile(), fast_options(rep, max_pages=MAX_PAGES), events.append)
        assert summary.ok and summary.failed == 0 and summary.new == len(CORPUS), summary.to_dict()
        health = archive_health(db)
        assert health["articles"] == health["distinct_ids"] == health["versions"] == len(CORPUS)
        with sqlite3.connect(db) as conn:
            assert {r[0] for r in conn.execute("SELECT title FROM articles")} == {a["title"] for a in CORPUS}
        asked: dict[str, set[int]] = {}
        for e in rep.log:
            parts = urlsplit(e.path)
            if parts.path.startswith("/vi/") and "/tin-bai/" not in parts.path:
                page = parse_qs(parts.query).get("page", ["1"])[0]
                asked.setdefault(parts.path.removeprefix("/vi/"), set()).add(int(page))
        walked = [s for s in rep.sections() if rep.section_pages(s)]
        assert walked and set(walked) <= set(asked)
        for section in walked:
            real = rep.section_pages(section)
            # Every real page, then one page past the end shows the pager misbehaving.
            assert set(range(1, real + 1)) <= asked[section]
            assert max(asked[section]) <= real + 1, (section, real, sorted(asked[section])[-5:])
        stops = {e.data["url"].rsplit("/", 1)[-1]: e.data["stopped"] for e in events if e.kind == "section"}
        assert all(stops[s] in ("loop", "end") for s in walked), stops


def test_a_long_section_is_walked_to_its_end_and_its_restart_cut_past_what_a_walk_keeps(tmp_path: Path) -> None:
    """A walk remembers only its last pages' keys (and hashes of every page): sections of
    80-odd pages, each page new articles, are still walked to their last page, and the
    pager that then starts over is still cut at once."""
    articles = synthetic_articles(500, CORPUS, seed=11)
    with MisbehavingPagers("restart", articles, per_page=1) as rep:
        db = tmp_path / "a.db"
        summary = crawl(db, profile(), fast_options(rep, concurrency=4, max_pages=MAX_PAGES))
        assert summary.ok and summary.new == len(articles), summary.to_dict()
        longest = max(rep.sections(), key=rep.section_pages)
        real = rep.section_pages(longest)
        assert real > 64
        pages = {int(parse_qs(urlsplit(e.path).query).get("page", ["1"])[0])
                 for e in rep.log if urlsplit(e.path).path == f"/vi/{longest}"}
        assert pages == set(range(1, real + 2))
