"""Role abbreviations spelled out (roles_expanded)."""

from __future__ import annotations

import pytest

from huyenkyanh_archive.extract.roles import abbreviations, expand_role


@pytest.mark.parametrize(
    ("role", "expanded"),
    [
        ("Chủ tịch UBND huyện", "Chủ tịch Ủy ban nhân dân huyện"),
        ("Phó Chủ tịch HĐND tỉnh", "Phó Chủ tịch Hội đồng nhân dân tỉnh"),
        ("UVBTV Huyện ủy", "Ủy viên Ban Thường vụ Huyện ủy"),
        ("Chủ tịch UB MTTQ huyện", "Chủ tịch Ủy ban Mặt trận Tổ quốc huyện"),
        ("Phó Chủ tịch Ủy ban MTTQ tỉnh", "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("ĐBQH", "Đại biểu Quốc hội"),
        ("TUV", "Tỉnh ủy viên"),
        ("Ủy viên BCH Trung ương Đảng", "Ủy viên Ban Chấp hành Trung ương Đảng"),
        ("các đồng chí trong BTV Huyện ủy", "các đồng chí trong Ban Thường vụ Huyện ủy"),
        ("Chủ tịch Hội CCB xã", "Chủ tịch Hội Cựu chiến binh xã"),
        ("Phó Giám đốc TTVH-TT huyện", "Phó Giám đốc Trung tâm Văn hóa - Truyền thông huyện"),
        ("Chỉ huy trưởng Ban CHQS huyện", "Chỉ huy trưởng Ban Chỉ huy Quân sự huyện"),
        ("Trưởng phòng GD&ĐT huyện", "Trưởng phòng Giáo dục và Đào tạo huyện"),
        ("TS.", "Tiến sĩ"),
    ],
)
def test_abbreviations_spelled_out(role: str, expanded: str) -> None:
    assert expand_role(role) == expanded


def test_words_are_not_touched_inside_other_words() -> None:
    # "TT" alone is "Trung tâm", but not inside "TTVH-TT" or a word like "TTƯT".
    assert expand_role("Giám đốc TT Y tế huyện") == "Giám đốc Trung tâm Y tế huyện"
    assert expand_role("Bí thư Huyện ủy") == "Bí thư Huyện ủy"
    assert expand_role("Trưởng phòng Tài chính - Kế hoạch huyện") == "Trưởng phòng Tài chính - Kế hoạch huyện"


def test_every_table_entry_expands_alone() -> None:
    table = abbreviations()
    assert len(table) > 40
    for abbr, full in table.items():
        assert expand_role(abbr) == full


def test_empty_role() -> None:
    assert expand_role("") == ""
