"""Offices as entities: a written role read as (position, organ, level, locality).

``read_role("Phó Chủ tịch TT UBND huyện")`` gives an office reading with
position "Phó Chủ tịch Thường trực", organ "UBND", level "huyện", locality
"Kỳ Anh" (the portal's own district, implied where the text says just
"huyện"), the key ``"phó chủ tịch thường trực|ubnd|huyện|kỳ anh"`` and the
label "Phó Chủ tịch Thường trực UBND huyện Kỳ Anh". Every written form of one
office gets the same key; different offices ("Phó Bí thư" and "Phó Bí thư
Thường trực") get different ones.

How a role is read, in order (each step is recorded in ``RoleReading.why``):

1. Prefixes (``office_prefixes.tsv``): "nguyên"/"cựu" mark a former office,
   "quyền" an acting one; neither changes the key.
2. A role that is only a rank or title (``office_ranks.tsv``) is kind ``rank``.
3. The head (``office_positions.tsv``, then any head of ``role_heads.txt``):
   the longest form at the start gives the canonical position and the kind
   (office, membership, delegate); "Phó" before a known head gives "Phó" + it.
   No head: kind ``other``, keyed by the expanded text.
4. The rest is spelled out (``abbreviations.tsv`` + ``office_abbreviations.tsv``),
   a trailing qualifier cut off (``office_qualifiers.txt``: "nhiệm kỳ …"),
   organ names replaced by their canonical short names (``office_organs.tsv``),
   and the last administrative level (``office_levels.tsv``) with the place
   after it peeled off the end; a place is taken from ``gazetteer.txt`` where
   it is listed there. With no level written, an organ of a fixed level
   ("Huyện ủy") gives it.

Keys are built only through :func:`~huyenkyanh_archive.vietnamese.compare_key`,
so case, tone placement ("uỷ"/"ủy") and Unicode forms never split an office.
Readings are cached per distinct written role: this runs for every attendee
role at write time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Generic, TypeVar

from ..vietnamese import canon_tone, collapse_space, compare_key, nfc, unconfuse
from .lexicon import data_lines, tokenize_spans
from .roles import abbreviations


@dataclass(frozen=True, slots=True)
class Token:
    """A token with where it is: the office reader cuts the written role at token edges."""

    text: str
    key: str
    is_word: bool
    is_cap: bool
    is_upper: bool
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    words, starts, ends = tokenize_spans(text)
    return [
        Token(w.text, w.key, w.is_word, w.is_cap, w.is_upper, a, b)
        for w, a, b in zip(words, starts, ends, strict=True)
    ]


__all__ = [
    "KINDS",
    "RoleReading",
    "read_role",
    "rules",
    "SourcedReading",
    "read_person_roles",
    "read_roles",
    "same_office",
    "split_role",
]

KINDS = ("office", "rank", "membership", "delegate", "other")
HOME_DISTRICT = "Kỳ Anh"
HOME_PROVINCE = "Hà Tĩnh"


@dataclass(frozen=True, slots=True)
class RoleReading:
    """One written role read as an office (or a rank, membership, delegate status)."""

    text: str  # the role as written, NFC
    kind: str  # one of KINDS
    position: str | None  # canonical: "Phó Chủ tịch Thường trực"
    organ: str | None  # canonical short name: "UBND", "Huyện ủy", "Phòng Tài chính - Kế hoạch"
    level: str | None  # "tỉnh", "huyện", "xã", "thôn", …
    locality: str | None  # canonical place name: "Kỳ Anh", "Kỳ Tân"
    key: str  # one string per office: "phó chủ tịch thường trực|ubnd|huyện|kỳ anh"
    label: str  # readable: "Phó Chủ tịch Thường trực UBND huyện Kỳ Anh"
    former: bool = False  # "nguyên Chủ tịch …": the person held it before
    acting: bool = False  # "Quyền Chủ tịch …"
    why: tuple[str, ...] = ()  # how it was read, step by step (for --why)


# ---------------------------------------------------------------- the rules

T = TypeVar("T")


class _Phrases(Generic[T]):
    """Longest match of token-key phrases, each with a payload."""

    __slots__ = ("_by_first",)

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}

    def add(self, keys: tuple[str, ...], payload: T) -> None:
        if not keys:
            return
        bucket = self._by_first.setdefault(keys[0], [])
        if any(k == keys for k, _ in bucket):
            return  # the first entry of a form wins
        bucket.append((keys, payload))
        bucket.sort(key=lambda e: len(e[0]), reverse=True)

    def match(self, tokens: Sequence[Token], i: int) -> tuple[int, T] | None:
        if i >= len(tokens):
            return None
        bucket = self._by_first.get(tokens[i].key)
        if not bucket:
            return None
        n = len(tokens)
        for keys, payload in bucket:
            k = len(keys)
            if i + k <= n and all(tokens[i + j].key == keys[j] for j in range(1, k)):
                return k, payload
        return None


@dataclass(frozen=True, slots=True)
class _Head:
    form: str
    position: str
    kind: str
    unit: str | None = None
    organ: str | None = None
    level: str | None = None
    party: bool = False


@dataclass(frozen=True, slots=True)
class _Organ:
    name: str
    level: str | None = None
    fixed: bool = False


@dataclass(frozen=True, slots=True)
class _Level:
    name: str
    home: str | None = None  # "district" | "province"
    party: str | None = None


@dataclass(frozen=True, slots=True)
class _Rules:
    heads: _Phrases[_Head]
    fallback_heads: _Phrases[_Head]
    organs: _Phrases[_Organ]
    organ_by_key: dict[str, _Organ]
    levels: _Phrases[_Level]
    level_by_key: dict[str, _Level]
    not_levels: _Phrases[bool]
    ranks: dict[str, str]
    rank_first: frozenset[str]  # first token keys of rank forms: a cheap test before the full one
    prefixes: dict[str, str]
    qualifiers: _Phrases[bool]
    separators: _Phrases[bool]
    places: _Phrases[str]
    place_levels: dict[str, str]
    party_positions: frozenset[str]
    abbreviations: dict[str, str]
    abbreviation_re: re.Pattern[str]


# Positions, organs, levels and places take few distinct values: their keys are cached.
_key = lru_cache(maxsize=16384)(compare_key)


@lru_cache(maxsize=4096)
def _keys(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(text))


def _options(fields: Sequence[str]) -> dict[str, str]:
    """The option fields of a data line: ``key=value`` or a bare flag, one a field."""
    out: dict[str, str] = {}
    for field in fields:
        name, _, value = field.partition("=")
        if name.strip():
            out[name.strip()] = value.strip()
    return out


def _tsv(name: str, fields: int) -> list[list[str]]:
    """Rows of a tab-separated rule file, each with at least ``fields`` non-empty fields."""
    rows = []
    for line in data_lines(name):
        row = [nfc(f.strip()) for f in line.split("\t")]
        if len(row) < fields or not all(row[:fields]):
            raise ValueError(f"extract/data/{name}: {line!r} needs {fields} tab-separated fields")
        rows.append(row)
    return rows


def _rank_key(text: str) -> str:
    """Ranks compare without dots and commas: "GS.TS." = "GS. TS" = "GS.TS"."""
    return compare_key(re.sub(r"[.,]", " ", text))


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The rule files, loaded once; a malformed line is a ``ValueError`` naming it."""
    table = dict(abbreviations())
    for abbr, full, *_ in _tsv("office_abbreviations.tsv", 2):
        table[abbr] = full
    alts = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    abbreviation_re = re.compile(rf"(?<![\w&-])(?:{alts})(?![\w&]|-\w)")

    def spelled(text: str) -> str:
        return collapse_space(abbreviation_re.sub(lambda m: table[m.group(0)], text))

    heads: _Phrases[_Head] = _Phrases()
    party_positions = set()
    for form, position, kind, *rest in _tsv("office_positions.tsv", 3):
        if kind not in KINDS:
            raise ValueError(f"extract/data/office_positions.tsv: {form!r} has kind {kind!r}, not one of {KINDS}")
        opts = _options(rest)
        head = _Head(form, position, kind, opts.get("unit"), opts.get("organ"), opts.get("level"), "party" in opts)
        heads.add(_keys(form), head)
        if head.party:
            party_positions.add(compare_key(position))
    fallback: _Phrases[_Head] = _Phrases()
    for line in data_lines("role_heads.txt"):
        form = canon_tone(nfc(line.rstrip("*").strip()))
        fallback.add(_keys(form), _Head(form, form, "office"))

    organs: _Phrases[_Organ] = _Phrases()
    organ_by_key: dict[str, _Organ] = {}
    for name, forms, *rest in _tsv("office_organs.tsv", 2):
        opts = _options(rest)
        organ = _Organ(name, opts.get("level"), "fixed" in opts)
        organ_by_key[compare_key(name)] = organ
        for form in [name, *forms.split("|")]:
            organs.add(_keys(spelled(form)), organ)

    levels: _Phrases[_Level] = _Phrases()
    level_by_key: dict[str, _Level] = {}
    for name, forms, *rest in _tsv("office_levels.tsv", 2):
        opts = _options(rest)
        level = _Level(name, opts.get("home"), opts.get("party"))
        level_by_key[compare_key(name)] = level
        for form in [name, *forms.split("|")]:
            levels.add(_keys(spelled(form)), level)

    ranks: dict[str, str] = {}
    rank_tokens = []
    for name, forms, *_ in _tsv("office_ranks.tsv", 2):
        for form in [name, *forms.split("|")]:
            ranks[_rank_key(form)] = name
            rank_tokens.append(_keys(form))

    def phrases(name: str) -> _Phrases[bool]:
        out: _Phrases[bool] = _Phrases()
        for line in data_lines(name):
            out.add(_keys(nfc(line)), True)
        return out

    places: _Phrases[str] = _Phrases()
    for line in [*data_lines("gazetteer.txt"), *(f[0] for f in _tsv("office_places.tsv", 2))]:
        place = canon_tone(nfc(line))
        places.add(_keys(place), place)

    return _Rules(
        heads=heads,
        fallback_heads=fallback,
        organs=organs,
        organ_by_key=organ_by_key,
        levels=levels,
        level_by_key=level_by_key,
        not_levels=phrases("office_not_levels.txt"),
        ranks=ranks,
        rank_first=frozenset(k[0] for k in rank_tokens if k),
        prefixes={compare_key(p): meaning for p, meaning, *_ in _tsv("office_prefixes.tsv", 2)},
        qualifiers=phrases("office_qualifiers.txt"),
        separators=phrases("office_separators.txt"),
        places=places,
        place_levels={compare_key(p): level for p, level, *_ in _tsv("office_places.tsv", 2)},
        party_positions=frozenset(party_positions),
        abbreviations=table,
        abbreviation_re=abbreviation_re,
    )


