"""Bylines: authors and source names (GOLD.md "Authors").

- names are split at " - ", "–", ",", ";" and " và "; "(unit)" suffixes go;
- a part that names a unit or an organisation ("Văn phòng Huyện ủy",
  "Trung tâm VH-TT huyện", "Báo Hà Tĩnh") is not an author;
- "Nguồn: Báo Hà Tĩnh" / "Theo baohatinh.vn" name a source: no author,
  ``source_name`` is "Báo Hà Tĩnh" / "baohatinh.vn";
- "BBT", "PV", "CTV" alone are not names;
- labels ("Bài và ảnh:", "Tin, ảnh:") before the names are dropped, so a
  JSON-LD ``author`` string holding the whole byline parses the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..vietnamese import collapse_space, compare_key, nfc
from .lexicon import data_lines, lexicon, phrase_keys, syllable_key

__all__ = ["Byline", "parse_byline", "byline_shaped"]

_MAX_BYLINE = 400  # a longer "byline" is not one: page clutter
_PAREN_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# " - ", "–", "—" (any spacing), a hyphen with space on at least one side,
# ",", ";", "/", "|", " và ", " & ".
_SPLIT_RE = re.compile(r"\s*[–—;,|/]\s*|\s+-\s*|\s*-\s+|\s+(?:và|&)\s+", re.IGNORECASE)
_NOT_NAMES = frozenset(
    compare_key(x)
    for x in (
        "BBT", "PV", "CTV", "PV-CTV", "PV - CTV", "Ban Biên tập", "Phóng viên", "Cộng tác viên",
        "Nhóm PV", "Nhóm phóng viên", "Admin", "Quản trị", "Biên tập viên", "BTV", "TH", "Tổng hợp",
        "Ảnh", "Bài", "Video", "Nhóm tác giả", "Ban biên tập", "Nhiều tác giả",
    )
)
_EMAILISH = re.compile(r"@|https?://|www\.|\.(?:vn|com|net|org)\b", re.IGNORECASE)


@dataclass(slots=True)
class Byline:
    authors: list[str] = field(default_factory=list)
    source_name: str | None = None


@lru_cache(maxsize=1)
def _tables() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    def alts(name: str) -> str:
        items = sorted({nfc(x) for x in data_lines(name)}, key=len, reverse=True)
        return "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in items)

    prefix = re.compile(rf"^\s*(?:{alts('byline_prefixes.txt')})\s*:\s*", re.IGNORECASE)
    source = re.compile(rf"^\s*(?:{alts('byline_sources.txt')})\s*(?::\s*|\s+)(?P<src>.+)$", re.IGNORECASE | re.S)
    unit = re.compile(rf"(?<!\w)(?:{alts('byline_units.txt')})(?!\w)", re.IGNORECASE)
    return prefix, source, unit


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern[str]:
    """Leading "PV", "CTV", "Phóng viên" or a title ("ThS.") before a name."""
    items = {nfc(x) for x in data_lines("ranks.txt")} | {"PV", "CTV", "BTV", "Phóng viên", "Cộng tác viên", "Nhà báo"}
    alts = "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in sorted(items, key=len, reverse=True))
    return re.compile(rf"^(?:(?:{alts})(?:\s+|(?<=\.)))+(?=\S)")


def _strip_titles(part: str) -> str:
    return _title_re().sub("", part).strip()


def _is_person_name(part: str, unit_re: re.Pattern[str]) -> bool:
    if not part or compare_key(part) in _NOT_NAMES:
        return False
    if _EMAILISH.search(part) or unit_re.search(part):
        return False
    words = part.split()
    if not 1 <= len(words) <= 5:
        return False
    # Names are capitalised letters: "Trà Giang", "Anh Đức", "Thu Hà".
    for w in words:
        w = w.strip(".")
        if not w or not w[0].isupper() or not w.replace("'", "").isalpha():
            return False
    return not (len(words) == 1 and words[0].isupper() and len(words[0]) <= 4)


def parse_byline(text: str | None) -> Byline:
    """"Trà Giang - Anh Đức" -> authors ["Trà Giang", "Anh Đức"]; "Nguồn: Báo Hà Tĩnh" -> source."""
    if not text:
        return Byline()
    raw = collapse_space(nfc(str(text)))
    if not raw or len(raw) > _MAX_BYLINE:
        return Byline()
    prefix_re, source_re, unit_re = _tables()
    raw = raw.strip(" .:-–—")
    if raw.startswith(("(", "[")) and raw.endswith((")", "]")):
        raw = raw[1:-1].strip(" .:-–—")  # "(Theo Báo Hà Tĩnh)"
    m = source_re.match(raw)
    if m:
        src = collapse_space(m.group("src")).strip(" .:-–—()")
        return Byline(authors=[], source_name=src or None)
    # A trailing "(Nguồn: …)" or " - Theo …" after names.
    source_name = None
    tail = re.search(r"[(\[]?\s*(?:Nguồn|Theo)\s*:?\s+([^()\[\]]+?)\s*[)\]]?$", raw)
    if tail and tail.start() > 0:
        source_name = tail.group(1).strip(" .") or None
        raw = raw[: tail.start()].strip(" -–—,;")
    prev = None
    while prev != raw:  # "Bài và ảnh: Tin, ảnh: …"
        prev = raw
        raw = prefix_re.sub("", raw, count=1)
    raw = _PAREN_RE.sub(" ", raw)
    authors: list[str] = []
    seen: set[str] = set()
    for part in _SPLIT_RE.split(raw):
        part = collapse_space(part).strip(" .:-–—*\"'“”")
        if ":" in part:  # "Ảnh: Quang Huy" inside a list
            part = part.rsplit(":", 1)[1].strip()
        pieces = [part]
        if "-" in part and not _is_person_name(part, unit_re):
            # "Anh Đức-Trà Giang": a hyphen glued between two names.
            pieces = [x.strip() for x in part.split("-")]
        for piece in pieces:
            piece = _strip_titles(piece)
            if not _is_person_name(piece, unit_re):
                continue
            key = compare_key(piece)
            if key not in seen:
                seen.add(key)
                authors.append(piece)
    return Byline(authors=authors, source_name=source_name)


# What may join the names of a plain byline: " - ", " – ", "," and "và".
_PLAIN_JOIN_RE = re.compile(r"\s+[-–—]\s+|\s*[–—,;]\s*|\s+và\s+")
# Bylines that name no person but still end the article: staff signatures and sources.
_STAFF_ALONE = frozenset(compare_key(x) for x in ("BBT", "PV", "CTV", "PV-CTV", "Ban Biên tập", "Nhóm PV"))
_SOURCE_NAME_RE = re.compile(r"^(?:[\w-]+\.)+(?:vn|com|net|org)(?:/\S*)?$|^(?:[^\W\d_][^\W_]*(?:[\s-]+|$)){1,6}$")
_MAX_PLAIN_BYLINE = 80


@lru_cache(maxsize=1)
def _place_keys() -> frozenset[tuple[str, ...]]:
    """Gazetteer places and administrative levels ("xã", "thành phố"): what a place
    printed alone starts with."""
    lex = lexicon()
    return frozenset(tuple(keys) for idx in (lex.gazetteer, lex.levels) for keys in idx.payload if keys)


def _name_shaped(part: str) -> bool:
    """Two to four capitalised syllables, not a place: "Minh Thư", "Nguyễn Thị Hồng Nhung"."""
    words = part.split()
    if not 2 <= len(words) <= 4:
        return False
    for w in words:
        if not (w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower())):
            return False
    keys = tuple(syllable_key(w) for w in words)
    # "Kỳ Tân", "Hà Tĩnh", "Xã Kỳ Tân": a place printed alone is no byline.
    return not any(keys[: len(p)] == p for p in _place_keys())


def byline_shaped(text: str) -> bool:
    """A paragraph with nothing but a byline's shape, for pages that mark none.

    One to three names (two to four capitalised syllables each) joined by
    " - ", " – ", "," or "và", optionally followed by the unit they write for
    ("Hồng Nhung - Trung tâm VH-TT"), with an optional full stop. Any lower-case
    word outside a unit, a place printed alone or more than three names makes it
    prose, not a byline: the test is meant to miss rather than eat a sentence.
    """
    raw = collapse_space(nfc(text or ""))
    if not raw or len(raw) > _MAX_PLAIN_BYLINE:
        return False
    raw = raw[:-1] if raw.endswith(".") and not raw.endswith("..") else raw
    prefix_re, source_re, unit_re = _tables()
    if compare_key(raw) in _STAFF_ALONE:
        return True
    m = source_re.match(raw)
    if m:
        # "Nguồn: Báo Hà Tĩnh", "Theo baohatinh.vn"; not "Theo kế hoạch, …".
        src = m.group("src").strip()
        return bool(_SOURCE_NAME_RE.match(src)) and (src[:1].isupper() or "." in src)
    raw = prefix_re.sub("", raw, count=1)
    raw = _PAREN_RE.sub(" ", raw).strip()
    parts = [p.strip() for p in _PLAIN_JOIN_RE.split(raw)]
    names = 0
    for i, part in enumerate(parts):
        if _name_shaped(part) and compare_key(part) not in _NOT_NAMES:
            if i > names:
                return False  # a name after a unit: "Trung tâm VH-TT - Minh Thư" is not the shape
            names += 1
        elif not (i and unit_re.search(part) and len(phrase_keys(part)) <= 8):
            return False
    return 1 <= names <= 3
