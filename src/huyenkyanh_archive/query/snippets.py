"""Search snippets built in Python from an article's own text.

FTS5's snippet() re-runs the query for each hit: for a prefix term ("thanh*")
each run expands the prefix over the whole index again (~100 ms for a page of
20 hits at 100,000 articles), and with a NOT it drops most hits' snippets.
The hits' texts are at hand, so the query's positive terms are found in them
here, diacritic- and case-blind exactly as :func:`~.vietnamese.fold` is (each
letter of a term matches every character that folds to it), and the original
(NFC) text is shown.

The window is chosen as FTS5 chooses it: the stretch of about ``tokens``
words of one field holding the most distinct terms (each repeat counts a
little), a stretch opening a sentence preferred, the earlier field (title,
lead, body, captions) and the earlier stretch on a tie. Positions are counted
in white-space-separated words while choosing (a scan of every token costs more
than the rest together); the chosen stretch is then cut at real tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

from ..vietnamese import fold_char, nfc
from .ftsquery import Term

# The index's tokens (unicode61 keeps letters and digits), as ftsquery splits a query.
_TOKEN_RE = re.compile(r"[^\W_]+")
# FTS5's sentence start: a token after '.' or ':' and white space.
_SENTENCE_RE = re.compile(r"[.:][ \t\n\r]+(?=[^\W_])")
_DISTINCT, _REPEAT = 1000, 1
_AT_SENTENCE, _AT_START = 100, 120
# Every NFC character folding to an ASCII letter or digit lies in these blocks
# (checked over all of Unicode); other letters are looked for further.
_LATIN = [*range(0x80, 0x250), *range(0x1E00, 0x1F00)]
_WIDE = range(0x80, 0x3000)


def _preimages(codes: Sequence[int]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for code in codes:
        ch = chr(code)
        out.setdefault(fold_char(ch), []).append(ch)
    return {k: "".join(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _latin_preimages() -> dict[str, str]:
    return _preimages(_LATIN)


@lru_cache(maxsize=1)
def _wide_preimages() -> dict[str, str]:
    # ~10 ms once, and only for a query with a letter outside ASCII once folded.
    return _preimages(_WIDE)


@lru_cache(maxsize=256)
def _letter(ch: str) -> str:
    """A character class matching every character whose fold is ``ch``."""
    if ch.isascii():
        chars = ch + ch.upper() + _latin_preimages().get(ch, "")
    else:  # the table holds the capitals too ("ß".upper() is "SS", not a preimage)
        chars = ch + _wide_preimages().get(ch, "")
    return "[" + "".join(sorted({re.escape(c) for c in chars})) + "]"


@lru_cache(maxsize=256)
def _pattern(term: Term) -> re.Pattern[str]:
    """Where ``term`` occurs in unfolded text: whole tokens, consecutive."""
    words = ["".join(_letter(c) for c in w) for w in term.words]
    words[-1] += r"[^\W_]*" if term.prefix else r"(?![^\W_])"
    head = words[0]
    # The token-start check goes after the first character so that the regex engine
    # can skip ahead to that character's class.
    first, rest = head[: head.index("]") + 1], head[head.index("]") + 1 :]
    return re.compile(r"(?s)" + first + r"(?<![^\W_].)" + rest + "".join(r"[\W_]+" + w for w in words[1:]))


class _Field:
    """One field's text and its term occurrences, positioned in words."""

    __slots__ = ("text", "size", "insts", "starts", "_sentences")

    def __init__(self, raw: str | None, patterns: Sequence[tuple[re.Pattern[str], int]]) -> None:
        self.text = text = nfc(raw or "")
        found: list[tuple[int, int, int, int]] = []  # char start, char end, words, term
        for t, (pat, k) in enumerate(patterns):
            if k == 1:
                found += [(m.start(), m.end(), 1, t) for m in pat.finditer(text)]
                continue
            m = pat.search(text)
            while m:  # one phrase's occurrences may overlap ("xa xa" in "xa xa xa")
                found.append((m.start(), m.end(), k, t))
                m = pat.search(text, m.start() + 1)
        found.sort()
        self.insts: list[tuple[int, int, int, int, int]] = []  # word, words, term, char start, char end
        self.size = 0
        self.starts: list[int] = []
        self._sentences: list[int] | None = None
        if not found:
            return
        at, word = 0, 0
        count = text.count
        for cs, ce, k, t in found:
            word += count(" ", at, cs) + count("\n", at, cs)
            at = cs
            self.insts.append((word, k, t, cs, ce))
        self.starts = [i[0] for i in self.insts]
        self.size = word + count(" ", at) + count("\n", at) + 1

    def score(self, lo: int, hi: int) -> int:
        seen: set[int] = set()
        score = 0
        for j in range(bisect_left(self.starts, lo), len(self.insts)):
            pos, _k, t, _cs, _ce = self.insts[j]
            if pos >= hi:
                break
            score += _REPEAT if t in seen else _DISTINCT
            seen.add(t)
        return score

    def sentence_start(self, i: int) -> tuple[int, int]:
        """The word opening the sentence that holds occurrence ``i``, and its character."""
        if self._sentences is None:
            self._sentences = [m.end() for m in _SENTENCE_RE.finditer(self.text)]
        pos, _k, _t, cs, _ce = self.insts[i]
        j = bisect_right(self._sentences, cs) - 1
        if j < 0:
            return 0, 0
        at = self._sentences[j]
        return pos - self.text.count(" ", at, cs) - self.text.count("\n", at, cs), at