# ---------------------------------------------------------------- reading

_EDGE_PUNCT = " \t,;:-–—/\\|\"'“”‘’()[]{}<>"
_DASH_RE = re.compile(r"\s*[-–—]\s*")
_DOT_RE = re.compile(r"(?<=\w)\.(?=\s|$)")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_MAX_PLACE = 4  # syllables of a place name ("Kỳ Anh", "Thạch Hà", "Hồ Chí Minh")


def _spell_out(text: str, why: list[str]) -> str:
    r = rules()
    seen: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        seen.setdefault(m.group(0), r.abbreviations[m.group(0)])
        return r.abbreviations[m.group(0)]

    out = collapse_space(r.abbreviation_re.sub(sub, text))
    why.extend(f"expanded {a!r} -> {full!r}" for a, full in seen.items())
    return out


def _match_head(tokens: Sequence[Token], i: int) -> tuple[int, _Head] | None:
    r = rules()
    own = r.heads.match(tokens, i)
    # "Phó" before a known head: "Phó Trung đoàn trưởng" = Phó + "Trung đoàn trưởng".
    if i < len(tokens) and tokens[i].key == "phó":
        inner = r.heads.match(tokens, i + 1)
        if inner and inner[1].kind == "office" and not inner[1].position.lower().startswith("phó"):
            if own is None or inner[0] + 1 > own[0]:
                n, h = inner
                return n + 1, replace(h, form="Phó " + h.form, position="Phó " + h.position)
    if own:
        return own
    return r.fallback_heads.match(tokens, i)


