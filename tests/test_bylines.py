"""Bylines (GOLD.md "Authors"): one test per rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.extract.bylines import byline_shaped, parse_byline


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Trà Giang - Anh Đức", ["Trà Giang", "Anh Đức"]),
        ("Lê Hoa – Đức Tâm", ["Lê Hoa", "Đức Tâm"]),
        ("Minh Đức, Quang Huy", ["Minh Đức", "Quang Huy"]),
        ("Mai Linh; Hữu Thắng", ["Mai Linh", "Hữu Thắng"]),
        ("Hồng Nhung và Anh Tuấn", ["Hồng Nhung", "Anh Tuấn"]),
        ("Anh Đức-Trà Giang", ["Anh Đức", "Trà Giang"]),
        ("Ngọc Lan", ["Ngọc Lan"]),
        ("Nguyễn Thị Thu Hà", ["Nguyễn Thị Thu Hà"]),
    ],
)
def test_names_split_at_separators(byline: str, authors: list[str]) -> None:
    assert parse_byline(byline).authors == authors


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Thu Hà (TTVH-TT huyện)", ["Thu Hà"]),
        ("Đình Nhật (TT Dịch vụ nông nghiệp huyện)", ["Đình Nhật"]),
        ("Thanh Hà - Văn phòng Huyện ủy", ["Thanh Hà"]),
        ("Văn Chung - Ban Tuyên giáo Huyện ủy", ["Văn Chung"]),
        ("Thu Trang – Đài TT-TH huyện", ["Thu Trang"]),
        ("Ngọc Lan - Văn phòng HĐND-UBND xã Kỳ Tiến", ["Ngọc Lan"]),
        ("Trung tâm VH-TT huyện", []),
        ("Báo Hà Tĩnh", []),
    ],
)
def test_units_are_not_authors(byline: str, authors: list[str]) -> None:
    assert parse_byline(byline).authors == authors


@pytest.mark.parametrize(
    ("byline", "source"),
    [
        ("Nguồn: Báo Hà Tĩnh", "Báo Hà Tĩnh"),
        ("Theo baohatinh.vn", "baohatinh.vn"),
        ("Theo Báo Hà Tĩnh", "Báo Hà Tĩnh"),
        ("Nguồn : Cổng TTĐT Hà Tĩnh", "Cổng TTĐT Hà Tĩnh"),
    ],
)
def test_source_only_bylines(byline: str, source: str) -> None:
    got = parse_byline(byline)
    assert got.authors == [] and got.source_name == source


def test_names_then_source() -> None:
    got = parse_byline("Ngọc Lan (Nguồn: Báo Hà Tĩnh)")
    assert got.authors == ["Ngọc Lan"] and got.source_name == "Báo Hà Tĩnh"


@pytest.mark.parametrize("byline", ["BBT", "PV", "CTV", "PV - CTV", "", None, "   "])
def test_placeholders_are_not_names(byline: str | None) -> None:
    assert parse_byline(byline).authors == []


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Bài và ảnh: Trà Giang - Anh Đức", ["Trà Giang", "Anh Đức"]),
        ("Bài, ảnh: Quỳnh Chi", ["Quỳnh Chi"]),
        ("Tin, ảnh: Quang Huy (Đài TT-TH huyện)", ["Quang Huy"]),
        ("Bài: Minh Đức - Ảnh: Quang Huy", ["Minh Đức", "Quang Huy"]),
    ],
)
def test_labels_dropped_json_ld_style(byline: str, authors: list[str]) -> None:
    # A JSON-LD "author" string carries the whole byline like this.
    assert parse_byline(byline).authors == authors


def test_old_style_tones_and_nfd_input_give_nfc() -> None:
    import unicodedata

    got = parse_byline(unicodedata.normalize("NFD", "Trà Giang - Anh Đức"))
    assert got.authors == ["Trà Giang", "Anh Đức"]
    assert all(unicodedata.is_normalized("NFC", a) for a in got.authors)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_hostile_bylines_never_raise(text: str) -> None:
    got = parse_byline(text)
    assert isinstance(got.authors, list)
    assert all(a and "\x00" not in a for a in got.authors)


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("PV Thu Hà", ["Thu Hà"]),
        ("Phóng viên Trà Giang", ["Trà Giang"]),
        ("ThS. Nguyễn Văn An", ["Nguyễn Văn An"]),
        ("CTV Hoài Nam - Đài TT-TH huyện", ["Hoài Nam"]),
        ("Thu Hà-TTVH-TT", ["Thu Hà"]),
    ],
)
def test_titles_before_names_are_dropped(byline: str, authors: list[str]) -> None:
    assert parse_byline(byline).authors == authors


def test_parenthesised_source() -> None:
    got = parse_byline("(Theo Báo Hà Tĩnh)")
    assert got.authors == [] and got.source_name == "Báo Hà Tĩnh"


# -- bylines printed as a bare last paragraph (issue 11) ---------------------------------


def _bare_page(*paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<html><head><meta charset="utf-8"><title>Ra quân làm đường giao thông nông thôn</title></head><body>'
        '<div class="news-detail"><h1>Ra quân làm đường giao thông nông thôn</h1>'
        f'<div class="news-content">{body}</div></div></body></html>'
    ).encode()


_TEXT = (
    "Sáng 14/3, xã tổ chức lễ ra quân làm đường giao thông nông thôn năm nay với sự tham gia của bà con các thôn.",
    "Đồng chí Tống Văn Lâm, Chủ tịch UBND xã phát biểu giao nhiệm vụ cho các thôn.",
    "Năm nay, xã phấn đấu cứng hóa thêm 4 km đường thôn xóm trước mùa mưa bão.",
)


@pytest.mark.parametrize(
    ("last", "authors"),
    [
        ("Diệu Linh", ["Diệu Linh"]),
        ("Khánh Vy.", ["Khánh Vy"]),
        ("Bảo Ngọc – Thành Trung", ["Bảo Ngọc", "Thành Trung"]),
        ("Quế Chi, Hải Đăng và Tuệ Minh", ["Quế Chi", "Hải Đăng", "Tuệ Minh"]),
        ("Phương Thảo - Trung tâm VH-TT huyện", ["Phương Thảo"]),
    ],
)
def test_bare_last_paragraph_with_a_bylines_shape_is_the_byline(last: str, authors: list[str]) -> None:
    art = extract_article(_bare_page(*_TEXT, last), "http://example.vn/a.html")
    assert art.authors == authors
    assert art.body == "\n\n".join(_TEXT)
    assert [a.name for a in art.attendees] == ["Tống Văn Lâm"]


def test_bare_byline_followed_by_comment_form_fields() -> None:
    art = extract_article(_bare_page(*_TEXT, "Diệu Linh", "Họ và tên", "Email", "Gửi bình luận"), None)
    assert art.authors == ["Diệu Linh"]
    assert art.body == "\n\n".join(_TEXT)


@pytest.mark.parametrize(
    "last",
    [
        "Buổi lễ kết thúc lúc 11 giờ tại nhà văn hóa xã Kỳ Tân.",  # a sentence ending in a place name
        "Kỳ Tân",  # a place alone
        "Hà Tĩnh.",
        "Quế Chi, Hải Đăng, Tuệ Minh, Bảo Ngọc",  # four names: a list, not a byline
        "Văn phòng HĐND - UBND xã",  # a unit alone
        "Theo kế hoạch, công trình hoàn thành trong tháng 6.",
    ],
)
def test_bare_last_paragraph_that_is_prose_or_a_place_stays_text(last: str) -> None:
    art = extract_article(_bare_page(*_TEXT, last), None)
    assert art.authors == [] and art.byline is None
    assert art.body.endswith(last)


def test_names_after_a_list_intro_are_not_a_byline() -> None:
    art = extract_article(_bare_page(*_TEXT, "Ban tổ chức đã khen thưởng thôn dẫn đầu:", "Đông Trung"), None)
    assert art.byline is None and art.body.endswith("Đông Trung")


@pytest.mark.parametrize(
    ("text", "shaped"),
    [
        ("Diệu Linh", True),
        ("Nguyễn Thị Diệu Linh", True),
        ("Bài, ảnh: Diệu Linh", True),
        ("Nguồn: Báo Hà Tĩnh", True),
        ("Theo baohatinh.vn", True),
        ("BBT", True),
        ("Trung tâm VH-TT - Diệu Linh", False),  # a unit before the name
        ("Xã Kỳ Tân", False),
        ("DIỆU LINH", False),
        ("Theo đó", False),
        ("", False),
    ],
)
def test_byline_shape(text: str, shaped: bool) -> None:
    assert byline_shaped(text) is shaped
