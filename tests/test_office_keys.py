"""Office keys: every written form of one office folds to one key, different offices stay apart.

The groups below are written for this test from how the portal and Vietnamese
administrative usage write these offices (abbreviated, spelled out, with or
without the district's name, old and new tone placement); they are not read
off the code's rule files. What a user checks is ``kyanh-archive office TEXT``:
any of the forms finds the same office, and ``--why`` says how the text was read.
"""

from __future__ import annotations

import itertools
import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.cli import app
from huyenkyanh_archive.extract.offices import read_role, read_roles, same_office
from tests.support.office_oracle import save_record
from tests.support.query_archive import attendee, person_record

# Each group: forms of ONE office.
ONE_OFFICE: dict[str, list[str]] = {
    "district people's committee chair": [
        "Chủ tịch UBND huyện", "Chủ tịch Ủy ban nhân dân huyện", "CT UBND huyện Kỳ Anh", "Chủ tịch Uỷ ban nhân dân huyện",
        "Chủ tịch UBND huyện Kỳ Anh", "CHỦ TỊCH UBND HUYỆN",
    ],
    "district standing committee member": [
        "UVBTV Huyện ủy", "Ủy viên BTV Huyện ủy", "Ủy viên Ban Thường vụ Huyện ủy", "UV BTV Huyện uỷ",
        "Uỷ viên Ban Thường vụ Huyện ủy Kỳ Anh",
    ],
    "district council chair": [
        "Chủ tịch HĐND huyện", "Chủ tịch Hội đồng nhân dân huyện", "Chủ tịch HĐND huyện Kỳ Anh",
        "Chủ tịch Hội đồng nhân dân huyện Kỳ Anh",
    ],
    "provincial council vice-chair": [
        "Phó Chủ tịch HĐND tỉnh", "Phó Chủ tịch Hội đồng nhân dân tỉnh", "Phó Chủ tịch HĐND tỉnh Hà Tĩnh",
    ],
    "commune council chair": ["Chủ tịch HĐND xã Kỳ Tân", "Chủ tịch Hội đồng nhân dân xã Kỳ Tân"],
    "district council delegate": ["Đại biểu HĐND huyện", "Đại biểu Hội đồng nhân dân huyện Kỳ Anh"],
    "district Fatherland Front chair": [
        "Chủ tịch UB MTTQ huyện", "Chủ tịch UBMTTQ huyện", "Chủ tịch Ủy ban MTTQ huyện",
        "Chủ tịch Ủy ban Mặt trận Tổ quốc huyện", "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam huyện Kỳ Anh",
        "Chủ tịch Ủy ban MTTQ Việt Nam huyện", "Chủ tịch UBMTTQVN huyện", "Chủ tịch UB MTTQVN huyện Kỳ Anh",
    ],
    "provincial Fatherland Front vice-chair": [
        "Phó Chủ tịch UB MTTQ tỉnh", "Phó Chủ tịch Ủy ban MTTQ tỉnh Hà Tĩnh",
        "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    ],
    "commune Fatherland Front chair": [
        "Chủ tịch UB MTTQ xã Kỳ Châu", "Chủ tịch Ủy ban Mặt trận Tổ quốc xã Kỳ Châu",
        "Chủ tịch Ủy ban MTTQ Việt Nam xã Kỳ Châu",
    ],
    "district party secretary": ["Bí thư Huyện ủy", "Bí thư Huyện uỷ", "Bí thư Huyện ủy Kỳ Anh"],
    "district standing deputy secretary": [
        "Phó Bí thư Thường trực Huyện ủy", "Phó Bí thư TT Huyện ủy", "Phó Bí thư Thường trực Huyện uỷ Kỳ Anh",
    ],
    "commune party secretary": ["Bí thư Đảng ủy xã Kỳ Tân", "Bí thư Đảng uỷ xã Kỳ Tân", "Bí thư Đảng ủy Kỳ Tân"],
    "national assembly delegate": ["Đại biểu Quốc hội", "ĐBQH"],
}

SAME_PAIRS = [(group, a, b) for group, forms in ONE_OFFICE.items() for a, b in itertools.combinations(forms, 2)]

# Offices that only look alike.
APART = [
    ("Phó Bí thư Huyện ủy", "Phó Bí thư Thường trực Huyện ủy"),
    ("Phó Bí thư Huyện ủy", "Bí thư Huyện ủy"),
    ("Chủ tịch UBND huyện", "Chủ tịch HĐND huyện"),
    ("Chủ tịch UBND huyện", "Chủ tịch UB MTTQ huyện"),
    ("Chủ tịch HĐND huyện", "Chủ tịch UB MTTQ huyện"),
    ("Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện"),
    ("Chủ tịch HĐND huyện", "Phó Chủ tịch HĐND huyện"),
    ("Phó Chủ tịch UBND huyện", "Phó Chủ tịch Thường trực UBND huyện"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND xã Kỳ Tân"),
    ("Chủ tịch HĐND huyện", "Chủ tịch HĐND xã Kỳ Tân"),
    ("Chủ tịch UB MTTQ huyện", "Chủ tịch UB MTTQ xã Kỳ Tân"),
    ("Bí thư Huyện ủy", "Bí thư Đảng ủy xã Kỳ Tân"),
    ("Chủ tịch UBND xã Kỳ Tân", "Chủ tịch UBND xã Kỳ Tây"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND tỉnh"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND thị xã Kỳ Anh"),
    ("UVBTV Huyện ủy", "UVBTV Tỉnh ủy"),
    ("UVBTV Huyện ủy", "Huyện ủy viên"),
    ("UVBTV Huyện ủy", "Bí thư Huyện ủy"),
    ("Đại biểu HĐND huyện", "Chủ tịch HĐND huyện"),
    ("Đại biểu HĐND huyện", "Đại biểu HĐND tỉnh"),
    ("Đại biểu Quốc hội", "Đại biểu HĐND tỉnh"),
    ("Đại tá", "Thượng tá"),
]


@pytest.mark.parametrize(("group", "a", "b"), SAME_PAIRS, ids=[f"{g}: {a} = {b}" for g, a, b in SAME_PAIRS])
def test_written_forms_of_one_office_fold_to_one_key(group: str, a: str, b: str) -> None:
    ra, rb = read_role(a), read_role(b)
    assert ra.key == rb.key, (group, ra.label, ra.why, rb.label, rb.why)
    assert ra.kind == rb.kind and ra.kind != "other"
    assert same_office(a, b)


@pytest.mark.parametrize(("a", "b"), APART, ids=[f"{a} != {b}" for a, b in APART])
def test_offices_that_look_alike_stay_apart(a: str, b: str) -> None:
    ra, rb = read_role(a), read_role(b)
    assert ra.key != rb.key, (ra.label, rb.label)
    assert not same_office(a, b)


def test_each_group_is_one_key_and_groups_are_different_offices() -> None:
    keys = {group: {read_role(f).key for f in forms} for group, forms in ONE_OFFICE.items()}
    assert all(len(k) == 1 for k in keys.values()), keys
    flat = [next(iter(k)) for k in keys.values()]
    assert len(set(flat)) == len(flat), "two groups share a key"


def test_the_key_says_the_level_and_the_place() -> None:
    district = read_role("CT UBND huyện")
    commune = read_role("Chủ tịch UBND xã Kỳ Tân")
    # A district office written without the district's name is the portal's own district.
    assert (district.position, district.organ, district.level, district.locality) == (
        "Chủ tịch", "UBND", "huyện", "Kỳ Anh")
    assert (commune.level, commune.locality) == ("xã", "Kỳ Tân")
    assert "Kỳ Anh" in district.label and "Kỳ Tân" in commune.label


# -- kinds ---------------------------------------------------------------------------

KINDS = [
    ("Đại tá", "rank"), ("Thượng tá", "rank"), ("Thiếu tá", "rank"), ("TS.", "rank"), ("ThS.", "rank"),
    ("PGS.TS.", "rank"), ("Bác sĩ", "rank"),
    ("UVBTV Huyện ủy", "membership"), ("Ủy viên Ban Thường vụ Tỉnh ủy", "membership"), ("Tỉnh ủy viên", "membership"),
    ("TUV", "membership"), ("Huyện ủy viên", "membership"), ("Ủy viên BCH Trung ương Đảng", "membership"),
    ("Đại biểu Quốc hội", "delegate"), ("ĐBQH", "delegate"), ("Đại biểu HĐND tỉnh", "delegate"),
    ("Đại biểu Hội đồng nhân dân huyện", "delegate"),
    ("Chủ tịch UBND huyện", "office"), ("Bí thư Huyện ủy", "office"), ("Trưởng Công an huyện", "office"),
]


@pytest.mark.parametrize(("role", "kind"), KINDS)
def test_ranks_memberships_and_delegates_are_kinds_of_their_own(role: str, kind: str) -> None:
    assert read_role(role).kind == kind, read_role(role).why


def test_a_rank_or_membership_beside_an_office_is_read_apart_from_it() -> None:
    got = read_roles(["Thượng tá, Trưởng Công an huyện"])
    assert [r.kind for r in got] == ["rank", "office"]
    assert got[1].key == read_role("Trưởng Công an huyện").key
    got = read_roles(["Tỉnh ủy viên", "Bí thư Huyện ủy"])
    assert [r.kind for r in got] == ["membership", "office"]
    # Being in the standing committee is not holding the committee's office of secretary.
    assert read_role("UVBTV Huyện ủy").key != read_role("Bí thư Huyện ủy").key
    assert read_role("Đại tá").key != read_role("Trưởng Công an huyện").key


# -- Unicode ---------------------------------------------------------------------------

ALL_FORMS = sorted({f for forms in ONE_OFFICE.values() for f in forms} | {a for pair in APART for a in pair})


@pytest.mark.parametrize("role", ALL_FORMS)
def test_nfc_and_nfd_input_give_the_same_key_and_an_nfc_label(role: str) -> None:
    nfc, nfd = unicodedata.normalize("NFC", role), unicodedata.normalize("NFD", role)
    a, b = read_role(nfc), read_role(nfd)
    assert a.key == b.key and a.label == b.label and a.kind == b.kind
    for text in (b.key, b.label, b.text, *(v for v in (b.position, b.organ, b.level, b.locality) if v)):
        assert unicodedata.is_normalized("NFC", text), text


def test_nfd_input_is_not_a_different_office_from_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Chủ tịch Uỷ ban nhân dân huyện Kỳ Anh")
    assert nfd != "Chủ tịch UBND huyện"
    assert same_office(nfd, "Chủ tịch UBND huyện")
    assert not same_office(nfd, unicodedata.normalize("NFD", "Chủ tịch Hội đồng nhân dân huyện"))


# -- `office … --why` ---------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("keys") / "a.db"
    with open_archive(db) as archive:
        for n, (day, role) in enumerate([("2023-01-05", "Chủ tịch UBND huyện"),
                                         ("2023-06-01", "Chủ tịch Ủy ban nhân dân huyện Kỳ Anh")], start=1):
            save_record(archive, person_record(n, day, f"Bài {n}", [attendee("Nguyễn Văn An", role)]))
        save_record(archive, person_record(3, "2023-07-01", "Bài 3", [attendee("Trần Văn Bình", "Chủ tịch HĐND huyện")]))
    return db


def test_why_explains_how_an_abbreviated_office_was_read(small_archive: Path) -> None:
    done = runner.invoke(app, ["office", "CT UBND huyện", "--db", str(small_archive), "--why"])
    assert done.exit_code == 0, done.output
    out = done.stdout
    assert "Why:" in out
    why = out[out.index("Why:"):]
    # The text, the office it was read as and its key; each step of the reading.
    assert "CT UBND huyện" in why and "Chủ tịch UBND huyện Kỳ Anh" in why
    assert read_role("Chủ tịch UBND huyện").key in why
    assert "'CT'" in why and "Chủ tịch" in why  # the head
    assert "UBND" in why and "Ủy ban nhân dân" in why  # the spelled-out organ
    assert "huyện" in why and "Kỳ Anh" in why and "district" in why  # the level and the implied place
    # And the answer: the one holder of both written forms.
    assert "Nguyễn Văn An" in out and "Trần Văn Bình" not in out


def test_why_in_json_is_a_list_of_steps_and_absent_without_why(small_archive: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Chủ tịch Uỷ ban nhân dân huyện")
    done = runner.invoke(app, ["office", nfd, "--db", str(small_archive), "--why", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["key"] == read_role("Chủ tịch UBND huyện").key
    assert isinstance(data["why"], list) and len(data["why"]) >= 3
    assert all(unicodedata.is_normalized("NFC", step) for step in data["why"])
    assert any("ban nhân dân" in step and "UBND" in step for step in data["why"])  # the organ spelled out -> its short name
    plain = json.loads(runner.invoke(app, ["office", nfd, "--db", str(small_archive), "--json"]).stdout)
    assert plain["why"] == [] and plain["holders"] == data["holders"]


def test_why_says_when_the_place_is_written_out(small_archive: Path) -> None:
    done = runner.invoke(app, ["office", "Chủ tịch HĐND huyện Kỳ Anh", "--db", str(small_archive), "--why", "--json"])
    data = json.loads(done.stdout)
    assert [h["name"] for h in data["holders"]] == ["Trần Văn Bình"]
    steps = " ".join(data["why"])
    assert "Kỳ Anh" in steps and "Hội đồng nhân dân" in steps and "portal's own district" not in steps