def _place(tokens: Sequence[Token], k: int) -> tuple[int, str, bool] | None:
    """The place name starting at token ``k``: (tokens used, canonical name, from the gazetteer)."""
    r = rules()
    if k >= len(tokens):
        return None
    hit = r.places.match(tokens, k)
    if hit:
        return hit[0], hit[1], True
    if tokens[k].text.isdigit():
        return 1, tokens[k].text, False
    n = 0
    while k + n < len(tokens) and n < _MAX_PLACE and tokens[k + n].is_word and tokens[k + n].is_cap:
        n += 1
    if not n:
        return None
    words = [canon_tone(t.text) for t in tokens[k : k + n]]
    return n, " ".join(w[:1].upper() + w[1:].lower() for w in words), False


@dataclass(slots=True)
class _Parts:
    organ: str | None = None
    organ_level: _Organ | None = None  # the organ that gave the level, if one did
    level: str | None = None
    locality: str | None = None
    level_from_head: bool = False


def _organ_text(text: str, spans: list[tuple[int, int, str]], start: int, end: int) -> str:
    """``text[start:end]`` with each organ span replaced by its canonical name."""
    out, pos = [], start
    for s, e, name in spans:
        if s >= start and e <= end:
            out.append(text[pos:s])
            out.append(name)
            pos = e
    out.append(text[pos:end])
    organ = _DASH_RE.sub(" - ", collapse_space("".join(out)))
    organ = organ.strip(_EDGE_PUNCT + ".")
    if organ.lower().endswith(" của"):
        organ = organ[:-4]
    return organ[:1].upper() + organ[1:]


