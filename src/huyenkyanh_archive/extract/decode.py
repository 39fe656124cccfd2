"""Page bytes -> NFC text.

Precedence follows the HTML standard (BOM, then the HTTP charset, then a
``<meta>`` declaration), with two corrections for pages that lie about their
encoding: bytes that are valid UTF-8 with non-ASCII sequences are UTF-8
whatever the declaration says, and a page declared UTF-8 that is not falls
back to windows-1258 (the legacy Vietnamese code page) unless the damage is
a few stray bytes in otherwise UTF-8 text.

windows-1258 writes tone marks as combining characters after the base
letter; NFC composes them, so "Ha\u0300" and "Hà" are the same text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Mapping

from ..errors import ExtractError

__all__ = ["decode_html", "declared_charset", "sniff_binary"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures of formats that are sometimes served where a page was expected.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"RIFF", "a RIFF (WebP/AVI/WAV) file"),
    (b"\x00\x00\x01\x00", "an icon"),
)

_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_META_RE = re.compile(rb"<meta\b[^>]*>", re.I)
# Control bytes that never occur in text (tab, LF, FF, CR and ESC excluded).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_NOT_LEAD = bytes(range(0xC2)) + bytes(range(0xF5, 256))


def _text_codec(name: str | None) -> str | None:
    """A Python text codec for a charset label, or None for unknown/non-text labels."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    # Labels browsers map to other encodings (WHATWG encoding standard).
    label = {"iso-8859-1": "windows-1252", "latin1": "windows-1252", "ascii": "windows-1252",
             "us-ascii": "windows-1252", "x-user-defined": "windows-1252", "unicode": "utf-16"}.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # rot13, base64, zlib ... are codecs too, but not text encodings.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def declared_charset(body: bytes, headers: Mapping[str, str] | None = None) -> str | None:
    """The charset the HTTP header or else the page's own ``<meta>`` declares (a Python codec name)."""
    if headers:
        for key, value in headers.items():
            if key.lower() == "content-type" and isinstance(value, str):
                m = _HEADER_CHARSET_RE.search(value)
                if m and (codec := _text_codec(m.group(1))):
                    return codec
    head = body[:8192]
    for meta in _META_RE.finditer(head):
        declared = _CHARSET_RE.search(meta.group(0))
        if declared and (codec := _text_codec(declared.group(1).decode("ascii", "replace"))):
            # A page cannot declare UTF-16 in ASCII-compatible bytes; browsers read UTF-8.
            return "utf-8" if codec.startswith(("utf-16", "utf-32")) else codec
    return None


def sniff_binary(body: bytes) -> str | None:
    """What the bytes look like when they are clearly not a text page, else None."""
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return what
    sample = body[:4096]
    if not sample:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    # Pages with a few stray NULs are still pages; a tenth of control bytes is not text.
    if controls * 10 > len(sample):
        return "binary data"
    return None


def _utf8_is_plausible(body: bytes) -> bool:
    """Invalid UTF-8 that is still best read as UTF-8: a few bad bytes among many good sequences."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    if bad <= 0:
        return True
    # Lead bytes of multi-byte sequences, counted at C speed.
    leads = len(body) - len(body.translate(None, _NOT_LEAD))
    return bad * 20 <= max(leads - bad, 0)


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode page bytes to NFC text; ExtractError for empty or clearly binary input."""
    if not isinstance(body, bytes | bytearray | memoryview):
        raise ExtractError(f"expected page bytes, got {type(body).__name__}")
    body = bytes(body)
    if not body.strip():
        raise ExtractError("empty page")
    text: str | None = None
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom):].decode(codec, "replace")
            break
    if text is None:
        what = sniff_binary(body)
        if what:
            raise ExtractError(f"not an HTML page: the bytes are {what}")
        declared = declared_charset(body, headers)
        text = _decode_declared(body, declared)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _decode_declared(body: bytes, declared: str | None) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        # Valid UTF-8 with multi-byte sequences does not happen by chance in a
        # legacy code page: the declaration lies (or there is none).
        if declared is None or declared == "utf-8" or not body.isascii():
            return text
    if declared and declared != "utf-8":
        try:
            return body.decode(declared, "replace")
        except (LookupError, ValueError):  # pragma: no cover - codec failed after lookup
            pass
    if _utf8_is_plausible(body):
        return body.decode("utf-8", "replace")
    return body.decode("cp1258", "replace")
