"""One text unit's tokens, each marked with its lexicon category, and where names start.

The first stage of the people grammar (:mod:`.people`): a text (title,
paragraph or caption) is tokenised once, then segmented by a greedy
longest match of the lexicon phrases, left to right; every token gets the
category of the phrase starting there (role head, rank, honorific,
organisation, place, level, verb) or none. What the role and people
grammars ask of a token ("a capitalised word with no lexicon meaning", "a
name starts here") is answered from these arrays.
"""

from __future__ import annotations

from functools import lru_cache

from ..vietnamese import collapse_space
from .lexicon import Lexicon, lexicon, tokenize_spans

__all__ = ["Segmented", "HEAD", "RANK", "HON", "ORG", "GAZ", "LEVEL", "VERB"]

# Segment categories, by priority when two phrases of the same length match.
HEAD, RANK, HON, ORG, GAZ, LEVEL, VERB = range(7)
_HEAD, _RANK, _HON, _ORG, _GAZ, _LEVEL, _VERB = HEAD, RANK, HON, ORG, GAZ, LEVEL, VERB

DASHES = frozenset("-–—")
CLAUSE_PUNCT = frozenset(",.;:(“\"!?-–—…‘'[") | {"..."}
SENTENCE_END = frozenset(".;!?")
# Words after which a bare name may begin a mention ("Dự có Nguyễn Văn A - …"),
# unlike a unit word ("Trường THPT Lê Quảng Chí").
_BEFORE_BARE_NAME = frozenset(["và", "có", "gồm", "cùng", "với", "cho", "là", "của"])
BIG_LEVELS = frozenset(["huyện", "tỉnh", "xã", "tp"])  # "thị xã" ends in "xã"; "thành phố" apart