def _read_rest(rest: str, head: _Head, why: list[str], home_district: str | None, home_province: str | None) -> _Parts:
    """Organ, level and locality of the text after the head."""
    r = rules()
    parts = _Parts()
    if head.unit:
        # "Trưởng phòng Tài chính" = "Trưởng" of "Phòng Tài chính"; unless the
        # text names the unit again ("Trưởng đoàn Đoàn ĐBQH").
        tokens = tokenize(rest)
        unit = _keys(head.unit)
        if tuple(t.key for t in tokens[: len(unit)]) != unit:
            rest = f"{head.unit} {rest}".strip()
            tokens = tokenize(rest)
    else:
        tokens = tokenize(rest)
    cut = len(tokens)
    for k in range(len(tokens)):
        # A qualifier is written in lower case: "nhiệm kỳ 2021-2026", not "Trường Năm Căn".
        if k and not tokens[k].is_cap and r.qualifiers.match(tokens, k):
            cut = k
            why.append(f"qualifier {rest[tokens[k].start :]!r} left out of the key")
            break
    tokens = tokens[:cut]
    end_char = tokens[-1].end if tokens else 0
    organ_spans: list[tuple[int, int, str]] = []
    organ_hits: list[tuple[int, int, _Organ]] = []  # (first token, past last token, organ)
    level_hit: tuple[int, int, _Level] | None = None
    k = 0
    organ_start = 0
    if head.level:  # "Trưởng thôn Tân Phú": the place follows the head
        parts.level, parts.level_from_head = head.level, True
        place = _place(tokens, 0)
        if place:
            parts.locality = place[1]
            why.append(f"place {place[1]!r} after {head.form!r}")
            k = place[0]
            organ_start = tokens[k].start if k < len(tokens) else len(rest)
    while k < len(tokens):
        skip = r.not_levels.match(tokens, k)
        if skip:
            k += skip[0]
            continue
        org = r.organs.match(tokens, k)
        lev = r.levels.match(tokens, k)
        if org and (not lev or org[0] >= lev[0]):
            n, organ = org
            organ_spans.append((tokens[k].start, tokens[k + n - 1].end, organ.name))
            organ_hits.append((k, k + n, organ))
            written = rest[tokens[k].start : tokens[k + n - 1].end]
            if _key(written) != _key(organ.name):
                why.append(f"organ {written!r} -> {organ.name!r}")
            k += n
            continue
        if lev and not parts.level_from_head:
            n, level = lev
            nxt = k + n
            if nxt == len(tokens) or (tokens[nxt].is_word and tokens[nxt].is_cap) or tokens[nxt].text.isdigit():
                level_hit = (k, nxt, level)
            k += n
            continue
        k += 1

    organ_end = end_char
    fixed = next((o for _, _, o in reversed(organ_hits) if o.fixed), None)
    if level_hit and fixed is None:
        k0, k1, level = level_hit
        parts.level = level.name
        why.append(f"level {level.name!r}")
        organ_end = tokens[k0].start
        place = _place(tokens, k1)
        if place:
            parts.locality = place[1]
            why.append(f"place {place[1]!r}" + (" (gazetteer)" if place[2] else ""))
            after = k1 + place[0]
            if after < len(tokens):
                why.append(f"text after the place left out of the key: {rest[tokens[after].start : end_char]!r}")
    elif not parts.level_from_head:
        with_level = [(a, b, o) for a, b, o in organ_hits if o.level]
        if with_level:
            _, b, organ = with_level[-1]
            parts.level, parts.organ_level = organ.level, organ
            why.append(f"level {organ.level!r} from the organ {organ.name!r}")
            if level_hit and fixed is not None:
                why.append(f"level {level_hit[2].name!r} written after {fixed.name!r} does not change it")
            place = _place(tokens, b)
            if place:
                parts.locality = place[1]
                why.append(f"place {place[1]!r}" + (" (gazetteer)" if place[2] else ""))
                if place[0] + b == len(tokens):
                    organ_end = tokens[b].start
        elif organ_hits:
            # "Bí thư Đảng ủy Kỳ Tân": a place of known level right after an organ.
            _, b, organ = organ_hits[-1]
            place = _place(tokens, b)
            level_name = r.place_levels.get(_key(place[1])) if place else None
            if place and level_name and b + place[0] == len(tokens):
                parts.level, parts.locality = level_name, place[1]
                organ_end = tokens[b].start
                why.append(f"place {place[1]!r} after {organ.name!r}: a {level_name} (office_places.tsv)")
    parts.organ = _organ_text(rest, organ_spans, organ_start, max(organ_start, organ_end)) or None

    if parts.locality is None:
        parts.locality = _home(parts.level, why, home_district, home_province)
    return parts


