"""The people extractor: one test per grammar rule of GOLD.md, then the corpus.

Each rule test feeds one sentence in one phrasing and checks the attendees
(names and roles compared through ``compare_key``, as GOLD.md prescribes).
The corpus test feeds every annotated article's gold text and asserts the
acceptance thresholds of issue 2, printing the per-article misses on failure.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.extract.bylines import parse_byline
from huyenkyanh_archive.extract.people import extract_attendees
from huyenkyanh_archive.extract.roles import expand_role
from huyenkyanh_archive.vietnamese import compare_key
from tests.support.render import load_corpus
from tests.support.scoring import Score, gold_inputs


def people(*paragraphs: str, title: str = "", captions: tuple[str, ...] = (), exclude=()) -> dict[str, list[str]]:
    found = extract_attendees(title, list(paragraphs), list(captions), exclude=exclude)
    return {compare_key(a.name): [compare_key(r) for r in a.roles] for a in found}


def k(*items: str) -> list[str]:
    return [compare_key(x) for x in items]


# -- names, honorifics, ranks ------------------------------------------------


def test_name_after_dong_chi_with_dash_roles_and_semicolons() -> None:
    got = people(
        "Dự hội nghị có các đồng chí: Hồ Huy Thành - Tỉnh ủy viên, Bí thư Huyện ủy; "
        "Nguyễn Tiến Hùng - Phó Bí thư Huyện ủy, Chủ tịch UBND huyện cùng lãnh đạo các phòng, ban."
    )
    assert got == {
        "hồ huy thành": k("Tỉnh ủy viên", "Bí thư Huyện ủy"),
        "nguyễn tiến hùng": k("Phó Bí thư Huyện ủy", "Chủ tịch UBND huyện"),
    }


def test_names_printed_in_capitals_are_found_and_kept_as_printed() -> None:
    paragraph = ("Tham dự có các đồng chí: TRẦN ĐỨC MINH - Chủ tịch UBND huyện; LÊ THỊ HOA - Phó Chủ tịch HĐND huyện."
                 " Ông NGUYỄN VĂN HẢI, Chủ tịch UBND xã Kỳ Tân phát biểu.")
    assert people(paragraph) == {
        "trần đức minh": k("Chủ tịch UBND huyện"),
        "lê thị hoa": k("Phó Chủ tịch HĐND huyện"),
        "nguyễn văn hải": k("Chủ tịch UBND xã Kỳ Tân"),
    }
    assert [a.name for a in extract_attendees("", [paragraph])] == ["TRẦN ĐỨC MINH", "LÊ THỊ HOA", "NGUYỄN VĂN HẢI"]


def test_capitals_that_are_not_a_name_stay_out() -> None:
    # A headline in capitals, a place in capitals, abbreviations: none of them is a person.
    assert people("HỘI NGHỊ BAN CHẤP HÀNH ĐẢNG BỘ HUYỆN LẦN THỨ 10 DO ĐỒNG CHÍ HỒ HUY THÀNH CHỦ TRÌ") == {}
    assert people("Đồng chí Hồ Huy Thành kiểm tra HỒ CHỨA NƯỚC Kim Sơn cùng UBND xã, HĐND xã và MTTQ xã.") == {
        "hồ huy thành": []
    }


def test_roles_after_comma_end_at_verb() -> None:
    got = people("Đồng chí Lê Văn Đông, Phó Bí thư Thường trực Huyện ủy chủ trì hội nghị.")
    assert got == {"lê văn đông": k("Phó Bí thư Thường trực Huyện ủy")}


def test_honorific_is_not_part_of_name() -> None:
    got = people("Ông Trần Minh Quân, Giám đốc Công ty TNHH Thương mại Hoàng Long chia sẻ: “Chúng tôi mong muốn góp sức”.")
    assert got == {"trần minh quân": k("Giám đốc Công ty TNHH Thương mại Hoàng Long")}


def test_dc_abbreviation_lower_case() -> None:
    got = people("Hội nghị do đ/c Lê Mã Lương - UVBTV Huyện ủy, Chủ tịch UB MTTQ huyện chủ trì.")
    assert got == {"lê mã lương": k("UVBTV Huyện ủy", "Chủ tịch UB MTTQ huyện")}


def test_rank_is_a_role_not_part_of_the_name() -> None:
    got = people("Báo cáo tại buổi lễ, Thượng tá Phạm Xuân Thủy, Chỉ huy trưởng Ban CHQS huyện cho biết.")
    assert got == {"phạm xuân thủy": k("Thượng tá", "Chỉ huy trưởng Ban CHQS huyện")}


def test_lower_case_rank_and_honorific_then_rank() -> None:
    got = people(
        "Có mặt tại hiện trường, đại tá Phan Đình Tâm, Phó Giám đốc Công an tỉnh chỉ đạo lực lượng; "
        "đồng chí Thượng tá Lê Hữu Phước trực tiếp chỉ huy."
    )
    assert got == {
        "phan đình tâm": k("đại tá", "Phó Giám đốc Công an tỉnh"),
        "lê hữu phước": k("Thượng tá"),
    }


def test_academic_and_medical_titles_are_roles() -> None:
    got = people(
        "TS. Nguyễn Văn Sáu, Phó Trưởng ban Tuyên giáo Tỉnh ủy trình bày chuyên đề. "
        "BS. Phan Thị Thanh Tâm - Giám đốc Trung tâm Y tế huyện báo cáo."
    )
    assert got == {
        "nguyễn văn sáu": k("TS.", "Phó Trưởng ban Tuyên giáo Tỉnh ủy"),
        "phan thị thanh tâm": k("BS.", "Giám đốc Trung tâm Y tế huyện"),
    }


def test_lower_case_middle_syllable_in_name() -> None:
    got = people("Giải Nhất thuộc về vận động viên Nguyễn thị Hoài, xã Kỳ Đồng.")
    assert list(got) == ["nguyễn thị hoài"]


def test_zero_width_character_inside_name_is_ignored() -> None:
    got = people("Đồng chí Nguyễn Tiến\u200b Hùng, Chủ tịch UBND huyện phát biểu.")
    assert got == {"nguyễn tiến hùng": k("Chủ tịch UBND huyện")}


def test_compound_family_name() -> None:
    got = people("Cô Tôn Nữ Thị Minh Châu - Hiệu trưởng nhà trường đọc thư của Chủ tịch nước gửi ngành giáo dục.")
    assert got == {"tôn nữ thị minh châu": k("Hiệu trưởng nhà trường")}


def test_person_without_role_age_and_address_are_not_roles() -> None:
    got = people(
        "Đoàn đã đến thăm cụ Trần Văn Hợi, 92 tuổi, ở thôn Tân Lạc. "
        "Bà Nguyễn Thị Lan (thôn Hoành Sơn, xã Kỳ Khang) đề nghị xem xét."
    )
    assert got == {"trần văn hợi": [], "nguyễn thị lan": []}


# -- roles ------------------------------------------------------------------------


def test_role_before_name_keeps_its_place() -> None:
    got = people("Phát biểu khai mạc, Chủ tịch HĐND huyện Kỳ Anh Nguyễn Tiến Hùng nhấn mạnh nhiều nội dung.")
    assert got == {"nguyễn tiến hùng": k("Chủ tịch HĐND huyện Kỳ Anh")}


def test_role_before_name_commune_place() -> None:
    got = people("Chủ tịch UBND xã Kỳ Phú Nguyễn Hữu Tình cam kết phối hợp.")
    assert got == {"nguyễn hữu tình": k("Chủ tịch UBND xã Kỳ Phú")}


def test_role_before_name_with_honorific_after_comma() -> None:
    got = people("Giám đốc nhà máy, bà Trần Thị Ngọc Ánh, cho biết đơn vị đã chi thưởng Tết.")
    assert got == {"trần thị ngọc ánh": k("Giám đốc nhà máy")}


def test_unit_name_that_looks_like_a_name_before_apposition() -> None:
    got = people("Giám đốc Công ty TNHH Xây dựng Hoàng Long, ông Phạm Văn Lực cho biết.")
    assert got == {"phạm văn lực": k("Giám đốc Công ty TNHH Xây dựng Hoàng Long")}


def test_names_in_parentheses() -> None:
    got = people(
        "Lãnh đạo huyện (Nguyễn Tiến Hùng, Trần Thành Nam) dự lễ. "
        "Phát biểu tại lễ, Phó Chủ tịch UBND tỉnh (Lê Ngọc Châu) biểu dương. "
        "Tại Trường THCS Nguyễn Du (xã Kỳ Đồng), học sinh dự lễ."
    )
    assert got == {"nguyễn tiến hùng": [], "trần thành nam": [], "lê ngọc châu": k("Phó Chủ tịch UBND tỉnh")}


def test_role_in_parentheses() -> None:
    got = people("Ông Hồ Sỹ Hoàn (Chủ tịch UBND xã Kỳ Lạc) cho biết xã đã chuẩn bị 350 suất quà.")
    assert got == {"hồ sỹ hoàn": k("Chủ tịch UBND xã Kỳ Lạc")}


def test_dash_inside_unit_name_is_not_a_split() -> None:
    got = people(
        "Bà Hồ Thị Mỹ Linh (Trưởng phòng Tài chính - Kế hoạch huyện) kiến nghị. "
        "Đồng chí Đặng Quốc Việt - Trưởng phòng Văn hóa - Thông tin huyện dự."
    )
    assert got == {
        "hồ thị mỹ linh": k("Trưởng phòng Tài chính - Kế hoạch huyện"),
        "đặng quốc việt": k("Trưởng phòng Văn hóa - Thông tin huyện"),
    }


def test_glued_dashes_split_roles_and_commas_separate_people() -> None:
    got = people(
        "Tham dự có các đồng chí Nguyễn Văn An- TUV- Bí thư Huyện ủy- Chủ tịch HĐND huyện, "
        "Trần Quang Minh- Phó Bí thư Huyện ủy- Chủ tịch UBND huyện."
    )
    assert got == {
        "nguyễn văn an": k("TUV", "Bí thư Huyện ủy", "Chủ tịch HĐND huyện"),
        "trần quang minh": k("Phó Bí thư Huyện ủy", "Chủ tịch UBND huyện"),
    }


def test_en_dash_between_name_and_role() -> None:
    got = people("Tiếp đoàn có đồng chí Trần Thành Nam – Phó Chủ tịch UBND huyện cùng lãnh đạo các phòng.")
    assert got == {"trần thành nam": k("Phó Chủ tịch UBND huyện")}


def test_comma_only_list_of_people_with_roles() -> None:
    got = people(
        "Dự lễ có đồng chí Lê Văn Bình, Bí thư Huyện ủy, Trần Văn Cường, Chủ tịch UBND huyện, "
        "Phạm Thị Dung, Chủ tịch UB MTTQ huyện."
    )
    assert got == {
        "lê văn bình": k("Bí thư Huyện ủy"),
        "trần văn cường": k("Chủ tịch UBND huyện"),
        "phạm thị dung": k("Chủ tịch UB MTTQ huyện"),
    }


def test_shared_role_list_after_colon() -> None:
    got = people("Chủ trì hội nghị có các đồng chí Phó Chủ tịch UBND huyện: Trần Thành Nam, Dương Thị Vân Anh.")
    assert got == {
        "trần thành nam": k("Phó Chủ tịch UBND huyện"),
        "dương thị vân anh": k("Phó Chủ tịch UBND huyện"),
    }


def test_shared_role_without_cac_and_ellipsis_glued_to_last_name() -> None:
    got = people(
        "Dự có các Ủy viên Ban Thường vụ Tỉnh ủy: Lê Văn An, Trần Thị Bé, Võ Văn Cảnh, Đặng Thị Dịu, "
        "Phan Văn Em, Hoàng Thị Gấm, Bùi Văn Hải… cùng lãnh đạo các sở."
    )
    assert len(got) == 7
    assert all(roles == k("Ủy viên Ban Thường vụ Tỉnh ủy") for roles in got.values())
    assert "bùi văn hải" in got


def test_plural_role_before_names_is_shared() -> None:
    got = people(
        "Dự có hai Phó Chủ tịch UBND huyện Trần Thành Nam và Dương Thị Vân Anh. "
        "Cùng đi có các đồng chí Ủy viên BTV Huyện ủy Lê Mã Lương, Đặng Thị Quỳnh Nga."
    )
    assert got == {
        "trần thành nam": k("Phó Chủ tịch UBND huyện"),
        "dương thị vân anh": k("Phó Chủ tịch UBND huyện"),
        "lê mã lương": k("Ủy viên BTV Huyện ủy"),
        "đặng thị quỳnh nga": k("Ủy viên BTV Huyện ủy"),
    }


def test_singular_role_before_name_is_not_shared() -> None:
    got = people("Phó Chủ tịch UBND huyện Trần Thành Nam và ông Lê Văn Tư dự.")
    assert got == {"trần thành nam": k("Phó Chủ tịch UBND huyện"), "lê văn tư": []}


def test_role_running_into_a_capitalised_verb() -> None:
    got = people(captions=("Đồng chí Lê Minh Hiếu, Bí thư Huyện đoàn Khai mạc giải.",))
    assert got == {"lê minh hiếu": k("Bí thư Huyện đoàn")}


def test_list_of_chairs_starting_without_full_stop() -> None:
    got = people(
        "Dự có đồng chí Trần Thị Thanh Hoa - Phó Chủ tịch UBND huyện; đồng chí Đặng Văn Việt - "
        "Trưởng phòng Nội vụ huyện Chủ trì lễ bốc thăm có đồng chí Lê Minh Hiếu - Bí thư Huyện đoàn."
    )
    assert got == {
        "trần thị thanh hoa": k("Phó Chủ tịch UBND huyện"),
        "đặng văn việt": k("Trưởng phòng Nội vụ huyện"),
        "lê minh hiếu": k("Bí thư Huyện đoàn"),
    }


def test_actions_are_not_roles() -> None:
    got = people("Đoàn công tác do đồng chí Hồ Huy Thành, Tỉnh ủy viên, Bí thư Huyện ủy làm trưởng đoàn đã đến thăm.")
    assert got == {"hồ huy thành": k("Tỉnh ủy viên", "Bí thư Huyện ủy")}


def test_post_for_the_event_is_a_role() -> None:
    got = people("Phạm Thị Thanh Bình - Ủy viên BTV Huyện ủy, Trưởng ban Dân vận Huyện ủy, Trưởng ban Tổ chức hội thi.")
    assert got == {"phạm thị thanh bình": k("Ủy viên BTV Huyện ủy", "Trưởng ban Dân vận Huyện ủy", "Trưởng ban Tổ chức hội thi")}


def test_elected_post_is_a_role() -> None:
    got = people("Đại hội đã bầu đồng chí Phạm Quang Vinh tái cử chức Bí thư Đảng ủy xã.")
    assert got == {"phạm quang vinh": k("Bí thư Đảng ủy xã")}


def test_concurrent_post_after_kiem_and_va() -> None:
    got = people(
        "Đồng chí Bùi Đình Thắng được bầu làm Phó Chủ tịch Hội CCB huyện kiêm Chủ nhiệm Ủy ban Kiểm tra. "
        "Ông Lê Văn Hòa, Bí thư Đảng ủy và Chủ tịch HĐND xã Kỳ Lâm phát biểu."
    )
    assert got == {
        "bùi đình thắng": k("Phó Chủ tịch Hội CCB huyện", "Chủ nhiệm Ủy ban Kiểm tra"),
        "lê văn hòa": k("Bí thư Đảng ủy", "Chủ tịch HĐND xã Kỳ Lâm"),
    }


def test_two_ranked_people_joined_by_va() -> None:
    got = people("Thượng tá Lê Văn Phúc, Trưởng Công an huyện và Thiếu tá Trần Minh Quang, Phó Trưởng Công an huyện dự.")
    assert got == {
        "lê văn phúc": k("Thượng tá", "Trưởng Công an huyện"),
        "trần minh quang": k("Thiếu tá", "Phó Trưởng Công an huyện"),
    }


def test_kiem_splits_roles_and_unit_verbs_only_after_unit_nouns() -> None:
    got = people(
        "Đồng chí Nguyễn Văn Bé, Bí thư Chi bộ kiêm Trưởng thôn Tân Phú phát biểu. "
        "Ông Lê Văn Hùng, Trưởng đoàn phát biểu. Ông Lê Văn Hải, Trưởng đoàn kiểm tra liên ngành báo cáo."
    )
    assert got == {
        "nguyễn văn bé": k("Bí thư Chi bộ", "Trưởng thôn Tân Phú"),
        "lê văn hùng": k("Trưởng đoàn"),
        "lê văn hải": k("Trưởng đoàn kiểm tra liên ngành"),
    }


def test_long_unit_name_with_lower_case_words() -> None:
    got = people(
        "Đại úy Phạm Văn Rạng – Đội trưởng Đội Cảnh sát giao thông Công an huyện báo cáo. "
        "ThS.BS. Hồ Văn Nam, Trưởng khoa Hồi sức cấp cứu chia sẻ kinh nghiệm."
    )
    assert got == {
        "phạm văn rạng": k("Đại úy", "Đội trưởng Đội Cảnh sát giao thông Công an huyện"),
        "hồ văn nam": k("ThS.BS.", "Trưởng khoa Hồi sức cấp cứu"),
    }


def test_unknown_verb_and_object_end_the_role() -> None:
    got = people("Ông Lê Văn Tư, Chủ tịch Hội Nông dân xin ý kiến cử tri về dự án.")
    assert got == {"lê văn tư": k("Chủ tịch Hội Nông dân")}


def test_former_post_is_written_as_such() -> None:
    got = people("Đồng chí Nguyễn Văn Đạt, nguyên Bí thư Huyện ủy phát biểu.")
    assert got == {"nguyễn văn đạt": k("nguyên Bí thư Huyện ủy")}


def test_same_role_twice_listed_once_and_abbreviated_form_merged() -> None:
    got = people(
        "Đồng chí Nguyễn Thị Thu Hà, Đại biểu Quốc hội, Tỉnh ủy viên dự.",
        captions=("Đồng chí Nguyễn Thị Thu Hà – ĐBQH, TUV phát biểu.",),
    )
    assert got == {"nguyễn thị thu hà": k("Đại biểu Quốc hội", "Tỉnh ủy viên")}


def test_role_with_and_without_the_district_name_listed_once() -> None:
    got = people(
        "Chủ tịch UBND huyện Kỳ Anh Nguyễn Tiến Hùng phát biểu.",
        "Đồng chí Nguyễn Tiến Hùng, Chủ tịch UBND huyện kết luận.",
    )
    assert got == {"nguyễn tiến hùng": k("Chủ tịch UBND huyện Kỳ Anh")}


def test_lower_case_role_after_name() -> None:
    got = people("Ông Nguyễn Văn Hưng, trưởng thôn Tân Phú cho biết. Tốc độ tăng trưởng đạt 8%.")
    assert got == {"nguyễn văn hưng": k("trưởng thôn Tân Phú")}


def test_capitalised_verb_after_name_in_caption() -> None:
    got = people(captions=("Đồng chí Hồ Huy Thành Trao quà cho gia đình chính sách.",))
    assert got == {"hồ huy thành": []}


def test_roles_before_names_in_a_comma_list() -> None:
    got = people("Lãnh đạo huyện: Bí thư Huyện ủy Hồ Huy Thành, Chủ tịch UBND huyện Nguyễn Tiến Hùng dự lễ.")
    assert got == {"hồ huy thành": k("Bí thư Huyện ủy"), "nguyễn tiến hùng": k("Chủ tịch UBND huyện")}


def test_village_named_after_a_person_stays_in_the_role() -> None:
    got = people("Ông Lê Văn Kiên, Bí thư Chi bộ thôn Lê Lợi phát biểu.")
    assert got == {"lê văn kiên": k("Bí thư Chi bộ thôn Lê Lợi")}


def test_award_winners_after_colon() -> None:
    got = people("Giải Nhất: Nguyễn Văn Hùng (xã Kỳ Tân); giải Nhì: Trần Thị Lan (xã Kỳ Lạc).")
    assert got == {"nguyễn văn hùng": [], "trần thị lan": []}


def test_comma_inside_phong_chong_unit_name() -> None:
    got = people("Đồng chí Nguyễn Tiến Hùng- Chủ tịch UBND huyện- Trưởng ban Chỉ đạo phòng, chống dịch bệnh động vật huyện chủ trì.")
    assert got == {
        "nguyễn tiến hùng": k("Chủ tịch UBND huyện", "Trưởng ban Chỉ đạo phòng, chống dịch bệnh động vật huyện")
    }


def test_given_name_that_is_also_a_unit_word() -> None:
    got = people("Tham gia có ông Võ Xuân Trường- Phó Trưởng phòng Tài chính - Kế hoạch huyện.")
    assert got == {"võ xuân trường": k("Phó Trưởng phòng Tài chính - Kế hoạch huyện")}


def test_negated_attendance_then_sending_is_not_attending() -> None:
    got = people("Ông Phan Văn Quang, Việt kiều tại Cộng hòa Séc, không về dự được, đã gửi thư chúc mừng.")
    assert got == {}


def test_roles_expanded_parallel_to_roles() -> None:
    found = extract_attendees("", ["Đồng chí Lê Mã Lương - UVBTV Huyện ủy, Chủ tịch UB MTTQ huyện dự."])
    assert len(found) == 1
    a = found[0]
    assert a.roles_expanded == [expand_role(r) for r in a.roles]
    assert a.roles_expanded == ["Ủy viên Ban Thường vụ Huyện ủy", "Chủ tịch Ủy ban Mặt trận Tổ quốc huyện"]


# -- phrasings of real government news text (issue 11) -----------------------------


def test_role_before_a_colon_list_applies_to_each_name() -> None:
    got = people("Các đồng chí Phó Chủ tịch UBND huyện: Hoàng Văn Khải, Đinh Thị Lụa cùng dự buổi làm việc.")
    assert got == {"hoàng văn khải": k("Phó Chủ tịch UBND huyện"), "đinh thị lụa": k("Phó Chủ tịch UBND huyện")}


def test_second_role_group_after_semicolon_does_not_inherit_the_first() -> None:
    got = people(
        "Dự có các đồng chí Phó Chủ tịch UBND huyện: Hoàng Văn Khải, Đinh Thị Lụa; "
        "Trưởng phòng Nông nghiệp: Võ Văn Mạnh; Trưởng phòng Tư pháp huyện Cao Thị Nụ."
    )
    assert got == {
        "hoàng văn khải": k("Phó Chủ tịch UBND huyện"),
        "đinh thị lụa": k("Phó Chủ tịch UBND huyện"),
        "võ văn mạnh": k("Trưởng phòng Nông nghiệp"),
        "cao thị nụ": k("Trưởng phòng Tư pháp huyện"),
    }


def test_rank_then_comma_then_role_before_the_name() -> None:
    got = people("Phát biểu chỉ đạo, Đại tá, Phó Giám đốc Công an tỉnh Trương Văn Oanh đề nghị tăng cường tuần tra.")
    assert got == {"trương văn oanh": k("Đại tá", "Phó Giám đốc Công an tỉnh")}


def test_ranks_and_degrees_are_roles_not_name_syllables() -> None:
    got = people(
        "Trung tá Đoàn Văn Phú, Phó Trưởng Công an huyện báo cáo. "
        "PGS.TS. Lương Thị Quế - Trưởng khoa Kinh tế trình bày tham luận. "
        "Thạc sĩ Phùng Văn Rạng, giảng viên Trường Chính trị tỉnh giới thiệu chuyên đề. "
        "ThS. Tạ Thị Sen cũng tham gia thảo luận."
    )
    assert got == {
        "đoàn văn phú": k("Trung tá", "Phó Trưởng Công an huyện"),
        "lương thị quế": k("PGS.TS.", "Trưởng khoa Kinh tế"),
        "phùng văn rạng": k("Thạc sĩ", "giảng viên Trường Chính trị tỉnh"),
        "tạ thị sen": k("ThS."),
    }


def test_tt_is_thuong_truc_and_merges_with_the_spelled_out_role() -> None:
    found = extract_attendees(
        "",
        ["Đồng chí Lưu Văn Tám, Phó Chủ tịch TT UBND huyện chủ trì hội nghị."],
        ["Đồng chí Lưu Văn Tám - Phó Chủ tịch Thường trực UBND huyện phát biểu."],
    )
    assert [(a.name, a.roles, a.roles_expanded) for a in found] == [
        ("Lưu Văn Tám", ["Phó Chủ tịch TT UBND huyện"], ["Phó Chủ tịch Thường trực Ủy ban nhân dân huyện"])
    ]
    # Elsewhere "TT" stays "Trung tâm".
    assert expand_role("Giám đốc TT Y tế huyện") == "Giám đốc Trung tâm Y tế huyện"


def test_role_after_a_comma_only() -> None:
    got = people("Ông Mai Văn Ước, Chủ tịch UBND xã Kỳ Tân cho biết xã đã hoàn thành 12 tuyến đường.")
    assert got == {"mai văn ước": k("Chủ tịch UBND xã Kỳ Tân")}


def test_dc_marker_in_both_cases_and_after_cac() -> None:
    got = people(
        "Tham dự có các Đ/c: Kiều Văn Vinh - Bí thư Đảng ủy xã; đ/c Lục Thị Xuân - Chủ tịch UB MTTQ xã. "
        "Đ/c Kiều Văn Vinh kết luận hội nghị."
    )
    assert got == {"kiều văn vinh": k("Bí thư Đảng ủy xã"), "lục thị xuân": k("Chủ tịch UB MTTQ xã")}


def test_list_broken_across_lines_keeps_its_shared_role() -> None:
    # One name a line (<br> or a paragraph a line): the list goes on after ":" and ",".
    got = people(
        "Tham dự có các đồng chí Phó Chủ tịch UBND huyện:",
        "Hoàng Văn Khải,",
        "Đinh Thị Lụa;",
        "Thượng tá Ông Văn Yên - Chỉ huy trưởng Ban CHQS huyện.",
        "Hội nghị kéo dài trong một ngày.",
    )
    assert got == {
        "hoàng văn khải": k("Phó Chủ tịch UBND huyện"),
        "đinh thị lụa": k("Phó Chủ tịch UBND huyện"),
        "ông văn yên": k("Thượng tá", "Chỉ huy trưởng Ban CHQS huyện"),
    }


def test_a_finished_sentence_is_not_joined_to_the_next_paragraph() -> None:
    got = people("Dự có các đồng chí Phó Chủ tịch UBND huyện.", "Hoàng Văn Khải cho biết xã đã sẵn sàng.")
    assert got == {"hoàng văn khải": []}


# -- short references ---------------------------------------------------------------


def test_short_reference_merged_into_full_name() -> None:
    found = extract_attendees(
        "",
        [
            "Đồng chí Hồ Huy Thành, Bí thư Huyện ủy dự hội nghị.",
            "Đồng chí Thành yêu cầu các địa phương tập trung sản xuất. Ông Thành cũng lưu ý phòng dịch.",
        ],
    )
    assert [a.name for a in found] == ["Hồ Huy Thành"]


def test_short_reference_before_full_name_in_caption() -> None:
    got = people("Kết luận buổi kiểm tra, bà Vân Anh ghi nhận.", captions=("Bà Dương Thị Vân Anh kiểm tra tuyến đường.",))
    assert list(got) == ["dương thị vân anh"]


def test_foreign_name_after_honorific() -> None:
    got = people("Đại diện Công ty Formosa, ông Chen Yuan Chung - Phó Tổng Giám đốc trao quà. Ông Chung cảm ơn.")
    assert got == {"chen yuan chung": k("Phó Tổng Giám đốc")}


def test_short_reference_alone_invents_nobody() -> None:
    assert people("Ông Nam đề nghị các địa phương tiếp tục tuyên truyền.") == {}


def test_short_reference_does_not_take_a_following_role() -> None:
    got = people(
        "Ông Phạm Văn Đức phản ánh việc gây ô nhiễm. Đối với phản ánh của ông Đức, Chủ tịch UBND huyện yêu cầu tạm dừng."
    )
    assert got == {"phạm văn đức": []}


# -- lists -----------------------------------------------------------------------------


def test_award_list_after_colon() -> None:
    got = people("Các cá nhân được khen thưởng gồm: Nguyễn Văn Lương, Trần Thị Thanh Tâm, Hà Linh và Hoàng Thị Bích Ngọc.")
    assert list(got) == ["nguyễn văn lương", "trần thị thanh tâm", "hà linh", "hoàng thị bích ngọc"]


def test_list_after_honorific_without_colon() -> None:
    got = people("Ông bà Nguyễn Văn Thanh, Lê Thị Huệ ở thôn Đồng Trung bày tỏ phấn khởi.")
    assert list(got) == ["nguyễn văn thanh", "lê thị huệ"]


def test_colon_list_of_places_is_not_people() -> None:
    assert people("Đoàn đi kiểm tra các tuyến đường: Trần Phú, Nguyễn Du, Lê Duẩn.") == {}


def test_bare_names_with_roles_after_co() -> None:
    got = people("Dự hội nghị có Nguyễn Văn An - Phó Chủ tịch UBND huyện; Trần Thị Bình - Trưởng phòng Nội vụ huyện.")
    assert got == {"nguyễn văn an": k("Phó Chủ tịch UBND huyện"), "trần thị bình": k("Trưởng phòng Nội vụ huyện")}


def test_bare_name_at_clause_start_with_verb() -> None:
    got = people("Phát biểu tại hội nghị, Nguyễn Văn Hải cho biết xã đã hoàn thành kế hoạch.")
    assert got == {"nguyễn văn hải": []}


# -- not attendees --------------------------------------------------------------------


def test_historic_figure_references_are_not_attendees() -> None:
    got = people(
        "Đồng chí Lê Văn Đông đề nghị đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. "
        "Các tân binh được giao cho Bộ Tư lệnh Bảo vệ Lăng Chủ tịch Hồ Chí Minh."
    )
    assert list(got) == ["lê văn đông"]


def test_participant_sharing_a_historic_name_is_kept() -> None:
    got = people(
        "Tham dự có đồng chí Nguyễn Tất Thành, Phó Bí thư Thường trực Huyện ủy. "
        "Năm 1911, người thanh niên Nguyễn Tất Thành ra đi tìm đường cứu nước; tư tưởng Hồ Chí Minh soi đường."
    )
    assert got == {"nguyễn tất thành": k("Phó Bí thư Thường trực Huyện ủy")}


def test_commemorated_general_with_rank_is_not_an_attendee() -> None:
    got = people("Huyện tổ chức kỷ niệm 110 năm Ngày sinh Đại tướng Võ Nguyên Giáp. Đồng chí Trần Văn Mão dự.")
    assert list(got) == ["trần văn mão"]


def test_streets_schools_and_companies_named_after_people() -> None:
    got = people(
        "Đoàn viên dọn vệ sinh tuyến đường Trần Phú. Trường THPT Nguyễn Huệ tổ chức hội thi. "
        "Công ty TNHH Thương mại Hoàng Long đã trao 300 suất quà. Quỹ Khuyến học Lê Văn Thiêm trao học bổng."
    )
    assert got == {}


def test_groups_and_organisations_are_not_attendees() -> None:
    got = people("Dự có đại diện lãnh đạo các phòng, ban và UBND xã Kỳ Đồng; đồng chí Bí thư Huyện ủy cũng có mặt.")
    assert got == {}


def test_letter_read_out_and_donor_are_not_attendees() -> None:
    got = people(
        "Tại buổi lễ, ông Võ Quang Trung đọc thư của ông Nguyễn Hữu Phúc, Giám đốc một doanh nghiệp ở TP Hồ Chí Minh. "
        "Anh Trần Văn Quyết, con trai cụ Huấn, hiện sống ở TP Hà Tĩnh, đã gửi tặng 20 triệu đồng."
    )
    assert list(got) == ["võ quang trung"]


def test_decree_signed_by_is_not_an_attendee() -> None:
    got = people("Quyết định do Phó Thủ tướng Trần Hồng Hà ký được công bố. Đồng chí Lê Thị Hoa trao quyết định.")
    assert list(got) == ["lê thị hoa"]


def test_martyr_is_not_an_attendee() -> None:
    got = people("Đoàn thăm bà Nguyễn Thị Tần, vợ liệt sỹ Trần Văn Lực, ở thôn Hồ Hợp.")
    assert list(got) == ["nguyễn thị tần"]


def test_authors_are_excluded() -> None:
    got = people("Phóng viên Trà Giang phỏng vấn ông Lê Văn Tư, Chủ tịch UBND xã Kỳ Khang.", exclude=["Trà Giang"])
    assert list(got) == ["lê văn tư"]


def test_place_names_are_not_people() -> None:
    got = people("Tại xã Kỳ Tân, huyện Kỳ Anh, tỉnh Hà Tĩnh, đồng chí Võ Văn Thiện dự.")
    assert list(got) == ["võ văn thiện"]


def test_title_role_before_name() -> None:
    got = people(title="Phó Chủ tịch HĐND tỉnh Trần Tú Anh chung vui Ngày hội Đại đoàn kết tại thôn Hoà Lạc")
    assert got == {"trần tú anh": k("Phó Chủ tịch HĐND tỉnh")}


def test_order_of_first_appearance() -> None:
    found = extract_attendees(
        "Bí thư Huyện ủy Hồ Huy Thành dự lễ",
        ["Ông Lê Văn Tư phát biểu. Đồng chí Hồ Huy Thành trao quà."],
        ["Bà Phan Thị Lài nhận quà."],
    )
    assert [a.name for a in found] == ["Hồ Huy Thành", "Lê Văn Tư", "Phan Thị Lài"]


# -- robustness ---------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=5), st.text(max_size=100))
def test_hostile_text_never_raises(paragraphs: list[str], title: str) -> None:
    for a in extract_attendees(title, paragraphs, paragraphs[:1]):
        assert a.name and len(a.roles) == len(a.roles_expanded)


_ALPHABET = "Nguyễn Trần Lê Hồ Huy Thành Văn thị - – , ; : ( ) … đồng chí ông bà Bí thư Chủ tịch UBND huyện xã Kỳ Anh \u200b\x00."


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET.split(" ")) | st.sampled_from(list(_ALPHABET)), max_size=80))
def test_word_salad_never_raises(words: list[str]) -> None:
    text = " ".join(words)
    for a in extract_attendees(text, [text], [text]):
        assert "\x00" not in a.name and "\u200b" not in a.name


def test_empty_and_huge_inputs() -> None:
    assert extract_attendees("", []) == []
    assert extract_attendees("", ["", "   "], [""]) == []
    huge = "Đồng chí Nguyễn Văn An, Bí thư Huyện ủy dự. " * 20_000  # ~900 KB in one paragraph
    t0 = time.perf_counter()
    found = extract_attendees("", [huge])
    assert [a.name for a in found] == ["Nguyễn Văn An"]
    assert time.perf_counter() - t0 < 30  # bounded; the speed itself is measured by bench/


# -- the corpus ------------------------------------------------------------------------


def _score(articles: list[dict]) -> Score:
    total = Score()
    for art in articles:
        g = gold_inputs(art)
        byline = parse_byline(g["byline"])
        found = extract_attendees(g["title"], g["paragraphs"], g["captions"], exclude=byline.authors)
        total.add(art, found, byline.authors)
    return total


def test_corpus_f1_meets_acceptance() -> None:
    corpus = load_corpus()
    assert len(corpus) >= 40
    score = _score(corpus)
    msg = "\n" + score.report()
    assert score.name.f1 >= 0.97, msg
    assert score.pair.f1 >= 0.93, msg
    assert score.author.f1 >= 0.97, msg


@pytest.mark.parametrize("prefix", ["dev-", "own-"])
def test_corpus_subsets_both_pass(prefix: str) -> None:
    subset = [a for a in load_corpus() if a["id"].startswith(prefix)]
    assert len(subset) >= 8
    score = _score(subset)
    msg = "\n" + score.report()
    assert score.name.f1 >= 0.97 and score.pair.f1 >= 0.93 and score.author.f1 >= 0.97, msg


def test_every_lexicon_file_loads_and_is_listed() -> None:
    from importlib import resources

    from huyenkyanh_archive.extract.lexicon import data_lines, lexicon

    folder = resources.files("huyenkyanh_archive.extract.data")
    readme = folder.joinpath("README.md").read_text("utf-8")
    names = [p.name for p in folder.iterdir() if p.name.endswith((".txt", ".tsv"))]
    assert len(names) >= 15
    for name in names:
        assert data_lines(name), name
        assert f"`{name}`" in readme, f"{name} is not described in data/README.md"
    lex = lexicon()
    assert "nguyễn" in lex.family and ("tôn", "nữ") in lex.family2


_RANKS = ("Đại tá", "Thượng tá", "Trung tá", "Thiếu tá", "Đại úy", "Trung tướng")


def _mutate(text: str, kind: str, names: list[str]) -> str:
    """Rewrite text the way other editors of the portal write it."""
    if kind == "glued-dashes":
        return text.replace(" - ", "- ")
    if kind == "en-dashes":
        return text.replace(" - ", " – ")
    if kind == "dc":
        return text.replace("đồng chí ", "đ/c ").replace("Đồng chí ", "Đ/c ")
    if kind == "old-tones":
        return text.replace("ủy", "uỷ").replace("hòa", "hoà").replace("Hòa", "Hoà")
    if kind == "zero-width":
        for n in names:
            text = text.replace(n, n[0] + "\u200b" + n[1:])
        return text
    if kind == "lower-ranks":
        for r in _RANKS:
            text = text.replace(f", {r} ", f", {r.lower()} ").replace(f"có {r} ", f"có {r.lower()} ")
        return text
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["glued-dashes", "en-dashes", "dc", "old-tones", "zero-width", "lower-ranks"])
def test_corpus_rewritten_by_other_editors(kind: str) -> None:
    """The same articles with dashes, honorifics, tones, ranks written other ways."""
    score = Score()
    for art in load_corpus():
        names = [p["name"] for p in art["gold"]["attendees"]]
        g = gold_inputs(art)

        def m(t: str, names: list[str] = names) -> str:
            return _mutate(t, kind, names)

        gold = {
            "authors": art["gold"]["authors"],
            "attendees": [{"name": p["name"], "roles": [m(r, []) for r in p["roles"]]} for p in art["gold"]["attendees"]],
        }
        byline = parse_byline(g["byline"])
        found = extract_attendees(
            m(g["title"]), [m(p) for p in g["paragraphs"]], [m(c) for c in g["captions"]], exclude=byline.authors
        )
        score.add({"id": art["id"], "gold": gold}, found, byline.authors)
    msg = f"\n{kind}:\n{score.report()}"
    assert score.name.f1 >= 0.97 and score.pair.f1 >= 0.93, msg
