"""The office summaries stay equal to a recomputation from the attendee rows, whatever is written.

The recomputation below reads every attendee row the obvious way (each person's roles
in each article, read with ``read_person_roles``) and counts; what is under test is the
bookkeeping at write time: counts taken back when an article changes, a first or last
day found again when the article that gave it goes, the label of the most frequent form.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from huyenkyanh_archive.archive import office_summary
from huyenkyanh_archive.archive.schema import SCHEMA_VERSION
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.extract.offices import read_person_roles
from huyenkyanh_archive.extract.roles import expand_role
from huyenkyanh_archive.record import Article, Attendee
from huyenkyanh_archive.response import Response
from tests.support.crawl_support import cli
from tests.support.downgrade import undo_offices

NAMES = [["Nguyễn Văn Hòa", "Nguyễn Văn Hoà"], ["Hồ Huy Thành", "HỒ HUY THÀNH"], ["Trần Thị Lan"], ["Lê Đức Thủy"],
         ["Phạm Quốc Hùng"], ["Võ Thị Mai"], ["Đặng Văn Nam"]]
# Written forms of a few offices (abbreviated, spelled out, with and without the place),
# a combined role, bare memberships that take their organ from the person's other roles,
# former and acting offices, an unplaced commune office, a free-text organ written in two
# cases (two labels of one key) and roles that are no office at all.
ROLES = [
    "Chủ tịch UBND huyện", "Chủ tịch Ủy ban nhân dân huyện", "CT UBND huyện Kỳ Anh", "Phó Chủ tịch UBND huyện",
    "Bí thư Huyện ủy", "Bí thư Huyện uỷ Kỳ Anh", "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện", "UVBTV",
    "UVBTV Huyện ủy", "Ủy viên BTV Huyện ủy", "Bí thư Đảng ủy xã Kỳ Tân", "Bí thư Đảng ủy Kỳ Tân",
    "Chủ tịch UBND xã Kỳ Phong", "Chủ tịch UBND xã", "nguyên Chủ tịch UBND huyện", "Quyền Chủ tịch UBND huyện",
    "Giám đốc Nhà máy Gạch Tuy Nen", "Giám đốc nhà máy gạch Tuy Nen", "Tỉnh ủy viên", "Đại tá", "ĐBQH",
    "Trưởng ban tổ chức hội thi", "Chánh Văn phòng Huyện ủy",
]


def random_record(rng: random.Random, aid: str) -> Article:
    people = []
    for forms in rng.sample(NAMES, rng.randint(0, 5)):
        roles = rng.sample(ROLES, rng.choice([0, 1, 1, 2, 3]))
        people.append(Attendee(rng.choice(forms), roles, [expand_role(r) for r in roles]))
    if people and rng.random() < 0.1:
        people.append(Attendee(people[0].name, [rng.choice(ROLES)]))  # the same name listed twice
    day = None if rng.random() < 0.15 else f"20{rng.randint(18, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    url = f"http://kyanh.hatinh.gov.vn/kyanh/portal/read/tin-tuc/news/a.html/{aid}"
    return Article(source=url, url=url, article_id=aid, title=f"Bài {aid} {rng.random()}",
                   published_at=f"{day}T08:00:00+07:00" if day else None, attendees=people)


def summaries(conn: sqlite3.Connection) -> dict[str, Any]:
    key = {i: k for i, k in conn.execute("SELECT id, key FROM offices")}
    return {
        "offices": sorted(conn.execute(
            "SELECT key, kind, label, position, organ, level, locality, articles, holders,"
            " first_day, first_article, last_day, last_article FROM offices")),
        "holders": sorted((key[o], *rest) for o, *rest in conn.execute("SELECT * FROM office_holders")),
        "forms": sorted((key[o], nk, role, rk, label, n) for o, nk, role, rk, label, n in conn.execute(
            "SELECT office, name_key, role, role_key, label, articles FROM office_forms")),
    }


def truth(conn: sqlite3.Connection) -> dict[str, Any]:
    """The same tables computed straight from the attendee rows."""
    rows = conn.execute(
        "SELECT article, day, name_key, role, role_key FROM attendees ORDER BY article, position, id").fetchall()
    by_person: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    days: dict[int, str | None] = {}
    for art, day, nk, role, rk in rows:
        days[art] = day
        by_person.setdefault((art, nk), [])
        if role:
            by_person[(art, nk)].append((role, rk))
    office_arts: dict[str, set[int]] = defaultdict(set)
    holder_arts: dict[tuple[str, str], set[int]] = defaultdict(set)
    form_arts: dict[tuple[str, str, str, str, str], set[int]] = defaultdict(set)
    reading_of: dict[tuple[str, str], tuple[str, ...]] = {}
    for (art, nk), roles in by_person.items():
        for s in read_person_roles([r for r, _k in roles]):
            r = s.reading
            if r.former:
                continue
            office_arts[r.key].add(art)
            holder_arts[(r.key, nk)].add(art)
            form_arts[(r.key, nk, r.text, roles[s.source][1], r.label)].add(art)
            reading_of[(r.key, r.label)] = (r.kind, r.label, r.position, r.organ, r.level, r.locality)

    def span(arts: set[int]) -> tuple[Any, ...]:
        dated = sorted((days[a], a) for a in arts if days[a])
        return (len(arts), *(dated[0] if dated else (None, None)), *(dated[-1] if dated else (None, None)))

    offices = []
    for key, arts in office_arts.items():
        weight: Counter[str] = Counter()
        for (k, _nk, _role, _rk, label), fa in form_arts.items():
            if k == key:
                weight[label] += len(fa)
        label = min(weight, key=lambda lb: (-weight[lb], lb))
        n_holders = sum(1 for k, _nk in holder_arts if k == key)
        n, *ends = span(arts)
        offices.append((key, *reading_of[(key, label)], n, n_holders, *ends))
    return {
        "offices": sorted(offices),
        "holders": sorted((k, nk, *span(arts)) for (k, nk), arts in holder_arts.items()),
        "forms": sorted((*f, len(arts)) for f, arts in form_arts.items()),
    }


def save(archive: Any, rec: Article, step: int) -> None:
    rid = archive.bodies.add_response(Response(rec.url, 200, [], rec.title.encode(), "2026-01-01T00:00:00Z"), "article")
    archive.articles.save(rec, article_id=rec.article_id, response_id=rid,
                          fetched_at=f"2026-01-01T00:{step // 60:02d}:{step % 60:02d}Z")


@pytest.mark.parametrize("seed", range(6))
def test_office_summaries_equal_a_recomputation_after_new_changed_and_reextracted_articles(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    with open_archive(tmp_path / "a.db") as archive:
        for step in range(150):
            aid = f"2024010100{rng.randrange(25):04d}"
            rec = random_record(rng, aid)
            with archive.transaction():
                if step % 7 == 6 and archive.articles.current_record(aid) is not None:
                    archive.articles.replace_current(aid, rec)
                else:
                    save(archive, rec, step)
            if step % 25 == 24:
                assert summaries(archive.conn) == truth(archive.conn), step
        got = summaries(archive.conn)
        assert len(got["offices"]) > 5 and got["holders"] and got["forms"]
        # Former offices are never evidence; a label was chosen among two written forms.
        assert all(not row[2].lower().startswith("nguyên") for row in got["offices"])
        with archive.transaction():
            office_summary.rebuild(archive.conn)
        assert summaries(archive.conn) == got


def test_taking_back_the_article_that_gave_a_first_or_last_day_finds_the_next(tmp_path: Path) -> None:
    def rec(n: int, day: str, *people: Attendee) -> Article:
        url = f"http://kyanh.hatinh.gov.vn/kyanh/portal/read/tin-tuc/news/a.html/2024{n:06d}"
        return Article(source=url, url=url, article_id=f"2024{n:06d}", title=f"Bài {n}",
                       published_at=f"{day}T08:00:00+07:00", attendees=list(people))

    chair = "Chủ tịch UBND huyện"
    with open_archive(tmp_path / "a.db") as archive:
        records = [
            rec(1, "2020-01-01", Attendee("Lê Văn A", [chair])),
            rec(2, "2021-01-01", Attendee("Lê Văn A", ["Chủ tịch Ủy ban nhân dân huyện"])),
            rec(3, "2022-01-01", Attendee("Lê Văn A", [chair]), Attendee("Trần Văn B", ["Phó Chủ tịch UBND huyện"])),
            rec(4, "2023-01-01", Attendee("Trần Văn B", [chair])),
        ]
        for step, r in enumerate(records):
            with archive.transaction():
                save(archive, r, step)

        def holders() -> list[tuple[Any, ...]]:
            return archive.conn.execute(
                "SELECT h.name_key, h.articles, h.first_day, h.last_day FROM office_holders h"
                " JOIN offices o ON o.id = h.office WHERE o.key = 'chủ tịch|ubnd|huyện|kỳ anh' ORDER BY h.first_day"
            ).fetchall()

        assert holders() == [("lê văn a", 3, "2020-01-01", "2022-01-01"), ("trần văn b", 1, "2023-01-01", "2023-01-01")]
        # The first and the last article of Lê Văn A change: his span is found again in what remains,
        # and "nguyên" (former) is not evidence of holding the office.
        with archive.transaction():
            archive.articles.replace_current(records[0].article_id or "", rec(1, "2020-01-01", Attendee("Lê Văn A", [])))
            archive.articles.replace_current(records[2].article_id or "", rec(3, "2022-01-01", Attendee("Lê Văn A", [
                "nguyên Chủ tịch UBND huyện"])))
        assert holders() == [("lê văn a", 1, "2021-01-01", "2021-01-01"), ("trần văn b", 1, "2023-01-01", "2023-01-01")]
        office = archive.conn.execute(
            "SELECT articles, holders, first_day, last_day FROM offices WHERE key = 'chủ tịch|ubnd|huyện|kỳ anh'").fetchone()
        assert office == (2, 2, "2021-01-01", "2023-01-01")
        # Trần Văn B's vice-chair evidence went with article 3: that office is gone.
        assert archive.conn.execute(
            "SELECT count(*) FROM offices WHERE key = 'phó chủ tịch|ubnd|huyện|kỳ anh'").fetchone()[0] == 0
        assert summaries(archive.conn) == truth(archive.conn)


def test_an_archive_from_before_the_office_tables_gets_them_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    rng = random.Random(11)
    with open_archive(db) as archive:
        for i in range(40):
            rec = random_record(rng, f"20240101{i:06d}")
            with archive.transaction():
                save(archive, rec, i)
        want = truth(archive.conn)
        assert want["offices"]
        undo_offices(archive.conn)
    with open_archive(db, readonly=True) as archive:
        assert not office_summary.available(archive.conn)
    # A query command upgrades it, says so in one line, and answers from the rebuilt tables.
    done = cli("offices", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and f"to v{SCHEMA_VERSION}" in done.stderr
    with open_archive(db, readonly=True) as archive:
        assert archive.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert summaries(archive.conn) == want