def _home(level: str | None, why: list[str], home_district: str | None, home_province: str | None) -> str | None:
    """The portal's own district or province, for a level written without a place."""
    rule = rules().level_by_key.get(_key(level or ""))
    if not rule or not rule.home:
        return None
    home = home_district if rule.home == "district" else home_province
    if not home:
        return None
    why.append(f"no place named at the level {level!r}: the portal's own {rule.home}, {home}")
    return nfc(home)


def _organ_has_level(organ: str | None, level: str | None) -> bool:
    """Whether the organ's name already says the level ("Huyện ủy" is at "huyện")."""
    rule = rules().organ_by_key.get(_key(organ or ""))
    return bool(rule and rule.level and level and _key(rule.level) == _key(level))


def _assemble(
    text: str,
    kind: str,
    position: str | None,
    organ: str | None,
    level: str | None,
    locality: str | None,
    *,
    level_shown: bool,
    former: bool,
    acting: bool,
    why: Sequence[str],
) -> RoleReading:
    fields = (position, organ, level, locality)
    key = "|".join(_key(f or "").replace("|", "/") for f in fields)
    words = [position, organ, level if level_shown else None, locality]
    label = " ".join(w for w in words if w)
    return RoleReading(text, kind, position, organ, level, locality, key, label, former, acting, tuple(why))


def _other(text: str, expanded: str, why: list[str], former: bool, acting: bool) -> RoleReading:
    why.append("no known head: kind 'other', keyed by the spelled-out text")
    key = compare_key(expanded).replace("|", "/")
    return RoleReading(text, "other", None, None, None, None, key, expanded, former, acting, tuple(why))


def _clean(role: str) -> str:
    """NFC text to read: control and bidi characters are spaces, full-width letters plain."""
    text = _CONTROL_RE.sub(" ", role)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # "ＵＢＮＤ" -> "UBND"; Vietnamese is unchanged
    return collapse_space(unconfuse(nfc(text)))


