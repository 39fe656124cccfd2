"""Bylines (GOLD.md "Authors"): one test per rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.extract.bylines import parse_byline


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
