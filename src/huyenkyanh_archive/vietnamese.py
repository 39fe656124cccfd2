"""The shared Vietnamese text normaliser.

Every comparison of names, roles or search text in the project goes through
this module, so that "Huyện uỷ" and "Huyện ủy", or "Hồ Huy Thành" and
"HO HUY THANH", are the same key everywhere.

- :func:`nfc` — NFC, with the few look-alike characters pages carry folded
  (zero-width characters removed, NBSP to space).
- :func:`canon_tone` — old-style tone placement ("hoà", "uỷ") moved to the new
  style ("hòa", "ủy"), the style the annotations compare in.
- :func:`compare_key` — what GOLD.md compares: NFC, lower case, white space
  collapsed, new-style tones. Abbreviations are left as written.
- :func:`fold` — the diacritic-free search key ("Đảng ủy" -> "dang uy").
  It maps one NFC character to one character, so offsets in folded text are
  offsets in the NFC text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "nfc",
    "canon_tone",
    "compare_key",
    "fold",
    "fold_char",
    "collapse_space",
    "strip_invisible",
    "unconfuse",
]

# Characters with no visible form that editors and copy-paste leave inside
# words; a name with one of these must still match the same name without.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"),
    None,
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " ")
_WS_RE = re.compile(r"\s+")

# Tone marks (combining) used by Vietnamese.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Vowel-shape marks that are part of the letter, not the tone.
_SHAPES = {"\u0302", "\u0306", "\u031b"}

# Syllables whose tone moves between the styles: an open "oa", "oe" or "uy"
# ending the syllable. Old style marks the second vowel ("hoà"), new style
# the first ("hòa"). "qu" + y keeps the mark on y in both ("quý").
_OLD_STYLE_RE = re.compile(r"^(?P<onset>[^aeiouyăâêôơư]*?)(?P<v1>[ou])(?P<v2>[aey])$")


# Most text has none of the characters above: a search is much cheaper than
# two translate passes over every paragraph.
_ODD_CHARS_RE = re.compile("[" + "".join(map(chr, list(_INVISIBLE) + list(_SPACES))) + "]")


def strip_invisible(text: str) -> str:
    if not _ODD_CHARS_RE.search(text):
        return text
    return text.translate(_INVISIBLE).translate(_SPACES)


def nfc(text: str) -> str:
    """NFC text without invisible characters; non-breaking spaces become spaces."""
    if not text:
        return ""
    text = strip_invisible(text)
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def collapse_space(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def _canon_syllable(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tone = [c for c in decomposed if c in _TONES]
    if len(tone) != 1:
        return word
    bare = "".join(c for c in decomposed if c not in _TONES)
    bare_nfc = unicodedata.normalize("NFC", bare)
    m = _OLD_STYLE_RE.match(bare_nfc.lower())
    if not m or m.group("onset").endswith(("q", "g")) and m.group("v1") == "u":
        return word
    # Only touch the old style: the tone is on the last vowel.
    if unicodedata.normalize("NFD", word)[-1] not in _TONES:
        return word
    onset_len = len(m.group("onset"))
    chars = list(bare_nfc)
    chars[onset_len] = unicodedata.normalize("NFC", chars[onset_len] + tone[0])
    return "".join(chars)


_WORD_RE = re.compile(r"\w+")


def canon_tone(text: str) -> str:
    """Move old-style tone marks to the new style, syllable by syllable."""
    text = nfc(text)
    return _WORD_RE.sub(lambda m: _canon_syllable(m.group(0)), text)


# Cyrillic and Greek letters drawn like Latin ones. Vietnamese never mixes scripts inside a
# word, so in a word that also has Latin letters they are look-alikes (a paste from a
# Russian keyboard layout, or a spoof), and a name written with them is the same name.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕԁҮүΑΒΕΖΗΙΚΜΝΟΡΤΥΧο",
    "ABEKMHOPCTXaeopcyxijsdYyABEZHIKMNOPTYXo",
)
_CONFUSABLE_RE = re.compile("[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def unconfuse(text: str) -> str:
    """Cyrillic/Greek look-alike letters inside otherwise Latin words made Latin ("Тhаnh" -> "Thanh")."""
    if not _CONFUSABLE_RE.search(text):
        return text
    return _WORD_RE.sub(
        lambda m: m.group(0).translate(_LOOKALIKES) if _LATIN_RE.search(m.group(0)) else m.group(0), text
    )


def compare_key(text: str) -> str:
    """The key two names or roles are compared by (GOLD.md normalisation)."""
    return collapse_space(canon_tone(unconfuse(nfc(text))).lower())


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One NFC character without its diacritics, lower-cased (đ -> d)."""
    if ch in "đĐ":
        return "d"
    if ord(ch) < 128:
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0]
    if unicodedata.combining(base):
        return " "
    out = base.lower()
    return out if len(out) == 1 else ch


def fold(text: str) -> str:
    """Diacritic-free, lower-case search key; same length as ``nfc(text)``."""
    text = nfc(text)
    if text.isascii():
        return text.lower()
    return "".join(fold_char(c) for c in text)


def fold_text(text: str) -> str:
    """:func:`fold` for long texts: one translate table per text instead of a Python call
    per character (the search index folds every article's whole body)."""
    text = nfc(text)
    if text.isascii():
        return text.lower()
    return text.translate({ord(c): fold_char(c) for c in set(text)})


def fold_key(text: str) -> str:
    """Folded and white-space collapsed: a key for diacritic-insensitive lookups."""
    return collapse_space(fold(text))


__all__.append("fold_key")


# -- places named in roles -----------------------------------------------------

_UNIT = r"(?:[Xx]ã|[Pp]hường|[Tt]hị trấn|[Tt]hôn|[Xx]óm|[Tt]ổ dân phố)"
# A place name is a run of capitalised syllables (Kỳ Tân, Hoành Sơn, Tân Phú).
_PLACE_RE = re.compile(rf"(?<!\w){_UNIT}\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){{0,3}})")


@lru_cache(maxsize=16384)
def locality_of(role: str | None) -> str | None:
    """The commune-level place a role names, e.g. "xã Kỳ Tân", or None."""
    if not role:
        return None
    text = nfc(role)
    found = None
    for m in _PLACE_RE.finditer(text):
        found = m  # the last one: "Bí thư Chi bộ thôn X xã Y" is placed in Y
    if found is None:
        return None
    return " ".join(found.group(0).split())
