"""Which article a set of keys names: the ``article_keys`` table.

Every key an article's addresses and page gave (its 14-digit id, a
folder-free key of an id-less address, see :mod:`..site.urls`) points to
the article. A key that two different articles claim (two articles with one
slug) is marked ambiguous (``article`` NULL) and decides nothing; an id is
never ambiguous.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..site.urls import ARTICLE_ID_RE
from .crawl_state import chunked

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["ArticleKeys", "KnownArticle"]


@dataclass(frozen=True, slots=True)
class KnownArticle:
    pk: int
    article_id: str


class ArticleKeys:
    """The ``article_keys`` table."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._archive.conn

    def find(self, keys: Sequence[str]) -> KnownArticle | None:
        """The article the strongest of ``keys`` names (an id before other keys)."""
        ordered = sorted(dict.fromkeys(keys), key=lambda k: 0 if ARTICLE_ID_RE.match(k) else 1)
        for key in ordered:
            row = self._conn.execute(
                "SELECT a.id, a.article_id FROM article_keys k JOIN articles a ON a.id = k.article WHERE k.key = ?",
                (key,),
            ).fetchone()
            if row is not None:
                return KnownArticle(int(row[0]), str(row[1]))
        return None

    def held(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` name an archived article (ambiguous keys do not)."""
        wanted = list(dict.fromkeys(keys))
        out: set[str] = set()
        for chunk in chunked(wanted):
            out.update(r[0] for r in self._conn.execute(
                f"SELECT key FROM article_keys WHERE article IS NOT NULL AND key IN ({','.join('?' * len(chunk))})",
                tuple(chunk)))
        return out

    def attach(self, pk: int, keys: Iterable[str]) -> None:
        """Record that ``keys`` name article ``pk``; a non-id key another article holds becomes ambiguous."""
        for key in dict.fromkeys(keys):
            row = self._conn.execute("SELECT article FROM article_keys WHERE key = ?", (key,)).fetchone()
            if row is None:
                self._conn.execute("INSERT INTO article_keys (key, article) VALUES (?, ?)", (key, pk))
            elif row[0] is not None and row[0] != pk and not ARTICLE_ID_RE.match(key):
                self._conn.execute("UPDATE article_keys SET article = NULL WHERE key = ?", (key,))

    def keys_of(self, pk: int) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT key FROM article_keys WHERE article = ? ORDER BY key", (pk,))]
