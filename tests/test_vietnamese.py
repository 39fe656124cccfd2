"""The shared normaliser: NFC, tone placement, comparison keys, folding."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.vietnamese import canon_tone, collapse_space, compare_key, fold, fold_key, nfc


def test_nfc_from_decomposed_and_windows_1258_style() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Tiến Hùng")
    assert nfc(decomposed) == "Nguyễn Tiến Hùng"


def test_invisible_characters_and_nbsp() -> None:
    assert nfc("Nguy\u200bễn\u00a0Văn\ufeff A") == "Nguyễn Văn A"
    assert nfc("Hồ\u00adHuy") == "HồHuy"


def test_old_and_new_tone_placement_compare_equal() -> None:
    pairs = [("Huyện uỷ", "Huyện ủy"), ("hoà", "hòa"), ("thuỵ", "thụy"), ("khoẻ", "khỏe"), ("Hoà Lạc", "Hòa Lạc")]
    for old, new in pairs:
        assert compare_key(old) == compare_key(new)
        assert canon_tone(old) == new


def test_qu_and_gi_keep_their_tone() -> None:
    assert canon_tone("quý") == "quý"
    assert canon_tone("Quỳnh") == "Quỳnh"


def test_compare_key_lowercases_collapses_and_keeps_abbreviations() -> None:
    assert compare_key("  Chủ tịch   UBND huyện ") == "chủ tịch ubnd huyện"
    assert compare_key("UB MTTQ") != compare_key("Ủy ban MTTQ")


def test_fold_is_diacritic_free_and_length_preserving() -> None:
    assert fold("Đảng ủy Kỳ Anh") == "dang uy ky anh"
    assert fold_key("  Hồ   Huy Thành") == "ho huy thanh"
    text = "Nguyễn Thị Vân Anh"
    assert len(fold(text)) == len(nfc(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normaliser_never_raises_and_is_idempotent(text: str) -> None:
    key = compare_key(text)
    assert compare_key(key) == key
    assert unicodedata.is_normalized("NFC", nfc(text))
    assert nfc(nfc(text)) == nfc(text)
    assert len(fold(text)) == len(nfc(text))
    assert collapse_space(text) == collapse_space(collapse_space(text))
