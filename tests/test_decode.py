"""Page bytes -> NFC text: BOM, HTTP charset, <meta>, windows-1258, lying declarations, binary."""

from __future__ import annotations

import unicodedata

import pytest

from huyenkyanh_archive.errors import ExtractError
from huyenkyanh_archive.extract.decode import decode_html
from tests.support import render

TEXT = "Đồng chí Hồ Huy Thành - Bí thư Huyện ủy phát biểu tại hội nghị; Nguyễn Thị Thủy, Kỳ Đồng."


def page(charset_tag: str = "") -> str:
    return f"<html><head>{charset_tag}<title>t</title></head><body><p>{TEXT}</p></body></html>"


def test_utf8_without_declaration() -> None:
    assert TEXT in decode_html(page().encode("utf-8"))


@pytest.mark.parametrize("bom,codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_bom_wins(bom: bytes, codec: str) -> None:
    body = bom + page('<meta charset="windows-1252">').encode(codec)
    assert TEXT in decode_html(body)


def test_windows_1258_from_meta_charset_composes_tone_marks() -> None:
    body = render.to_windows_1258(page('<meta charset="windows-1258">'))
    assert "\u0300".encode("cp1258") in body  # the tone marks really are combining in the bytes
    text = decode_html(body)
    assert TEXT in text
    assert unicodedata.is_normalized("NFC", text)


def test_windows_1258_from_http_equiv() -> None:
    body = render.to_windows_1258(page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'))
    assert TEXT in decode_html(body)


def test_http_header_charset_beats_meta() -> None:
    body = render.to_windows_1258(page('<meta charset="iso-8859-2">'))
    assert TEXT in decode_html(body, {"Content-Type": "text/html; charset=windows-1258"})


def test_undeclared_windows_1258_is_recognised() -> None:
    assert TEXT in decode_html(render.to_windows_1258(page()))


def test_page_declared_utf8_but_windows_1258() -> None:
    body = render.to_windows_1258(page('<meta charset="utf-8">'))
    assert TEXT in decode_html(body, {"content-type": "text/html; charset=UTF-8"})


def test_page_declared_windows_1258_but_utf8() -> None:
    body = page('<meta charset="windows-1258">').encode("utf-8")
    assert TEXT in decode_html(body)


def test_a_few_bad_bytes_in_utf8_do_not_garble_the_page() -> None:
    body = page('<meta charset="utf-8">').encode("utf-8")
    body = body.replace(b"<title>t", b"<title>\xff\xfe")
    assert TEXT in decode_html(body)


@pytest.mark.parametrize("label", ["rot13", "base64", "no-such-charset", "utf-16", "x-user-defined"])
def test_odd_charset_labels(label: str) -> None:
    assert TEXT in decode_html(page(f'<meta charset="{label}">').encode("utf-8"))


def test_nul_bytes_are_dropped() -> None:
    body = page().encode("utf-8").replace(b"<p>", b"<p>\x00")
    assert "\x00" not in decode_html(body)


@pytest.mark.parametrize("body", [b"", b"   \r\n\t "])
def test_empty(body: bytes) -> None:
    with pytest.raises(ExtractError, match="empty"):
        decode_html(body)


@pytest.mark.parametrize(
    "body,what",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
        (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)), "gzip"),
        (bytes(range(256)) * 16, "binary"),
    ],
)
def test_binary_is_rejected_with_a_reason(body: bytes, what: str) -> None:
    with pytest.raises(ExtractError, match=what):
        decode_html(body)