@lru_cache(maxsize=65536)
def _read(role: str, home_district: str | None, home_province: str | None) -> RoleReading:
    text = _clean(role)
    pieces = split_role(text)
    if len(pieces) < 2:
        return _read_one(text, [], home_district, home_province)
    note = f"the text holds {len(pieces)} roles ({' | '.join(pieces)}): this is the first; read_roles reads them all"
    return replace(_read_one(pieces[0], [note], home_district, home_province), text=text)


def _read_one(text: str, why: list[str], home_district: str | None, home_province: str | None) -> RoleReading:
    r = rules()
    body = text.strip(_EDGE_PUNCT)
    tokens = tokenize(body)
    former = acting = False
    i = 0
    while i + 1 < len(tokens) and tokens[i].is_word and tokens[i].key in r.prefixes:
        meaning = r.prefixes[tokens[i].key]
        former = former or meaning == "former"
        acting = acting or meaning == "acting"
        why.append(f"{tokens[i].text!r}: " + {"former": "a former office", "acting": "acting"}.get(meaning, "dropped"))
        i += 1
    start = tokens[i].start if i else 0
    rank = r.ranks.get(_rank_key(body[start:]))
    if rank:
        why.append(f"rank or title {body[start:]!r} -> {rank!r}")
        return _assemble(text, "rank", rank, None, None, None, level_shown=False, former=former, acting=acting, why=why)

    hit = _match_head(tokens, i)
    if hit is None:
        return _other(text, _spell_out(body[start:], why), why, former, acting)
    n, head = hit
    n += i  # tokens used by the prefixes and the head
    why.append(f"head {body[start : tokens[n - 1].end]!r} -> position {head.position!r} ({head.kind})")
    rest = body[tokens[n].start :] if n < len(tokens) else ""
    rest = _DOT_RE.sub("", _spell_out(rest, why))
    parts = _read_rest(rest, head, why, home_district, home_province)
    organ = parts.organ
    if head.organ:
        implied = r.organ_by_key.get(_key(head.organ))
        if organ:
            why.append(f"{head.form!r} names the organ {head.organ!r}; {organ!r} added to it")
            organ = f"{head.organ} {organ}"
        else:
            organ = head.organ
        if implied and implied.fixed and parts.level not in (None, implied.level):
            why.append(f"level {parts.level!r} written after {head.organ!r} does not change it")
            parts.level = parts.locality = None
        if implied and implied.level and parts.level is None:
            parts.level, parts.organ_level = implied.level, implied
            why.append(f"level {implied.level!r} from {head.form!r}")
            if parts.locality is None:
                parts.locality = _home(parts.level, why, home_district, home_province)
    if organ is None and head.party and parts.level:
        level_rule = r.level_by_key.get(_key(parts.level))
        if level_rule and level_rule.party:
            organ = level_rule.party
            why.append(f"the party committee of the level {parts.level!r}: {organ!r}")
    level_shown = parts.level is not None and parts.organ_level is None and not parts.level_from_head
    level_shown = level_shown and not _organ_has_level(organ, parts.level)
    return _assemble(
        text,
        head.kind,
        head.position,
        organ,
        parts.level,
        parts.locality,
        level_shown=level_shown,
        former=former,
        acting=acting,
        why=why,
    )


def read_role(
    role: str, *, home_district: str | None = HOME_DISTRICT, home_province: str | None = HOME_PROVINCE
) -> RoleReading:
    """Read one written role; never raises (an unreadable role is kind ``other``)."""
    return _read(role or "", home_district, home_province)


# ---------------------------------------------------------------- lists of roles


def _starts_role(tokens: Sequence[Token], i: int) -> bool:
    """Whether a head or a rank (optionally after a prefix) starts at token ``i``."""
    r = rules()
    if i < len(tokens) and tokens[i].key in r.prefixes:
        i += 1
    if i >= len(tokens):
        return False
    if r.heads.match(tokens, i) or (tokens[i].key == "phó" and r.heads.match(tokens, i + 1)):
        return True
    if tokens[i].key not in r.rank_first:
        return False
    return any(_rank_key(" ".join(t.text for t in tokens[i : i + n])) in r.ranks for n in (1, 2, 3, 4))


