"""``office`` and ``offices`` on archives of the annotated corpus, checked against the gold annotations.

Two archives: the gold attendees stored as records (what the annotations say,
exactly), and the crawler's archive of the loopback replica (pages rendered
from the corpus, extracted by the real extractor). The expected holders of each
office are worked out from the annotation files by :mod:`tests.support.office_oracle`
(hand-listed written forms, names and days), not by the office reader.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive.archive import office_summary
from huyenkyanh_archive.archive.store import Archive, open_archive
from huyenkyanh_archive.cli import app
from huyenkyanh_archive.crawl import reextract
from huyenkyanh_archive.errors import QueryError
from huyenkyanh_archive.query import offices as qo
from huyenkyanh_archive.query.results import OfficeAmbiguous, OfficeEntry, OfficeTimeline
from huyenkyanh_archive.record import Article, Attendee
from tests.support import office_oracle as gold
from tests.support.office_oracle import CHECKED, GoldHolder, GoldOffice, build_gold_archive, holders, norm
from tests.support.query_archive import attendee, person_record, plain


@pytest.fixture(scope="module")
def gold_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_gold_archive(tmp_path_factory.mktemp("gold") / "a.db")[0]


@pytest.fixture(params=["gold", "crawl"])
def db(request: pytest.FixtureRequest) -> Path:
    """Each test runs on the gold records and on the crawled pages."""
    if request.param == "gold":
        return Path(request.getfixturevalue("gold_archive"))
    return Path(request.getfixturevalue("page_archive")[0])


def timeline(db: Path, text: str, **kw: Any) -> OfficeTimeline:
    with open_archive(db, readonly=True) as arc:
        got = qo.office(arc, text, **kw)
    assert isinstance(got, OfficeTimeline), got
    return got


def seen(t: OfficeTimeline) -> list[tuple[str, str | None, str | None, int]]:
    return [(h.name, h.first_seen, h.last_seen, h.articles) for h in t.holders]


def want(g: GoldOffice) -> list[tuple[str, str | None, str | None, int]]:
    return [(h.name, h.first, h.last, h.articles) for h in holders(g)]


def test_the_annotations_give_each_checked_office_holders() -> None:
    # The oracle is not empty, and the offices checked include a succession and concurrent holders.
    for g in CHECKED:
        assert holders(g), g.ask
    council = holders(gold.COUNCIL_CHAIR)
    assert len(council) >= 2 and (council[0].last or "") < (council[1].first or "")
    assert len(holders(gold.DISTRICT_VICE_CHAIRS)) >= 3
    assert len(holders(gold.KY_XUAN_CHAIR)) >= 2


@pytest.mark.parametrize("g", CHECKED, ids=[g.ask for g in CHECKED])
def test_holders_in_order_with_first_and_last_days_as_annotated(db: Path, g: GoldOffice) -> None:
    t = timeline(db, g.ask)
    expected = want(g)
    # The same people with the same spans and counts; in the order they were first seen.
    assert sorted(seen(t), key=lambda h: (h[1] or "~", h[0])) == expected
    firsts = [h.first_seen or "~" for h in t.holders]
    assert firsts == sorted(firsts)
    assert t.first_seen == min(h[1] for h in expected if h[1]) and t.last_seen == max(h[2] for h in expected if h[2])
    # The articles at both ends of each span are of those days.
    for h in t.holders:
        assert h.first_article is not None and h.first_article.date is not None
        assert h.last_article is not None and h.last_article.date is not None
        assert (h.first_article.date[:10], h.last_article.date[:10]) == (h.first_seen, h.last_seen)
    # Every annotated article naming the office counts once.
    arts = {s.article for s in gold.sightings() if any(norm(r) in g.forms for r in s.roles)}
    assert t.articles == len(arts)


@pytest.mark.parametrize("g", CHECKED, ids=[g.ask for g in CHECKED])
def test_every_written_form_asks_for_the_same_office(gold_archive: Path, g: GoldOffice) -> None:
    key = timeline(gold_archive, g.ask).key
    for form in g.written:
        assert timeline(gold_archive, form).key == key, form
    # Typed in lower case, as a user may.
    for form in sorted(g.forms):
        assert timeline(gold_archive, form).key == key, form
    assert timeline(gold_archive, key).key == key  # asked for by its key


def test_a_commune_office_without_its_commune_lists_the_communes(db: Path) -> None:
    with open_archive(db, readonly=True) as arc:
        got = qo.office(arc, "Bí thư Đảng ủy xã")
    assert isinstance(got, OfficeAmbiguous)
    localities = {c.locality for c in got.candidates}
    assert {"Kỳ Thượng", "Kỳ Phong"} <= localities
    assert all(c.level == "xã" and c.position == "Bí thư" for c in got.candidates)


# -- --at --------------------------------------------------------------------------


def _spec_at(hs: list[GoldHolder], day: str) -> tuple[str, set[str]]:
    """What the annotations say about ``day``: held (by whom), or who was seen last before it."""
    dated = [h for h in hs if h.first and h.last]
    held = {h.name for h in dated if (h.first or "") <= day <= (h.last or "")}
    if held:
        return "held", held
    before = [h for h in dated if (h.last or "") < day]
    if before:
        last = max(h.last or "" for h in before)
        return "last-seen-before", {h.name for h in before if h.last == last}
    after = [h for h in dated if (h.first or "") > day]
    first = min((h.first or "" for h in after), default=None)
    return "none-before", {h.name for h in after if h.first == first}


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _days_to_ask(hs: list[GoldHolder]) -> list[str]:
    out = []
    for h in hs:
        assert h.first and h.last
        mid = date.fromisoformat(h.first) + (date.fromisoformat(h.last) - date.fromisoformat(h.first)) / 2
        out += [h.first, h.last, mid.isoformat(), _shift(h.first, -1), _shift(h.last, 1)]
    return sorted(set(out))


@pytest.mark.parametrize("g", CHECKED, ids=[g.ask for g in CHECKED])
def test_at_a_day_answers_as_the_annotated_spans_say(gold_archive: Path, g: GoldOffice) -> None:
    hs = holders(g)
    for day in _days_to_ask(hs):
        at = timeline(gold_archive, g.ask, at=day).at
        assert at is not None and at.day == day
        answer, names = _spec_at(hs, day)
        assert (at.answer, {h.name for h in at.holders}) == (answer, names), day
        assert all(n in at.statement for n in names)


def test_at_within_a_tenure_and_after_the_last_evidence(db: Path) -> None:
    first, second = holders(gold.COUNCIL_CHAIR)[:2]
    assert first.first and first.last and second.first and second.last
    inside = _shift(first.first, 30)
    assert inside < first.last
    at = timeline(db, "Chủ tịch HĐND huyện", at=inside).at
    assert at is not None and at.answer == "held" and [h.name for h in at.holders] == [first.name]
    # Between the two tenures nobody is seen: the one last seen before, and the next one.
    gap = _shift(first.last, 100)
    assert gap < second.first
    at = timeline(db, "Chủ tịch HĐND huyện", at=gap).at
    assert at is not None and at.answer == "last-seen-before" and [h.name for h in at.holders] == [first.name]
    assert first.last in at.statement and second.name in at.statement
    # After the last evidence of all.
    after = _shift(max(h.last or "" for h in holders(gold.COUNCIL_CHAIR)), 1)
    at = timeline(db, "Chủ tịch HĐND huyện", at=after).at
    assert at is not None and at.answer == "last-seen-before" and [h.name for h in at.holders] == [second.name]
    assert "Last seen" in at.statement and second.last in at.statement


def test_at_in_the_cli_says_last_seen_before(db: Path) -> None:
    last = holders(gold.DISTRICT_SECRETARY)[-1]
    assert last.last
    day = _shift(last.last, 1)
    done = CliRunner().invoke(app, ["office", "Bí thư Huyện ủy", "--db", str(db), "--at", day])
    assert done.exit_code == 0, done.output
    out = " ".join(done.stdout.split())
    assert f"{day}:" in out and "Last seen holding it before that day" in out
    assert last.name in out and last.last in out


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "2024-02-30", "24-01-01"])
def test_a_bad_at_day_is_refused(gold_archive: Path, bad: str) -> None:
    with open_archive(gold_archive, readonly=True) as arc, pytest.raises(QueryError, match="--at"):
        qo.office(arc, "Bí thư Huyện ủy", at=bad)


# -- the directory --------------------------------------------------------------------


def directory(db: Path, **kw: Any) -> list[OfficeEntry]:
    with open_archive(db, readonly=True) as arc:
        return qo.offices(arc, **kw)


def key_of(db: Path, g: GoldOffice) -> str:
    return timeline(db, g.ask).key


def test_the_directory_lists_each_checked_office_with_its_last_seen_holder(db: Path) -> None:
    entries = {e.key: e for e in directory(db)}
    for g in CHECKED:
        e = entries[key_of(db, g)]
        hs = holders(g)
        assert e.holder_count == len(hs)
        latest = max(hs, key=lambda h: h.last or "")
        assert e.current is not None and e.current.name == latest.name and e.current.last_seen == latest.last
        assert {h.name for h in e.past} == {h.name for h in hs} - {latest.name}


def test_filter_by_organ(db: Path) -> None:
    everything = directory(db)
    ubnd = directory(db, organ="UBND")
    assert ubnd and {e.key for e in ubnd} < {e.key for e in everything}
    assert all("ubnd" in plain(e.organ or "").split() for e in ubnd)
    keys = {e.key for e in ubnd}
    assert {key_of(db, gold.DISTRICT_CHAIR), key_of(db, gold.DISTRICT_VICE_CHAIRS), key_of(db, gold.KY_XUAN_CHAIR)} <= keys
    assert key_of(db, gold.COUNCIL_CHAIR) not in keys and key_of(db, gold.DISTRICT_SECRETARY) not in keys
    # Spelled out, the organ asks for the same offices.
    assert {e.key for e in directory(db, organ="Ủy ban nhân dân")} == keys
    party = {e.key for e in directory(db, organ="Huyện ủy")}
    assert key_of(db, gold.DISTRICT_SECRETARY) in party and key_of(db, gold.DISTRICT_CHAIR) not in party


def test_filter_by_level_diacritics_optional(db: Path) -> None:
    district = directory(db, level="huyện")
    assert district and all(e.level == "huyện" for e in district)
    assert [e.key for e in directory(db, level="huyen")] == [e.key for e in district]
    keys = {e.key for e in district}
    assert {key_of(db, g) for g in (gold.DISTRICT_SECRETARY, gold.DISTRICT_CHAIR, gold.COUNCIL_CHAIR)} <= keys
    assert key_of(db, gold.KY_XUAN_CHAIR) not in keys
    # Every commune a gold role names as "xã Kỳ …" is in the commune offices.
    communes = {e.locality for e in directory(db, level="xã", kinds=None)}
    assert gold.communes_named() <= communes


def test_filter_by_locality_and_combined(db: Path) -> None:
    ky_xuan = directory(db, locality="Kỳ Xuân")
    assert ky_xuan and all(e.locality == "Kỳ Xuân" for e in ky_xuan)
    assert key_of(db, gold.KY_XUAN_CHAIR) in {e.key for e in ky_xuan}
    for written in ("xã Kỳ Xuân", "ky xuan", "KỲ XUÂN"):
        assert [e.key for e in directory(db, locality=written)] == [e.key for e in ky_xuan]
    both = directory(db, organ="UBND", level="xã")
    assert both and all(e.level == "xã" and e.organ == "UBND" for e in both)
    everything = directory(db)
    assert {e.key for e in both} == {e.key for e in everything if e.level == "xã" and e.organ == "UBND"}
    assert directory(db, locality="Không Có Xã Này") == []


# -- summaries kept exact -------------------------------------------------------------

TABLES_SQL = {
    "offices": "SELECT key, kind, label, position, organ, level, locality, articles, holders, first_day,"
               " first_article, last_day, last_article FROM offices",
    "office_holders": "SELECT o.key, h.name_key, h.articles, h.first_day, h.first_article, h.last_day, h.last_article"
                      " FROM office_holders h JOIN offices o ON o.id = h.office",
    "office_forms": "SELECT o.key, f.name_key, f.role, f.role_key, f.label, f.articles"
                    " FROM office_forms f JOIN offices o ON o.id = f.office",
}


def tables(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted(conn.execute(sql).fetchall(), key=repr) for t, sql in TABLES_SQL.items()}


def rebuilt(archive: Archive) -> dict[str, list[tuple[Any, ...]]]:
    """The summary tables recomputed from scratch, the incremental ones left as they were."""
    before = tables(archive.conn)
    archive.conn.execute("SAVEPOINT recompute")
    try:
        office_summary.rebuild(archive.conn)
        return tables(archive.conn)
    finally:
        archive.conn.execute("ROLLBACK TO recompute")
        archive.conn.execute("RELEASE recompute")
        assert tables(archive.conn) == before


def _people(rng: random.Random, pool: list[Attendee]) -> list[Attendee]:
    people = []
    for a in rng.sample(pool, rng.randint(1, 6)):
        roles = list(a.roles)
        if roles and rng.random() < 0.3:
            roles = rng.sample(roles, rng.randint(0, len(roles)))  # a role left out
        name = a.name.upper() if rng.random() < 0.1 else a.name  # another written form of the name
        people.append(attendee(name, *roles))
    return people


def _day(rng: random.Random) -> str | None:
    if rng.random() < 0.1:
        return None
    return (date(2018, 1, 1) + timedelta(days=rng.randrange(365 * 8))).isoformat()


def _record(n: int, day: str | None, people: list[Attendee]) -> Article:
    rec = person_record(n, day or "2000-01-01", f"Bài {n}", people)
    return replace(rec, published_at=None) if day is None else rec


@pytest.mark.parametrize("seed", range(4))
def test_summaries_equal_a_rebuild_and_the_annotations_after_random_edits(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    db, records = build_gold_archive(tmp_path / "a.db")
    current = {r.article_id: r for r in records}
    pool = [a for r in records for a in r.attendees]
    with open_archive(db) as archive:
        for step in range(60):
            op = rng.choice(["new", "new", "changed", "reextracted"])
            if op == "new":
                rec = _record(200 + step, _day(rng), _people(rng, pool))
                gold.save_record(archive, rec, fetched_at=f"2025-07-01T00:00:{step:02d}Z")
            else:
                old = current[rng.choice(sorted(current))]
                day = old.published_at[:10] if old.published_at and rng.random() < 0.7 else _day(rng)
                rec = replace(old, title=f"{old.title} ({step})", attendees=_people(rng, pool),
                              published_at=f"{day}T08:00:00+07:00" if day else None)
                if op == "changed":
                    assert gold.save_record(archive, rec, fetched_at=f"2025-08-01T00:00:{step:02d}Z") == "changed"
                else:
                    with archive.transaction():
                        archive.articles.replace_current(rec.article_id or "", rec)
            current[rec.article_id] = rec
            if step % 20 == 19:
                assert tables(archive.conn) == rebuilt(archive), step
        # What the office commands answer is what the current records say.
        now = gold.sightings_of(current.values())
        for g in CHECKED:
            expected = [(h.name, h.first, h.last, h.articles) for h in holders(g, now)]
            got = qo.office(archive, g.ask)
            if not expected:
                continue  # every article naming it was rewritten away
            assert isinstance(got, OfficeTimeline), g.ask
            shown = {(plain(n), f, la, c) for n, f, la, c in seen(got)}
            assert shown == {(plain(n), f, la, c) for n, f, la, c in expected}, g.ask


def test_reextracting_the_crawled_archive_keeps_the_summaries_exact(page_archive: Any, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(page_archive[0], db)
    before = {g.ask: seen(timeline(db, g.ask)) for g in CHECKED}
    summary = reextract(db)
    assert summary.failed == 0 and summary.articles > 0
    with open_archive(db) as archive:
        assert tables(archive.conn) == rebuilt(archive)
    assert {g.ask: seen(timeline(db, g.ask)) for g in CHECKED} == before
