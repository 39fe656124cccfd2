"""A user's search query -> a safe FTS5 MATCH expression over the folded index.

The index holds :func:`~.vietnamese.fold`-ed text, so every term the user
types is folded the same way ("Đảng ủy" -> "dang uy", "hoà" and "hòa" ->
"hoa"). The FTS5 syntax a researcher expects is kept: "phrases", prefix*,
AND / OR / NOT (upper case, as in FTS5) and parentheses. Everything else is
parsed here, not by SQLite: each term is re-emitted as a quoted FTS5 string,
so no character the user types can reach SQL or FTS5 as syntax, and a
malformed query is a :class:`~.errors.QueryError` with a one-line message.

:func:`parse` also gives the query's positive terms (those not under a NOT),
which the snippets highlight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError
from ..vietnamese import fold

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
_OPERATORS = {"AND", "OR", "NOT"}
# The index's tokenizer (unicode61) keeps letters and digits; "_" and the rest separate tokens.
_TOKEN_RE = re.compile(r"[^\W_]+")


@dataclass(slots=True, frozen=True)
class _Tok:
    kind: str  # "term", "op", "(", ")"
    text: str
    prefix: bool = False


@dataclass(slots=True, frozen=True)
class Term:
    """One term of a query as the index sees it: folded words, matched as consecutive
    tokens; with ``prefix`` the last word matches any token it begins ("thanh*")."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(slots=True, frozen=True)
class ParsedQuery:
    match: str  # the FTS5 MATCH expression
    positive: tuple[Term, ...]  # the terms outside every NOT's right-hand side, in query order


def _terms(text: str) -> list[str]:
    return _TOKEN_RE.findall(fold(text))


def _lex(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Tok(ch, ch))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError('malformed query: a phrase is missing its closing quote (")')
            words = _terms(query[i + 1 : end])
            i = end + 1
            prefix = i < n and query[i] == "*"
            if prefix:
                i += 1
            if not words:
                raise QueryError('malformed query: an empty phrase ("") searches for nothing')
            out.append(_Tok("term", " ".join(words), prefix))
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            word = query[i:j]
            i = j
            if word in _OPERATORS:
                out.append(_Tok("op", word))
                continue
            prefix = word.endswith("*")
            words = _terms(word)
            if words:  # bare punctuation (';', '--', '%') is not a search term
                out.append(_Tok("term", " ".join(words), prefix))
    return out


class _Parser:
    """or := and (OR and)* ; and := not ([AND] not)* ; not := atom (NOT atom)* ; atom := term | ( or )"""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.terms: list[str] = []
        self.positive: list[Term] = []
        # >0 while parsing what a NOT excludes: an excluded word is never in a hit to highlight.
        self.negated = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> str:
        if not self.toks:
            raise QueryError("empty query: give at least one word to search for")
        expr = self.or_()
        tok = self.peek()
        if tok is not None:
            raise QueryError(f"malformed query: unexpected {tok.text!r}" + (" (unbalanced parenthesis)" if tok.kind == ")" else ""))
        return expr

    def or_(self) -> str:
        parts = [self.and_()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "OR":
            self.take()
            parts.append(self.and_("OR"))
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def and_(self, after: str | None = None) -> str:
        parts = [self.not_(after)]
        while (tok := self.peek()) is not None and (tok.kind in ("term", "(") or (tok.kind == "op" and tok.text == "AND")):
            if tok.kind == "op":
                self.take()
                parts.append(self.not_("AND"))
            else:
                parts.append(self.not_())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def not_(self, after: str | None = None) -> str:
        left = self.atom(after)
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "NOT":
            self.take()
            self.negated += 1
            right = self.atom("NOT")
            self.negated -= 1
            left = f"({left} NOT {right})"
        return left

    def atom(self, after: str | None) -> str:
        tok = self.peek()
        if tok is None:
            raise QueryError(f"malformed query: {after} needs a term after it" if after else "malformed query: ends too early")
        if tok.kind == "op":
            where = f"after {after}" if after else "at the start"
            raise QueryError(f"malformed query: {tok.text} cannot come {where}; it goes between two terms")
        if tok.kind == ")":
            raise QueryError("malformed query: unbalanced parenthesis ')' or empty '()'")
        self.take()
        if tok.kind == "(":
            inner = self.or_()
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError("malformed query: a '(' is never closed")
            self.take()
            return inner
        self.terms.append(tok.text)
        if len(self.terms) > MAX_TERMS:
            raise QueryError(f"query too complex: more than {MAX_TERMS} terms")
        if not self.negated:
            term = Term(tuple(tok.text.split(" ")), tok.prefix)
            if term not in self.positive:
                self.positive.append(term)
        return f'"{tok.text}"' + ("*" if tok.prefix else "")


def parse(query: str) -> ParsedQuery:
    """``query``'s FTS5 MATCH expression and positive terms; raises QueryError when malformed."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(query)} characters (at most {MAX_QUERY_CHARS})")
    parser = _Parser(_lex(query))
    match = parser.parse()
    return ParsedQuery(match, tuple(parser.positive))


def to_fts(query: str) -> str:
    """The FTS5 MATCH expression for ``query``; raises QueryError when malformed."""
    return parse(query).match
