"""Tokens and lexicons shared by the people, role and byline parsers.

The vocabulary lives in ``huyenkyanh_archive/extract/data/*.txt`` (one entry a line),
so adding a role head or a commune is a one-line change. Entries and text are
tokenised the same way and compared by syllable key (lower case, new-style tone
placement), so "Huyện uỷ" in a page matches "Huyện ủy" in a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..vietnamese import canon_tone

__all__ = [
    "Token",
    "Lexicon",
    "PhraseIndex",
    "tokenize",
    "tokenize_spans",
    "syllable_key",
    "lexicon",
    "data_lines",
]

# Words are runs of letters; numbers keep their inner separators ("4.200",
# "27/7/1947"); every other non-space character is a token of its own, so a
# hyphen glued to a word ("A- TUV", "PCTT-TKCN") is always visible to the
# grammar, which decides whether it splits roles.
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,:/]\d+)*|\.\.\.|[^\w\s]", re.UNICODE)


@lru_cache(maxsize=65536)
def syllable_key(word: str) -> str:
    """The comparison key of one token: lower case, new-style tones."""
    if word.isascii():
        return word.lower()
    return canon_tone(word).lower()


@dataclass(slots=True, frozen=True)
class Token:
    """One token's text and what the grammar asks of it; where it is lives apart
    (:func:`tokenize_spans`), so the same word is one shared object."""

    text: str
    key: str
    is_word: bool
    is_cap: bool
    is_upper: bool  # an all-capitals abbreviation of 2+ letters ("UBND")


# Every distinct token string seen, made once: an article repeats its words, and
# a corpus repeats its vocabulary, so building a token is a dictionary hit.
_TOKENS: dict[str, Token] = {}
_MAX_TOKENS = 200_000  # distinct strings kept; past that (hostile text) the table starts again


def _token(t: str) -> Token:
    tok = _TOKENS.get(t)
    if tok is None:
        if len(_TOKENS) >= _MAX_TOKENS:
            _TOKENS.clear()
        first = t[0]
        is_word = first.isalpha()
        tok = _TOKENS[t] = Token(
            t, syllable_key(t), is_word, is_word and first.isupper(), is_word and len(t) > 1 and t.isupper()
        )
    return tok


def tokenize_spans(text: str) -> tuple[list[Token], list[int], list[int]]:
    """The tokens of ``text`` and their start and end offsets, as three parallel lists."""
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    get = _TOKENS.get
    toks = [get(text[a:b]) or _token(text[a:b]) for a, b in spans]
    return toks, [a for a, _ in spans], [b for _, b in spans]


def tokenize(text: str) -> list[Token]:
    return [_token(t) for t in _TOKEN_RE.findall(text)]


def data_lines(name: str) -> list[str]:
    """Entries of a data file: stripped lines without comments or blanks."""
    text = resources.files("huyenkyanh_archive.extract.data").joinpath(name).read_text("utf-8")
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def phrase_keys(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(text))


class PhraseIndex:
    """Longest-match lookup of multi-token phrases, keyed by their first token."""

    __slots__ = ("_by_first", "payload")

    def __init__(self, entries: dict[tuple[str, ...], object]) -> None:
        self.payload = entries
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for keys in entries:
            if keys:
                by_first.setdefault(keys[0], []).append(keys)
        for lst in by_first.values():
            lst.sort(key=len, reverse=True)
        self._by_first = by_first

    def match(self, tokens: list[Token], i: int) -> int:
        """Length (in tokens) of the longest phrase starting at ``i``; 0 if none."""
        cands = self._by_first.get(tokens[i].key)
        if not cands:
            return 0
        n = len(tokens)
        for keys in cands:
            k = len(keys)
            if i + k <= n and all(tokens[i + j].key == keys[j] for j in range(1, k)):
                return k
        return 0

    def match_keys(self, tokens: list[Token], i: int) -> tuple[str, ...] | None:
        k = self.match(tokens, i)
        return tuple(t.key for t in tokens[i : i + k]) if k else None

    def __contains__(self, keys: object) -> bool:
        return keys in self.payload


def _index(name: str) -> PhraseIndex:
    return PhraseIndex({phrase_keys(line): True for line in data_lines(name)})


@dataclass(slots=True)
class Lexicon:
    family: set[str]
    family2: set[tuple[str, str]]
    middle_lower: set[str]
    honorifics: PhraseIndex
    person_nouns: PhraseIndex
    ranks: PhraseIndex
    heads: PhraseIndex
    standalone_heads: set[tuple[str, ...]]
    orgs: PhraseIndex
    unit_nouns: set[str]
    unit_verbs: set[tuple[str, ...]]
    levels: PhraseIndex
    verbs: PhraseIndex
    participation: PhraseIndex
    nonparticipation: PhraseIndex
    reference_nouns: PhraseIndex
    elect: PhraseIndex
    gazetteer: PhraseIndex
    deceased: PhraseIndex


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    family: set[str] = set()
    family2: set[tuple[str, str]] = set()
    for line in data_lines("family_names.txt"):
        keys = phrase_keys(line)
        if len(keys) == 1:
            family.add(keys[0])
        elif len(keys) == 2:
            family2.add((keys[0], keys[1]))
    heads: dict[tuple[str, ...], object] = {}
    standalone: set[tuple[str, ...]] = set()
    for line in data_lines("role_heads.txt"):
        alone = line.endswith("*")
        keys = phrase_keys(line.rstrip("*").strip())
        heads[keys] = True
        if alone:
            standalone.add(keys)
    return Lexicon(
        family=family,
        family2=family2,
        middle_lower={syllable_key(w) for w in data_lines("middle_lowercase.txt")},
        honorifics=_index("honorifics.txt"),
        person_nouns=_index("person_nouns.txt"),
        ranks=_index("ranks.txt"),
        heads=PhraseIndex(heads),
        standalone_heads=standalone,
        orgs=_index("org_phrases.txt"),
        unit_nouns={" ".join(phrase_keys(w)) for w in data_lines("unit_nouns.txt")},
        unit_verbs={phrase_keys(w) for w in data_lines("unit_verbs.txt")},
        levels=_index("levels.txt"),
        verbs=_index("verbs.txt"),
        participation=_index("participation_verbs.txt"),
        nonparticipation=_index("nonparticipation.txt"),
        reference_nouns=_index("reference_nouns.txt"),
        elect=_index("elect_cues.txt"),
        gazetteer=_index("gazetteer.txt"),
        deceased=_index("deceased.txt"),
    )