@lru_cache(maxsize=16384)
def split_role(role: str) -> tuple[str, ...]:
    """One written role cut where it holds several.

    Cut at a separator (``office_separators.txt``: comma, dash, "kiêm", …)
    only where a head or a rank follows, and after a leading rank that a
    head follows ("Thượng tá Trưởng Công an huyện").
    """
    r = rules()
    text = _clean(role or "")
    tokens = tokenize(text)
    cuts: list[tuple[int, int]] = []  # (end of the part before, start of the next)
    k = 1
    while k < len(tokens):
        sep = r.separators.match(tokens, k)
        if sep and _starts_role(tokens, k + sep[0]):
            cuts.append((tokens[k].start, tokens[k + sep[0]].start))
            k += sep[0]
            continue
        k += 1
    # A rank glued to the head that follows it.
    for n in (4, 3, 2, 1) if tokens and tokens[0].key in r.rank_first else ():
        if n < len(tokens) and _rank_key(text[: tokens[n - 1].end]) in r.ranks:
            j = n + 1 if n < len(tokens) and tokens[n].text == "." else n
            if j < len(tokens) and tokens[j].is_word and _match_head(tokens, j):
                cuts.insert(0, (tokens[j - 1].end, tokens[j].start))
            break
    parts, pos = [], 0
    for end, start in cuts:
        parts.append(text[pos:end])
        pos = start
    parts.append(text[pos:])
    return tuple(p for p in (x.strip(_EDGE_PUNCT) for x in parts) if p)


@dataclass(frozen=True, slots=True)
class SourcedReading:
    """One office read from a person's roles in an article, with the role it came from."""

    source: int  # index of the written role in the list given
    reading: RoleReading


def read_person_roles(
    roles: Sequence[str], *, home_district: str | None = HOME_DISTRICT, home_province: str | None = HOME_PROVINCE
) -> list[SourcedReading]:
    """Every office named by a person's roles in one article, in order, repeats kept.

    Combined roles are split, and a party membership with no organ ("UVBTV"
    beside "Chánh Văn phòng Huyện ủy") belongs to the party committee of the
    level of the person's other roles: that is how the portal writes it.
    :func:`read_roles` is this list with repeats dropped.
    """
    readings: list[SourcedReading] = []
    for n, role in enumerate(roles):
        for part in split_role(role):
            readings.append(SourcedReading(n, read_role(part, home_district=home_district, home_province=home_province)))
    r = rules()
    for idx, sourced in enumerate(readings):
        reading = sourced.reading
        if reading.organ is not None or _key(reading.position or "") not in r.party_positions:
            continue
        for other_sourced in readings:
            other = other_sourced.reading
            level_rule = r.level_by_key.get(_key(other.level or ""))
            if other is reading or not level_rule or not level_rule.party:
                continue
            party = level_rule.party
            shown = not _organ_has_level(party, other.level)
            why = (*reading.why, f"organ from the person's role {other.text!r}: {party!r} of {other.label!r}")
            readings[idx] = SourcedReading(sourced.source, _assemble(
                reading.text,
                reading.kind,
                reading.position,
                party,
                other.level,
                other.locality,
                level_shown=shown,
                former=reading.former,
                acting=reading.acting,
                why=why,
            ))
            break
    return readings


def read_roles(
    roles: Sequence[str], *, home_district: str | None = HOME_DISTRICT, home_province: str | None = HOME_PROVINCE
) -> list[RoleReading]:
    """Read a person's roles in one article: combined roles split, repeats once
    (see :func:`read_person_roles`)."""
    out: list[RoleReading] = []
    seen: set[tuple[str, bool]] = set()
    for sourced in read_person_roles(roles, home_district=home_district, home_province=home_province):
        reading = sourced.reading
        if (reading.key, reading.former) not in seen:
            seen.add((reading.key, reading.former))
            out.append(reading)
    return out


def same_office(
    a: str, b: str, *, home_district: str | None = HOME_DISTRICT, home_province: str | None = HOME_PROVINCE
) -> bool:
    """Whether two written roles name the same office (former or not)."""
    ka = read_role(a, home_district=home_district, home_province=home_province).key
    kb = read_role(b, home_district=home_district, home_province=home_province).key
    return bool(ka) and ka == kb