def _start_before(text: str, at: int, count: int) -> int:
    """Where the token ``count`` tokens before the one at ``at`` begins (the first token if fewer)."""
    if count <= 0:
        return at
    reach = 16 * count
    while True:
        lo = max(0, at - reach)
        starts = [m.start() for m in _TOKEN_RE.finditer(text, lo, at)]
        if lo and starts and starts[0] == lo and _TOKEN_RE.match(text[lo - 1]):
            del starts[0]  # the tail of a token cut by the reach
        if len(starts) >= count or not lo:
            return starts[-count] if len(starts) >= count else (starts[0] if starts else at)
        reach *= 4


def _cut(text: str, at: int, tokens: int) -> tuple[list[tuple[int, int]], bool]:
    """The spans of up to ``tokens`` tokens from ``at``, and whether more follow."""
    spans: list[tuple[int, int]] = []
    for m in _TOKEN_RE.finditer(text, at):
        if len(spans) == tokens:
            return spans, True
        spans.append(m.span())
    return spans, False


def snippet(
    fields: Sequence[str | None],
    terms: Sequence[Term],
    *,
    tokens: int = 24,
    open_mark: str = "«",
    close_mark: str = "»",
    ellipsis: str = "…",
) -> str:
    """About ``tokens`` words of one of ``fields``, its terms marked.

    The text is the field's own (NFC) text; only the marks and an ellipsis at a
    cut end are added. Without any term in any field, the first field's start.
    """
    # score, field, occurrence, words shown before it, or the character opening its sentence
    best: tuple[int, int, int, int, int | None] | None = None
    patterns = [(_pattern(term), len(term.words)) for term in terms]
    parsed = [_Field(raw, patterns) for raw in fields]
    for f, field in enumerate(parsed):
        n, insts = field.size, field.insts
        # As FTS5 scores: the window opened at each hit holds the hits that start in it;
        # slide it along the hits, counting each term's hits inside.
        inside = [0] * len(terms)
        distinct = total = j = 0
        sentence_scores: dict[int, int] = {}
        for i, (pos, k, t, _cs, _ce) in enumerate(insts):
            while j < len(insts) and insts[j][0] < pos + tokens:
                distinct += not inside[insts[j][2]]
                inside[insts[j][2]] += 1
                total += 1
                j += 1
            score = _DISTINCT * distinct + _REPEAT * (total - distinct)
            if best is None or score > best[0]:
                # Shown centred on those hits, as FTS5 does.
                span = max(insts[j - 1][0] + insts[j - 1][1], pos + k) - pos
                lo = max(0, min(pos - (tokens - span) // 2, n - tokens))
                best = (score, f, i, pos - lo, None)
            inside[t] -= 1
            total -= 1
            distinct -= not inside[t]
            # A window opening the sentence that holds the hit scores a little more (a field
            # no longer than the window is shown whole anyway).
            if n <= tokens:
                continue
            first, first_char = field.sentence_start(i)
            if first < pos:
                if first not in sentence_scores:
                    sentence_scores[first] = field.score(first, first + tokens) + (_AT_START if first == 0 else _AT_SENTENCE)
                if sentence_scores[first] > best[0]:
                    best = (sentence_scores[first], f, i, pos - first, first_char)
    if best is None:
        f = next((i for i, field in enumerate(parsed) if field.text), 0)
        field = parsed[f]
        cut = _cut(field.text, 0, tokens)
    else:
        _score, f, i, before, sentence = best
        field = parsed[f]
        _pos, k, _t, cs, ce = field.insts[i]
        if sentence is not None:
            cut = _cut(field.text, sentence, tokens)
            # Words were counted by white space: if the sentence holds more tokens than
            # counted, its window may miss the hit; centre on the hit then.
            if cut[0][-1][1] < ce:
                sentence, before = None, min(before, (tokens - k) // 2)
        if sentence is None:
            cut = _cut(field.text, _start_before(field.text, cs, min(before, tokens - k)), tokens)
    text = field.text
    spans, more = cut
    if not spans:
        return text
    begin = spans[0][0] if _TOKEN_RE.search(text, 0, spans[0][0]) else 0
    end = spans[-1][1] if more else len(text)
    out = [ellipsis] if begin else []
    # Occurrences in the window, overlapping ones merged into one mark.
    marks: list[list[int]] = []
    for _pos, _k, _t, cs, ce in field.insts:
        if cs < begin or cs >= end:
            continue
        ce = min(ce, end)
        if marks and cs < marks[-1][1]:
            marks[-1][1] = max(marks[-1][1], ce)
        else:
            marks.append([cs, ce])
    at = begin
    for cs, ce in marks:
        out += [text[at:cs], open_mark, text[cs:ce], close_mark]
        at = ce
    out.append(text[at:end])
    if more:
        out.append(ellipsis)
    return "".join(out)
