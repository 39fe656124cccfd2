"""The per-person summaries stay equal to what the attendee rows say, whatever is written."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from huyenkyanh_archive import query
from huyenkyanh_archive.archive import people_summary
from huyenkyanh_archive.archive.schema import SCHEMA_VERSION
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.errors import StoreError
from huyenkyanh_archive.record import Article, Attendee
from huyenkyanh_archive.response import Response
from tests.support.crawl_support import cli
from tests.support.downgrade import undo_offices

# Written forms that share a name key (tone placement, case), and roles that share a role key.
NAMES = [["Nguyễn Văn Hòa", "Nguyễn Văn Hoà"], ["Hồ Huy Thành", "HỒ HUY THÀNH"], ["Trần Thị Lan"], ["Lê Đức Thủy", "Lê Đức Thuỷ"],
         ["Phạm Quốc Hùng"], ["Võ Thị Mai"]]
ROLES = [("Chủ tịch UBND huyện", "Chủ tịch Ủy ban nhân dân huyện"), ("Chủ tịch Ủy ban nhân dân huyện", None),
         ("Bí thư Đảng ủy xã Kỳ Tân", None), ("Phó Chủ tịch UBND xã Kỳ Hà", "Phó Chủ tịch Ủy ban nhân dân xã Kỳ Hà")]


def random_record(rng: random.Random, aid: str) -> Article:
    people = []
    for forms in rng.sample(NAMES, rng.randint(0, 4)):
        picked = rng.sample(ROLES, rng.choice([0, 1, 1, 2]))
        people.append(Attendee(rng.choice(forms), [r for r, _e in picked], [e or r for r, e in picked]))
    if people and rng.random() < 0.1:
        people.append(Attendee(people[0].name, []))  # the same name listed twice in one article
    day = None if rng.random() < 0.15 else f"20{rng.randint(18, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    url = f"http://kyanh.hatinh.gov.vn/kyanh/portal/read/tin-tuc/news/a.html/{aid}"
    return Article(source=url, url=url, article_id=aid, title=f"Bài {aid} {rng.random()}",
                   published_at=f"{day}T08:00:00+07:00" if day else None, attendees=people)


def summaries(conn: sqlite3.Connection) -> dict[str, Any]:
    key = {i: k for i, k in conn.execute("SELECT id, name_key FROM persons")}
    return {
        "persons": sorted(conn.execute("SELECT name_key, articles, first_day, first_article, last_day, last_article FROM persons")),
        "names": sorted((key[p], n, c) for p, n, c in conn.execute("SELECT person, name, articles FROM person_names")),
        "spans": sorted((key[p], *rest) for p, *rest in conn.execute("SELECT * FROM person_role_spans")),
        "forms": sorted((key[p], *rest) for p, *rest in conn.execute("SELECT * FROM person_role_forms")),
        "pairs": sorted((key[a], key[b], c) for a, b, c in conn.execute("SELECT person, other, articles FROM person_pairs")),
    }


def truth(conn: sqlite3.Connection) -> dict[str, Any]:
    """The same summaries computed the obvious way, straight from the attendee rows."""
    rows = conn.execute("SELECT article, day, name, name_key, role, role_key, role_expanded FROM attendees").fetchall()
    arts: dict[Any, set[int]] = defaultdict(set)
    dated: dict[Any, list[tuple[str, int]]] = defaultdict(list)
    people_in: dict[int, set[str]] = defaultdict(set)
    for art, day, name, key, role, rkey, exp in rows:
        people_in[art].add(key)
        for group in [("p", key), ("n", key, name)] + ([("s", key, rkey), ("f", key, rkey, role, exp)] if role else []):
            arts[group].add(art)
            if day and group[0] in "ps":
                dated[group].append((day, art))

    def span(group: tuple[Any, ...]) -> tuple[Any, ...]:
        ds = sorted(set(dated[group]))
        return (len(arts[group]), *(ds[0] if ds else (None, None)), *(ds[-1] if ds else (None, None)))

    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for keys in people_in.values():
        for a in keys:
            for b in keys - {a}:
                pairs[(a, b)] += 1
    return {
        "persons": sorted((g[1], *span(g)) for g in arts if g[0] == "p"),
        "names": sorted((g[1], g[2], len(arts[g])) for g in arts if g[0] == "n"),
        "spans": sorted((g[1], g[2], *span(g)) for g in arts if g[0] == "s"),
        "forms": sorted((*g[1:], len(arts[g])) for g in arts if g[0] == "f"),
        "pairs": sorted((a, b, n) for (a, b), n in pairs.items()),
    }


@pytest.mark.parametrize("seed", range(6))
def test_summaries_equal_the_attendee_rows_after_new_changed_and_reextracted_articles(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    with open_archive(tmp_path / "a.db") as archive:
        for step in range(120):
            aid = f"2024010100{rng.randrange(25):04d}"
            rec = random_record(rng, aid)
            with archive.transaction():
                if step % 7 == 6 and archive.articles.current_record(aid) is not None:
                    archive.articles.replace_current(aid, rec)
                else:
                    rid = archive.bodies.add_response(Response(rec.url, 200, [], rec.title.encode(), "2026-01-01T00:00:00Z"), "article")
                    archive.articles.save(rec, article_id=aid, response_id=rid, fetched_at=f"2026-01-01T00:{step // 60:02d}:{step % 60:02d}Z")
            if step % 30 == 29:
                assert summaries(archive.conn) == truth(archive.conn), step
        assert archive.conn.execute("SELECT count(*) FROM persons").fetchone()[0] > 0
        # Rebuilding from scratch (what the v5 migration does) gives the same tables.
        before = summaries(archive.conn)
        with archive.transaction():
            people_summary.rebuild(archive.conn)
        assert summaries(archive.conn) == before


def downgrade_to_v4(conn: sqlite3.Connection) -> None:
    """What a file written by kyanh-archive before schema v5 looks like."""
    undo_offices(conn)
    for table in reversed(people_summary.TABLES):  # referring tables first
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX attendees_person")
    conn.execute("ALTER TABLE attendees DROP COLUMN day")
    conn.execute("CREATE INDEX attendees_name_key ON attendees(name_key)")
    conn.execute("PRAGMA user_version = 4")


def old_archive(db: Path, n: int = 30) -> dict[str, Any]:
    rng = random.Random(7)
    with open_archive(db) as archive:
        for i in range(n):
            rec = random_record(rng, f"20240101{i:06d}")
            with archive.transaction():
                archive.articles.save(rec, article_id=rec.article_id, response_id=None, fetched_at="2026-01-01T00:00:00Z")
        want = truth(archive.conn)
        downgrade_to_v4(archive.conn)
    return want


def test_an_archive_from_before_the_summaries_gets_them_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    want = old_archive(db)
    with open_archive(db) as archive:
        assert summaries(archive.conn) == want
        assert archive.conn.execute("SELECT count(*) FROM attendees WHERE day IS NULL AND article IN"
                                    " (SELECT id FROM articles WHERE published_at IS NOT NULL)").fetchone()[0] == 0


def test_query_commands_upgrade_an_old_archive_and_a_read_only_open_says_how(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    old_archive(db)
    with open_archive(db, readonly=True) as archive, pytest.raises(StoreError) as err:
        query.person(archive, "Hồ Huy Thành")
    assert "upgrade" in str(err.value) and "\n" not in str(err.value)
    done = cli("person", "Hồ Huy Thành", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    # The user is told why this first query waits, in one line on stderr.
    assert done.stderr.count("\n") == 1 and f"upgrading the archive from schema v4 to v{SCHEMA_VERSION}" in done.stderr
    again = cli("person", "Hồ Huy Thành", "--db", str(db), "--json")
    assert again.returncode == 0 and again.stderr == "" and again.stdout == done.stdout
    assert json.loads(done.stdout)["name"] in ("Hồ Huy Thành", "HỒ HUY THÀNH")
    with open_archive(db, readonly=True) as archive:
        assert people_summary.available(archive.conn)
