"""Office reading: written roles read as (position, organ, level, locality) keys.

The pairs below are written for this test, not taken from the corpus: forms a
reader of the portal knows to be one office, and offices that only look alike.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.extract import offices
from huyenkyanh_archive.extract.offices import KINDS, read_role, read_roles, same_office, split_role
from huyenkyanh_archive.extract.roles import expand_role
from huyenkyanh_archive.vietnamese import compare_key
from tests.support.render import load_corpus

SAME_OFFICE = [
    ("Chủ tịch UBND huyện", "Chủ tịch Ủy ban nhân dân huyện"),
    ("Chủ tịch UBND huyện", "CT UBND huyện Kỳ Anh"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND huyện Kỳ Anh"),
    ("chủ tịch ubnd huyện", "CHỦ TỊCH UBND HUYỆN KỲ ANH"),
    ("Phó Chủ tịch UBND huyện", "Phó CT Ủy ban nhân dân huyện"),
    ("Phó Chủ tịch Thường trực UBND huyện", "Phó Chủ tịch TT UBND huyện"),
    ("Phó Chủ tịch TT UBND huyện", "PCT TT Ủy ban nhân dân huyện Kỳ Anh"),
    ("Bí thư Huyện ủy", "Bí thư Huyện uỷ"),
    ("Bí thư Huyện ủy", "Bí thư Huyện ủy Kỳ Anh"),
    ("Phó Bí thư TT Huyện ủy", "Phó Bí thư Thường trực Huyện uỷ"),
    ("UVBTV Huyện ủy", "Ủy viên BTV Huyện ủy"),
    ("UVBTV Huyện ủy", "Uỷ viên Ban Thường vụ Huyện uỷ"),
    ("UV BTV Huyện ủy", "Ủy viên Thường vụ Huyện ủy Kỳ Anh"),
    ("TUV", "Tỉnh ủy viên"),
    ("Tỉnh uỷ viên", "Ủy viên Ban Chấp hành Đảng bộ tỉnh"),
    ("HUV", "Huyện ủy viên"),
    ("ĐBQH", "Đại biểu Quốc hội"),
    ("Đại biểu HĐND tỉnh", "Đại biểu Hội đồng nhân dân tỉnh Hà Tĩnh"),
    ("Chủ tịch UB MTTQ huyện", "Chủ tịch Ủy ban MTTQ huyện"),
    ("Chủ tịch MTTQ huyện", "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam huyện Kỳ Anh"),
    ("Chủ tịch HĐND tỉnh", "Chủ tịch Hội đồng nhân dân tỉnh Hà Tĩnh"),
    ("Phó Chủ tịch UBND tỉnh", "PCT UBND tỉnh"),
    ("Bí thư Đảng ủy xã Kỳ Tân", "Bí thư Đảng uỷ xã Kỳ Tân"),
    ("Bí thư Đảng ủy xã Kỳ Tân", "Bí thư Đảng ủy Kỳ Tân"),
    ("Chủ tịch UBND xã Kỳ Phong", "Chủ tịch Ủy ban nhân dân xã Kỳ Phong"),
    ("Trưởng phòng Tài chính - Kế hoạch huyện", "Trưởng phòng TC-KH huyện"),
    ("Trưởng phòng Tài chính - Kế hoạch huyện", "Trưởng Phòng Tài chính-Kế hoạch huyện Kỳ Anh"),
    ("Trưởng phòng NN&PTNT huyện", "Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện"),
    ("Giám đốc TT Y tế huyện", "Giám đốc Trung tâm Y tế huyện"),
    ("Chỉ huy trưởng Ban CHQS huyện", "Chỉ huy trưởng Ban Chỉ huy Quân sự huyện Kỳ Anh"),
    ("Trưởng Ban Tuyên giáo Huyện ủy", "Trưởng ban Tuyên giáo Huyện uỷ"),
    ("Trưởng Công an huyện", "Trưởng CA huyện"),
    ("Chủ tịch UBND huyện nhiệm kỳ 2021-2026", "Chủ tịch UBND huyện"),
    ("Chủ tịch UBND thành phố Hà Tĩnh", "Chủ tịch UBND TP Hà Tĩnh"),
    ("Trưởng đoàn ĐBQH tỉnh", "Trưởng Đoàn Đại biểu Quốc hội tỉnh Hà Tĩnh"),
    ("Đại tá", "đại tá"),
    ("TS.", "Tiến sĩ"),
    ("Đại úy", "Đại uý"),
    ("GS.TS.", "GS. TS"),
    ("Chủ tịch UBND huyện", unicodedata.normalize("NFD", "Chủ tịch UBND huyện")),
    ("Chủ tịch UBND huyện", "Chủ tịch  UBND\u00a0huyện"),
]

DIFFERENT_OFFICES = [
    ("Bí thư Huyện ủy", "Phó Bí thư Huyện ủy"),
    ("Phó Bí thư Huyện ủy", "Phó Bí thư Thường trực Huyện ủy"),
    ("Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện"),
    ("Phó Chủ tịch UBND huyện", "Phó Chủ tịch Thường trực UBND huyện"),
    ("Chủ tịch UBND huyện", "Chủ tịch HĐND huyện"),
    ("Chủ tịch UBND huyện", "Chủ tịch UB MTTQ huyện"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND tỉnh"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND xã"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND thị xã Kỳ Anh"),
    ("Chủ tịch UBND huyện", "Chủ tịch UBND huyện Cẩm Xuyên"),
    ("Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh Nghệ An"),
    ("Bí thư Đảng ủy xã Kỳ Tân", "Chủ tịch UBND xã Kỳ Tân"),
    ("Bí thư Đảng ủy xã Kỳ Tân", "Bí thư Đảng ủy xã Kỳ Phong"),
    ("Bí thư Đảng ủy xã Kỳ Tân", "Phó Bí thư Đảng ủy xã Kỳ Tân"),
    ("Chủ tịch UBND xã Kỳ Tân", "Chủ tịch UBND xã Kỳ Tây"),
    ("Bí thư Huyện ủy", "Bí thư Tỉnh ủy"),
    ("Bí thư Huyện ủy", "Bí thư Huyện đoàn"),
    ("Bí thư Huyện ủy", "Bí thư Đảng ủy Quân sự huyện"),
    ("UVBTV Huyện ủy", "Huyện ủy viên"),
    ("UVBTV Huyện ủy", "UVBTV Tỉnh ủy"),
    ("TUV", "HUV"),
    ("Đại biểu HĐND tỉnh", "Đại biểu HĐND huyện"),
    ("ĐBQH", "Đại biểu HĐND tỉnh"),
    ("Trưởng phòng Tài chính - Kế hoạch huyện", "Phó Trưởng phòng Tài chính - Kế hoạch huyện"),
    ("Trưởng phòng Tài chính - Kế hoạch huyện", "Trưởng phòng Tài nguyên và Môi trường huyện"),
    ("Chủ tịch Hội Nông dân huyện", "Chủ tịch Hội Cựu chiến binh huyện"),
    ("Trưởng Công an huyện", "Trưởng Công an xã Kỳ Tân"),
    ("Chỉ huy trưởng Ban CHQS huyện", "Chính trị viên Ban CHQS huyện"),
    ("Trưởng Ban Tuyên giáo Huyện ủy", "Trưởng Ban Tổ chức Huyện ủy"),
    ("Trưởng Ban Tuyên giáo Huyện ủy", "Trưởng Ban Tuyên giáo Tỉnh ủy"),
    ("Giám đốc Trung tâm Y tế huyện", "Phó Giám đốc Trung tâm Y tế huyện"),
    ("Chánh Văn phòng Huyện ủy", "Chánh Văn phòng HĐND và UBND huyện"),
    ("Trưởng thôn Tân Phú", "Trưởng thôn Hưng Phú"),
    ("Đại tá", "Thượng tá"),
    ("Tiến sĩ", "Thạc sĩ"),
]


def test_the_rule_files_load() -> None:
    r = offices.rules()
    assert r.heads.match(offices.tokenize("Phó Chủ tịch TT UBND"), 0) is not None
    assert r.ranks and r.place_levels and r.party_positions


def test_a_malformed_rule_line_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    real = offices.data_lines

    def broken(name: str) -> list[str]:
        return ["Chủ tịch\tChủ tịch"] if name == "office_positions.tsv" else real(name)

    monkeypatch.setattr(offices, "data_lines", broken)
    with pytest.raises(ValueError, match="office_positions.tsv.*Chủ tịch"):
        offices.rules.__wrapped__()


def test_a_capitalised_word_is_not_a_qualifier() -> None:
    # "năm" (year) starts a qualifier; "Năm" in a name does not.
    assert read_role("Chủ tịch UBND huyện năm 2020").key == read_role("Chủ tịch UBND huyện").key
    assert read_role("Hiệu trưởng Trường Tiểu học Năm Căn").organ == "Trường Tiểu học Năm Căn"


def test_the_tables_are_big_enough() -> None:
    assert len(SAME_OFFICE) >= 25 and len(DIFFERENT_OFFICES) >= 25


@pytest.mark.parametrize(("a", "b"), SAME_OFFICE)
def test_forms_of_one_office_share_a_key(a: str, b: str) -> None:
    ra, rb = read_role(a), read_role(b)
    assert ra.key == rb.key, (ra.why, rb.why)
    assert ra.kind == rb.kind != "other"
    assert same_office(a, b) and same_office(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_OFFICES)
def test_different_offices_stay_apart(a: str, b: str) -> None:
    ra, rb = read_role(a), read_role(b)
    assert ra.key != rb.key, (ra.label, rb.label)
    assert not same_office(a, b) and not same_office(b, a)


def test_an_office_read_into_its_parts() -> None:
    r = read_role("Phó Chủ tịch TT UBND huyện")
    assert (r.kind, r.position, r.organ, r.level, r.locality) == (
        "office",
        "Phó Chủ tịch Thường trực",
        "UBND",
        "huyện",
        "Kỳ Anh",
    )
    assert r.label == "Phó Chủ tịch Thường trực UBND huyện Kỳ Anh"
    assert r.text == "Phó Chủ tịch TT UBND huyện"
    assert not r.former and not r.acting


@pytest.mark.parametrize(
    ("role", "organ", "level", "locality"),
    [
        ("Bí thư Huyện uỷ", "Huyện ủy", "huyện", "Kỳ Anh"),
        ("Chủ tịch UBND tỉnh", "UBND", "tỉnh", "Hà Tĩnh"),
        ("Bí thư Đảng ủy xã Kỳ Tân", "Đảng ủy", "xã", "Kỳ Tân"),
        ("Trưởng Ban Công tác Mặt trận thôn Hoà Lạc", "Ban Công tác Mặt trận", "thôn", "Hòa Lạc"),
        ("Trưởng phòng Tài chính - Kế hoạch huyện", "Phòng Tài chính - Kế hoạch", "huyện", "Kỳ Anh"),
        ("Chủ nhiệm Ủy ban Kiểm tra Huyện ủy", "Ủy ban Kiểm tra Huyện ủy", "huyện", "Kỳ Anh"),
        ("Chủ tịch UBND thị xã Kỳ Anh", "UBND", "thị xã", "Kỳ Anh"),
        ("Chủ tịch UBND xã", "UBND", "xã", None),
        ("Giám đốc Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo", None, None),
    ],
)
def test_organ_level_and_locality(role: str, organ: str, level: str | None, locality: str | None) -> None:
    r = read_role(role)
    assert (r.organ, r.level, r.locality) == (organ, level, locality), r.why


def test_level_words_inside_names_are_not_levels() -> None:
    # "xã" in "Hợp tác xã" and "xã hội", "thôn" in "nông thôn" name no level.
    assert read_role("Giám đốc HTX Nông nghiệp Kỳ Phong").level is None
    assert read_role("Trưởng phòng Nông nghiệp và PTNT").level is None
    bank = read_role("Giám đốc Ngân hàng Chính sách xã hội huyện")
    assert (bank.organ, bank.level) == ("Ngân hàng Chính sách xã hội", "huyện")


def test_tt_means_thuong_truc_after_a_position_and_trung_tam_elsewhere() -> None:
    assert read_role("Phó Bí thư TT Huyện ủy").position == "Phó Bí thư Thường trực"
    assert read_role("Giám đốc TT Y tế huyện").organ == "Trung tâm Y tế"


def test_the_home_district_and_province_are_parameters() -> None:
    elsewhere = read_role("Chủ tịch UBND huyện", home_district="Cẩm Xuyên")
    assert elsewhere.locality == "Cẩm Xuyên"
    assert elsewhere.key == read_role("Chủ tịch UBND huyện Cẩm Xuyên").key
    assert read_role("Chủ tịch UBND huyện", home_district=None).locality is None
    assert read_role("Chủ tịch UBND tỉnh", home_province="Quảng Bình").locality == "Quảng Bình"
    # An explicit place is never replaced by the home one.
    assert read_role("Chủ tịch UBND huyện Thạch Hà", home_district="Cẩm Xuyên").locality == "Thạch Hà"


@pytest.mark.parametrize(
    ("role", "kind", "position"),
    [
        ("Đại tá", "rank", "Đại tá"),
        ("thượng tá", "rank", "Thượng tá"),
        ("ThS.", "rank", "Thạc sĩ"),
        ("PGS.TS.", "rank", "Phó Giáo sư, Tiến sĩ"),
        ("BSCKII", "rank", "Bác sĩ chuyên khoa II"),
        ("NGƯT", "rank", "Nhà giáo Ưu tú"),
        ("TUV", "membership", "Ủy viên"),
        ("Huyện uỷ viên", "membership", "Ủy viên"),
        ("UVBTV Huyện ủy", "membership", "Ủy viên Ban Thường vụ"),
        ("Ủy viên BCH Trung ương Đảng", "membership", "Ủy viên"),
        ("Ủy viên UBND huyện", "membership", "Ủy viên"),
        ("ĐBQH", "delegate", "Đại biểu"),
        ("Đại biểu HĐND tỉnh", "delegate", "Đại biểu"),
        ("Chủ tịch UBND huyện", "office", "Chủ tịch"),
        ("Trưởng thôn Tân Phú", "office", "Trưởng thôn"),
    ],
)
def test_kinds(role: str, kind: str, position: str) -> None:
    r = read_role(role)
    assert (r.kind, r.position) == (kind, position), r.why


def test_memberships_name_their_committee() -> None:
    tuv = read_role("TUV")
    assert (tuv.organ, tuv.level, tuv.locality) == ("Tỉnh ủy", "tỉnh", "Hà Tĩnh")
    huv = read_role("HUV")
    assert (huv.organ, huv.level, huv.locality) == ("Huyện ủy", "huyện", "Kỳ Anh")
    central = read_role("Ủy viên Ban Chấp hành Trung ương Đảng")
    assert central.organ == "Ban Chấp hành Trung ương" and central.locality is None


def test_a_national_delegate_stays_national_when_the_province_is_named() -> None:
    assert read_role("ĐBQH tỉnh").key == read_role("Đại biểu Quốc hội").key


def test_unknown_roles_are_other_keyed_by_their_expanded_text() -> None:
    r = read_role("Ban Chỉ huy PCTT-TKCN")
    assert r.kind == "other"
    assert r.key == compare_key(expand_role("Ban Chỉ huy PCTT-TKCN"))
    assert r.position is r.organ is r.level is r.locality is None


def test_former_and_acting_are_flagged_not_keyed() -> None:
    former = read_role("nguyên Chủ tịch UBND huyện")
    current = read_role("Chủ tịch UBND huyện")
    assert former.former and not current.former
    assert former.key == current.key and former.label == current.label
    assert read_role("Cựu Bí thư Huyện ủy").former
    acting = read_role("Quyền Chủ tịch UBND huyện")
    assert acting.acting and not acting.former and acting.key == current.key


def test_why_tells_each_step() -> None:
    why = " / ".join(read_role("PCT TT UBND huyện").why)
    assert "PCT TT" in why and "Phó Chủ tịch Thường trực" in why  # the head
    assert "UBND" in why and "Ủy ban nhân dân" in why  # the expansion
    assert "Kỳ Anh" in why and "district" in why  # the implied locality
    assert "Kỳ Tân" in " ".join(read_role("Bí thư Đảng ủy xã Kỳ Tân").why)
    assert "nguyên" in " ".join(read_role("nguyên Chủ tịch UBND huyện").why)
    assert read_role("Xin chào").why  # even a role read as "other" says why
    assert "nhiệm kỳ" in " ".join(read_role("Chủ tịch UBND huyện nhiệm kỳ 2021-2026").why)


# ---------------------------------------------------------------- lists of roles


def keys(roles: list[str]) -> list[str]:
    return [r.key for r in read_roles(roles)]


def test_a_combined_role_is_split_where_a_head_follows() -> None:
    both = read_roles(["Phó Bí thư Thường trực Huyện ủy, Chủ tịch HĐND huyện"])
    assert [r.label for r in both] == ["Phó Bí thư Thường trực Huyện ủy Kỳ Anh", "Chủ tịch HĐND huyện Kỳ Anh"]
    assert keys(["Bí thư Huyện ủy kiêm Chủ tịch HĐND huyện"]) == keys(["Bí thư Huyện ủy", "Chủ tịch HĐND huyện"])
    assert keys(["Phó Bí thư Huyện ủy - Chủ tịch UBND huyện"]) == keys(["Phó Bí thư Huyện ủy", "Chủ tịch UBND huyện"])
    assert [r.kind for r in read_roles(["Thượng tá Trưởng Công an huyện"])] == ["rank", "office"]


@pytest.mark.parametrize(
    "role",
    [
        "Trưởng ban Chỉ đạo phòng, chống dịch bệnh động vật huyện",
        "Trưởng phòng Tài chính - Kế hoạch huyện",
        "Chánh Văn phòng HĐND và UBND huyện",
        "Trưởng ban Chỉ huy PCTT-TKCN huyện",
        "Trưởng phòng Lao động - Thương binh và Xã hội huyện",
    ],
)
def test_a_comma_dash_or_and_inside_a_name_does_not_split(role: str) -> None:
    assert split_role(role) == (role,)
    assert len(read_roles([role])) == 1


def test_read_role_of_a_combined_text_reads_the_first_and_says_so() -> None:
    r = read_role("Phó Bí thư Thường trực Huyện ủy, Chủ tịch HĐND huyện")
    assert r.key == read_role("Phó Bí thư Thường trực Huyện ủy").key
    assert any("2 roles" in step for step in r.why)


def test_a_bare_standing_committee_membership_takes_the_committee_of_the_other_roles() -> None:
    district = read_roles(["UVBTV", "Chánh Văn phòng Huyện ủy"])
    assert district[0].key == read_role("UVBTV Huyện ủy").key
    commune = read_roles(["Ủy viên BTV", "Phó Chủ tịch UBND xã Kỳ Tân"])
    assert commune[0].key == read_role("Ủy viên Ban Thường vụ Đảng ủy xã Kỳ Tân").key
    assert "Chánh Văn phòng Huyện ủy" in " ".join(district[0].why)
    alone = read_roles(["UVBTV"])
    assert alone[0].organ is None


def test_the_same_office_twice_is_listed_once() -> None:
    assert len(read_roles(["UVBTV Huyện ủy", "Ủy viên Ban Thường vụ Huyện uỷ", "Bí thư Huyện ủy"])) == 2
    # A former office is not the same evidence as the current one.
    assert len(read_roles(["nguyên Chủ tịch UBND huyện", "Chủ tịch UBND huyện"])) == 2


# ---------------------------------------------------------------- robustness and speed


@pytest.mark.parametrize(
    "role",
    [
        "",
        "   ",
        "-",
        "|||",
        "nguyên",
        "Phó",
        "\u0301\u0301",
        "\x00\x01 Chủ tịch",
        "Chủ tịch UBND huyện\u202e",
        "🙂 Bí thư",
        "ＵＢＮＤ",
        "Chủ tịch UBND huyện, " * 500,
        "Phó " * 3000,
        "Chủ tịch UBND " + "xã Kỳ " * 2000,
        "((((((((((",
        "Trưởng thôn",
    ],
)
def test_odd_roles_never_raise(role: str) -> None:
    r = read_role(role)
    assert r.kind in KINDS and isinstance(r.key, str) and r.why
    assert all(ord(c) >= 32 for c in r.key + r.label)
    for reading in read_roles([role, role]):
        assert reading.kind in KINDS


def test_full_width_letters_read_like_plain_ones() -> None:
    assert read_role("Chủ tịch ＵＢＮＤ huyện").key == read_role("Chủ tịch UBND huyện").key


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=4))
def test_any_text_reads(roles: list[str]) -> None:
    for role in roles:
        r = read_role(role)
        assert r.kind in KINDS
        assert r.key == read_role(unicodedata.normalize("NFD", role)).key or not role.isprintable()
    for reading in read_roles(roles):
        assert reading.kind in KINDS


def corpus_roles() -> list[list[str]]:
    return [a["roles"] for art in load_corpus() for a in art["gold"]["attendees"] if a["roles"]]


def test_every_gold_role_reads() -> None:
    for roles in corpus_roles():
        readings = read_roles(roles)
        assert readings
        for r in readings:
            assert r.kind in KINDS and r.key and r.label and r.why


# "… huyện" or "… Huyện ủy" at the end of an office of the district's
# party committee, people's committee, council or front.
_DISTRICT_RE = re.compile(r"(UBND|HĐND|MTTQ|Huyện ủy|Huyện uỷ|Ban Thường vụ).*\bhuyện( Kỳ Anh)?$|Huyện [uủ]y$")
_COMMUNE_RE = re.compile(r"\bxã (Kỳ \w+)$")


def test_district_offices_of_the_corpus_are_at_the_district_of_ky_anh() -> None:
    checked = 0
    for roles in corpus_roles():
        for role in roles:
            if _DISTRICT_RE.search(role) and "Tỉnh" not in role:
                r = read_role(role)
                assert (r.level, r.locality) == ("huyện", "Kỳ Anh"), (role, r.why)
                assert r.kind in ("office", "membership")
                checked += 1
            m = _COMMUNE_RE.search(role)
            if m:
                r = read_role(role)
                assert (r.level, compare_key(r.locality or "")) == ("xã", compare_key(m.group(1))), (role, r.why)
                checked += 1
    assert checked >= 60


def test_the_corpus_forms_fold_at_least_as_far_as_the_role_keys() -> None:
    # Roles equal once abbreviations are spelled out (the archive's role_key)
    # are one office; the office key folds further (TT, UB MTTQ/MTTQ, "huyện
    # Kỳ Anh"/"huyện"), so there are fewer office keys than role keys.
    by_role_key: dict[str, set[str]] = {}
    for roles in corpus_roles():
        for role in roles:
            by_role_key.setdefault(compare_key(expand_role(role)), set()).add(read_role(role).key)
    assert all(len(k) == 1 for k in by_role_key.values()), [k for k in by_role_key.values() if len(k) > 1]
    office_keys = {k for ks in by_role_key.values() for k in ks}
    assert len(office_keys) < len(by_role_key)


def test_known_leaders_hold_one_key_per_office_across_the_corpus() -> None:
    # Every written form of a leader's district office, across all articles,
    # reads to a key naming the position and "huyện|kỳ anh".
    forms: dict[str, set[str]] = {}
    for art in load_corpus():
        for a in art["gold"]["attendees"]:
            for r in read_roles(a["roles"]):
                if r.kind == "office" and r.level == "huyện" and r.position in ("Bí thư", "Chủ tịch", "Phó Bí thư"):
                    forms.setdefault(r.key, set()).add(r.text)
    assert forms
    for key, written in forms.items():
        assert key.endswith("|huyện|kỳ anh"), key
        assert len({read_role(w).key for w in written}) == 1