class Segmented:
    """A text unit: its tokens (``toks``, character offsets ``starts``/``stops``),
    each token's category ``cat`` and the end of the phrase starting there ``end``,
    ``covered`` for tokens inside a phrase."""

    def __init__(self, text: str, lex: Lexicon, order_base: int) -> None:
        self.text = text
        self.lex = lex
        self.toks, self.starts, self.stops = tokenize_spans(text)
        self.n = len(self.toks)
        self.order_base = order_base
        self._name_cache: dict[tuple[int, bool], tuple[int, bool] | None] = {}
        self._segment()

    # -- segmentation -----------------------------------------------------

    def _segment(self) -> None:
        """Greedy longest-match of the lexicon phrases, left to right."""
        toks, n = self.toks, self.n
        keys_at = [t.key for t in toks]
        index = _segment_index()
        cat = [-1] * n
        end = list(range(1, n + 1))
        covered = [False] * n
        get = index.get
        # Only the tokens some phrase starts with are looked at (a few in ten);
        # punctuation starts no phrase.
        starts = [i for i, k in enumerate(keys_at) if k in index and toks[i].is_word]
        free = 0  # the first token not inside a phrase already taken
        for i in starts:
            if i < free:
                continue
            t = toks[i]
            for keys, k, c in get(t.key, ()):
                if i + k > n:
                    continue
                if k > 1 and keys_at[i : i + k] != keys:
                    continue
                if c == _HEAD:
                    # "trưởng thôn", "giám đốc HTX" after a name are roles;
                    # a lone lower-case "trưởng" ("tăng trưởng") is not.
                    if not t.is_cap and k == 1:
                        continue
                elif c == _GAZ:
                    if not t.is_cap:
                        continue
                elif c == _HON:
                    # "Vân Anh", "Kỳ Anh": a syllable, not "anh"
                    if k == 1 and t.is_cap and i > 0 and toks[i - 1].is_word:
                        continue
                elif c == _VERB and k == 1 and t.is_cap:
                    continue
                cat[i] = c
                end[i] = free = i + k
                for j in range(i + 1, i + k):
                    covered[j] = True
                break
        self.cat, self.end, self.covered = cat, end, covered
        # The question the grammar asks most, answered once per token.
        self.plain = [
            t.is_word and t.is_cap and not t.is_upper and c == -1 and not cv for t, c, cv in zip(toks, cat, covered, strict=True)
        ]

    # -- small predicates -------------------------------------------------

    def _is(self, i: int, c: int) -> bool:
        return 0 <= i < self.n and self.cat[i] == c

    def _starts_role(self, i: int) -> bool:
        return 0 <= i < self.n and self.cat[i] in (_HEAD, _RANK)

    def _plain_cap(self, i: int) -> bool:
        """A capitalised word with no lexicon meaning: a possible name syllable."""
        return 0 <= i < self.n and self.plain[i]

    def _clause_start(self, i: int) -> bool:
        if i == 0:
            return True
        p = self.toks[i - 1]
        return (not p.is_word and p.text in CLAUSE_PUNCT) or p.key in _BEFORE_BARE_NAME

    def _name_at(self, i: int, allow_short: bool) -> tuple[int, bool] | None:
        """(end, is_full) of a name starting at token ``i``."""
        ck = (i, allow_short)
        if ck in self._name_cache:
            return self._name_cache[ck]
        res = self._name_at_uncached(i, allow_short)
        self._name_cache[ck] = res
        return res

    def _name_at_uncached(self, i: int, allow_short: bool) -> tuple[int, bool] | None:
        toks, lex = self.toks, self.lex
        if not self._plain_cap(i):
            return None
        t = toks[i]
        fam_len = 0
        if i + 1 < self.n and (t.key, toks[i + 1].key) in lex.family2 and self._plain_cap(i + 1):
            fam_len = 2
        elif t.key in lex.family:
            fam_len = 1
        if fam_len:
            j = i + fam_len
            verbs = _single_verbs()
            while j < self.n and j - i < 5:
                if self._plain_cap(j):
                    if j - i >= 3 and toks[j].key in verbs:
                        break  # caption style "Đồng chí Hồ Huy Thành Trao quà"
                    j += 1
                elif (
                    self.cat[j] in (_ORG, _LEVEL)
                    and self.end[j] == j + 1
                    and toks[j].is_cap
                    and not toks[j].is_upper
                    and not (j + 1 < self.n and toks[j + 1].is_cap)
                ):
                    # "Võ Xuân Trường": a unit word ("Trường", "Sở") is a given
                    # name when no unit name follows it.
                    j += 1
                    break
                elif self.cat[j] == _GAZ and self.end[j] - i <= 5 and self._plain_cap(j - 1):
                    # "Nguyễn Hồng Lĩnh": a place name can be a given name.
                    j = self.end[j]
                elif (
                    j == i + fam_len
                    and toks[j].key in lex.middle_lower
                    and not toks[j].is_cap
                    and self.cat[j] == -1
                    and self._plain_cap(j + 1)
                ):
                    j += 1
                else:
                    break
            if j - i >= 2:
                return j, True
        if not allow_short:
            return None
        j = i
        while j < self.n and j - i < 3 and self._plain_cap(j):
            j += 1
        return (j, False) if j > i else None


    def _level_ahead(self, j: int) -> bool:
        """A few more lower-case words and then "huyện"/"xã"/…: a long unit
        name ("Ban Chỉ đạo phòng, chống dịch bệnh động vật huyện")."""
        for p in range(j, min(self.n, j + 4)):
            t = self.toks[p]
            if self.cat[p] == _LEVEL:
                return True
            if not t.is_word or t.is_cap or self.cat[p] in (_VERB, _HON, _HEAD):
                return False
        return False


    def _big_level_before(self, j: int) -> bool:
        """Token j-1 is "huyện", "tỉnh", "xã", "TP", "thành phố" or "thị xã"."""
        if j < 1:
            return False
        key = self.toks[j - 1].key
        if key == "phố":
            return j >= 2 and self.toks[j - 2].key == "thành"
        return key in BIG_LEVELS


    def _role_text(self, a: int, b: int) -> str:
        return collapse_space(self.text[self.starts[a] : self.stops[b - 1]])

    def _closing_paren(self, k: int) -> int | None:
        for j in range(k + 1, min(self.n, k + 40)):
            tx = self.toks[j].text
            if tx == ")":
                return j
            if tx == "(":
                return None
        return None



@lru_cache(maxsize=1)
def _single_verbs() -> frozenset[str]:
    return frozenset(keys[0] for keys in lexicon().verbs.payload if len(keys) == 1)


@lru_cache(maxsize=1)
def _segment_index() -> dict[str, list[tuple[list[str], int, int]]]:
    """All segment phrases by first key, longest first, then by category priority."""
    lex = lexicon()
    index: dict[str, list[tuple[list[str], int, int]]] = {}
    for c, idx in (
        (_HEAD, lex.heads),
        (_RANK, lex.ranks),
        (_HON, lex.honorifics),
        (_ORG, lex.orgs),
        (_GAZ, lex.gazetteer),
        (_LEVEL, lex.levels),
        (_VERB, lex.verbs),
    ):
        for keys in idx.payload:
            if keys:
                index.setdefault(keys[0], []).append((list(keys), len(keys), c))
    for lst in index.values():
        lst.sort(key=lambda e: (-e[1], e[2]))
    return index

