"""People as entities: the directory, timelines, co-appearances and namesakes."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.errors import QueryError
from huyenkyanh_archive.query.people_index import Appearance, resolve
from huyenkyanh_archive.record import Article
from huyenkyanh_archive.vietnamese import compare_key, locality_of
from tests.support.query_archive import SYNTHETIC, plain


@pytest.fixture(scope="module")
def archive(people_archive):  # type: ignore[no-untyped-def]
    path, _records = people_archive
    with open_archive(path, readonly=True) as arc:
        yield arc


@pytest.fixture(scope="module")
def records(people_archive) -> list[Article]:  # type: ignore[no-untyped-def]
    return people_archive[1]


def appearances_of(records: list[Article], name: str) -> list[tuple[str, list[str]]]:
    key = compare_key(name)
    return [
        ((r.published_at or "")[:10], a.roles)
        for r in records for a in r.attendees if compare_key(a.name) == key
    ]


@pytest.mark.parametrize(
    ("role", "place"),
    [
        ("Chủ tịch UBND xã Kỳ Tân", "xã Kỳ Tân"),
        ("Bí thư Đảng uỷ xã Kỳ Phong", "xã Kỳ Phong"),
        ("Trưởng thôn Tân Phú", "thôn Tân Phú"),
        ("Bí thư Chi bộ thôn Tây Sơn xã Kỳ Phong", "xã Kỳ Phong"),
        ("Chủ tịch UBND thị trấn Kỳ Đồng", "thị trấn Kỳ Đồng"),
        ("Chủ tịch UBND huyện", None),
        ("Bí thư Đảng ủy xã", None),
        ("Tỉnh ủy viên", None),
        (None, None),
    ],
)
def test_locality_of_a_role(role: str | None, place: str | None) -> None:
    assert locality_of(role) == place


def test_role_change_stays_one_person_with_both_roles(archive) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "tran duc minh")
    assert isinstance(result, query.PersonTimeline)
    assert [a.date for a in result.articles] == ["2019-04-01", "2020-06-01", "2021-08-01", "2022-09-01"]
    # The abbreviation and the spelled-out form are one role; the promotion is a second role, later.
    assert [(r.first_seen, r.last_seen, r.articles) for r in result.roles] == [
        ("2019-04-01", "2020-06-01", 2),
        ("2021-08-01", "2022-09-01", 2),
    ]
    assert [[a.date for a in r.shown_in] for r in result.roles] == [["2019-04-01", "2020-06-01"], ["2021-08-01", "2022-09-01"]]
    assert compare_key(result.roles[0].role_key).startswith("phó chủ tịch")
    assert compare_key(result.roles[1].role_key).startswith("chủ tịch")


def test_a_long_timeline_shows_its_two_ends_and_the_total(archive) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "tran duc minh", article_limit=3)
    assert isinstance(result, query.PersonTimeline)
    assert result.article_count == 4
    # The first articles and the last one: where the record starts and where it ends.
    assert [a.date for a in result.articles] == ["2019-04-01", "2020-06-01", "2022-09-01"]
    everything = query.person(archive, "tran duc minh", article_limit=None)
    assert [a.date for a in everything.articles] == ["2019-04-01", "2020-06-01", "2021-08-01", "2022-09-01"]  # type: ignore[union-attr]
    # Each role keeps the article that shows its first and its last date.
    short = query.person(archive, "tran duc minh", article_limit=2)
    assert [[a.date for a in r.shown_in] for r in short.roles] == [  # type: ignore[union-attr]
        [r.first_seen, r.last_seen] for r in everything.roles  # type: ignore[union-attr]
    ]
    with pytest.raises(QueryError):
        query.person(archive, "tran duc minh", article_limit=1)


def test_a_namesake_timeline_is_cut_the_same_way(archive) -> None:  # type: ignore[no-untyped-def]
    full = query.person(archive, "Nguyễn Văn Hải (xã Kỳ Tân)", article_limit=None)
    cut = query.person(archive, "Nguyễn Văn Hải (xã Kỳ Tân)", article_limit=2)
    assert isinstance(full, query.PersonTimeline) and isinstance(cut, query.PersonTimeline)
    assert cut.article_count == full.article_count == len(full.articles) == 3
    assert cut.articles == [full.articles[0], full.articles[-1]]


def test_annotated_timeline_matches_the_records(archive, records) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "Nguyễn Tiến Hùng")
    assert isinstance(result, query.PersonTimeline)
    seen = appearances_of(records, "Nguyễn Tiến Hùng")
    assert len(result.articles) == len(seen)
    by_role = {compare_key(r.role): r for r in result.roles}
    for role in ("chủ tịch hđnd huyện", "chủ tịch ubnd huyện"):
        dates = sorted(d for d, roles in seen if role in map(compare_key, roles))
        assert (by_role[role].first_seen, by_role[role].last_seen) == (dates[0], dates[-1])
        assert [a.date for a in by_role[role].shown_in] == dates
    assert [a.date for a in result.articles] == sorted(a.date for a in result.articles)
    assert [r.first_seen for r in result.roles] == sorted(r.first_seen for r in result.roles)


def test_co_appearance_counts(archive, records) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "nguyen tien hung")
    assert isinstance(result, query.PersonTimeline)
    me = compare_key("Nguyễn Tiến Hùng")
    want: Counter[str] = Counter()
    for r in records:
        keys = {compare_key(a.name) for a in r.attendees}
        if me in keys:
            want.update(keys - {me})
    got = {c.name_key: c.articles for c in result.appears_with}
    assert got == {k: want[k] for k in got}
    assert [c.articles for c in result.appears_with] == sorted(want.values(), reverse=True)[: len(got)]
    assert result.appears_with[0].name == "Hồ Huy Thành"


@pytest.mark.parametrize("spelled", ["Hồ Huy Thành", "ho huy thanh", "HO HUY THANH", "  Hồ   Huy Thành "])
def test_name_matching_ignores_case_diacritics_and_spacing(archive, spelled: str) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, spelled)
    assert isinstance(result, query.PersonTimeline) and result.name == "Hồ Huy Thành"


def test_tone_placement_in_a_name_is_one_person(archive, records) -> None:  # type: ignore[no-untyped-def]
    spellings = {a.name for r in records for a in r.attendees if plain(a.name) == "nguyen van hoa"}
    assert {"Nguyễn Văn Hoà", "nguyễn văn hòa"} <= spellings
    want = sum(1 for r in records if any(plain(a.name) == "nguyen van hoa" for a in r.attendees))
    for spelled in spellings:
        result = query.person(archive, spelled)
        assert isinstance(result, query.PersonTimeline)
        assert len(result.articles) == want


def test_why_says_what_made_one_person(archive) -> None:  # type: ignore[no-untyped-def]
    placed = query.person(archive, "Lê Thị Mai", why=True)
    assert isinstance(placed, query.PersonTimeline)
    assert len(placed.why) == 1 and placed.why[0].startswith("one person:")
    assert placed.why[0].endswith("the only locality named in the roles is xã Kỳ Tân")
    unplaced = query.person(archive, "Trần Đức Minh", why=True)
    assert isinstance(unplaced, query.PersonTimeline)
    assert unplaced.why == [f"one person: all {unplaced.article_count} articles share the name key 'trần đức minh';"
                            " no role names a commune, so nothing suggests namesakes"]
    assert query.person(archive, "Trần Đức Minh").why == []  # type: ignore[union-attr]


def test_namesakes_in_two_communes_are_two_people(archive) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "Nguyễn Văn Hải", why=True)
    assert isinstance(result, query.Ambiguous)
    assert sorted(c.locality or "" for c in result.candidates) == ["xã Kỳ Phong", "xã Kỳ Tân"]
    tan = next(c for c in result.candidates if c.locality == "xã Kỳ Tân")
    # Two placed appearances plus the unplaced one that shares Lê Thị Mai with them.
    assert tan.articles == 3
    assert any("split" in r for r in result.why) and any("overlap in time" in r for r in result.why)
    assert any("assigned to xã Kỳ Tân" in r for r in result.why)
    picked = query.person(archive, "nguyen van hai (xa ky phong)", why=True)
    assert isinstance(picked, query.PersonTimeline) and picked.locality == "xã Kỳ Phong"
    assert [c.name for c in picked.appears_with] == ["Trần Văn Lực"]
    assert picked.why == result.why
    with pytest.raises(QueryError, match="no entry"):
        query.person(archive, "Nguyễn Văn Hải (xã Kỳ Hà)")


def test_an_article_naming_both_communes_ties_one_career(archive) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "Phan Đình Toàn", why=True)
    assert isinstance(result, query.PersonTimeline)
    assert len(result.articles) == 3
    assert any("one person" in r and "xã Kỳ Hà" in r and "xã Kỳ Hải" in r for r in result.why)


def test_partial_name_lists_candidates(archive) -> None:  # type: ignore[no-untyped-def]
    result = query.person(archive, "Thành")
    assert isinstance(result, query.Ambiguous)
    names = {c.name for c in result.candidates}
    assert {"Hồ Huy Thành", "Đỗ Văn Thành"} <= names
    assert all("thanh" in c.name.lower().replace("à", "a") for c in result.candidates)


def test_unknown_person_is_a_query_error(archive) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match="nobody"):
        query.person(archive, "Không Có Ai")
    with pytest.raises(QueryError):
        query.person(archive, "   ")


def test_people_directory(archive, records) -> None:  # type: ignore[no-untyped-def]
    everyone = query.people(archive)
    keys = {compare_key(a.name) for r in records for a in r.attendees}
    # One entry per name, except Nguyễn Văn Hải who is two people.
    assert len(everyone) == len(keys) + 1
    counts = [p.articles for p in everyone]
    assert counts == sorted(counts, reverse=True)
    top = everyone[0]
    assert top.name == "Nguyễn Tiến Hùng" and top.articles == len(appearances_of(records, top.name))
    by_name = query.people(archive, sort="name")
    given_names = [plain(p.name.split()[-1]) for p in by_name]
    assert given_names == sorted(given_names)  # Vietnamese order: by given name
    recent = query.people(archive, sort="last-seen")
    assert [p.last_seen for p in recent] == sorted((p.last_seen for p in recent), reverse=True)


def test_people_filters(archive, records) -> None:  # type: ignore[no-untyped-def]
    secretaries = query.people(archive, role="Bí thư")
    assert secretaries
    for p in secretaries:
        assert any(compare_key(r.role).startswith("bí thư") for r in p.roles)
    assert "Hồ Huy Thành" in {p.name for p in secretaries}
    # "Phó Bí thư" is another office: someone who only ever held it is not listed.
    assert "Lê Văn Đông" not in {p.name for p in secretaries}
    assert {p.name for p in query.people(archive, role="bi thu")} == {p.name for p in secretaries}
    recent = query.people(archive, since="2025")
    assert recent and all(p.last_seen >= "2025-01-01" for p in recent)
    with pytest.raises(QueryError):
        query.people(archive, sort="age")  # type: ignore[arg-type]


def test_resolver_unplaced_appearance_without_evidence_stays_apart() -> None:
    apps = [
        Appearance(1, 0, "2021-01-01", "Lê Văn A", [("Chủ tịch UBND xã Kỳ Tân", "k1", "Chủ tịch UBND xã Kỳ Tân")]),
        Appearance(2, 0, "2021-02-01", "Lê Văn A", [("Chủ tịch UBND xã Kỳ Hà", "k2", "Chủ tịch UBND xã Kỳ Hà")]),
        Appearance(3, 0, "2021-03-01", "Lê Văn A", []),
    ]
    res = resolve("lê văn a", apps, {1: {"lê văn a", "x"}, 2: {"lê văn a", "y"}, 3: {"lê văn a", "z"}})
    assert sorted(e.locality or "" for e in res.entities) == ["không rõ địa bàn", "xã Kỳ Hà", "xã Kỳ Tân"]
    assert sum(len(e.appearances) for e in res.entities) == 3


def test_synthetic_fixture_is_what_the_tests_say() -> None:
    # Guard the fixture: the namesakes never share an article.
    hai = [t for _d, t, people in SYNTHETIC for p in people if p.name.lower() == "nguyễn văn hải"]
    assert len(hai) == len(set(hai)) == 5


def test_directory_agrees_with_each_timeline(archive) -> None:  # type: ignore[no-untyped-def]
    # The directory is summarised by SQL, a timeline by the resolver: they must tell the same story.
    for entry in query.people(archive):
        ask = f"{entry.name} ({entry.locality})" if entry.locality else entry.name
        timeline = query.person(archive, ask)
        assert isinstance(timeline, query.PersonTimeline), ask
        assert timeline.key == entry.key
        assert len(timeline.articles) == entry.articles
        assert [(r.role_key, r.first_seen, r.last_seen, r.articles) for r in timeline.roles] == [
            (r.role_key, r.first_seen, r.last_seen, r.articles) for r in entry.roles
        ], ask


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80) | st.sampled_from(["Nguyễn Văn Hải (", "(xã Kỳ Tân)", "%", "_", "\\\\", "Hồ Huy Thành @ xã"]))
def test_any_name_gives_a_person_candidates_or_a_query_error(archive, name: str) -> None:  # type: ignore[no-untyped-def]
    try:
        result = query.person(archive, name)
    except QueryError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(result, query.PersonTimeline | query.Ambiguous)
