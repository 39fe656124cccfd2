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

from ..site.urls import ARTICLE_ID_RE, names_known
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
        """The article ``keys`` name, by the rule of :func:`..site.urls.names_known`: the
        id first; a weaker key only names an article without an id when ``keys`` carry one."""
        ordered = sorted(dict.fromkeys(keys), key=lambda k: 0 if ARTICLE_ID_RE.match(k) else 1)
        has_id = bool(ordered) and bool(ARTICLE_ID_RE.match(ordered[0]))
        for key in ordered:
            row = self._conn.execute(
                "SELECT a.id, a.article_id FROM article_keys k JOIN articles a ON a.id = k.article WHERE k.key = ?",
                (key,),
            ).fetchone()
            if row is None:
                continue
            if has_id and not ARTICLE_ID_RE.match(key) and ARTICLE_ID_RE.match(str(row[1])):
                continue  # another article with the same slug and its own id
            return KnownArticle(int(row[0]), str(row[1]))
        return None

    def owners(self, keys: Iterable[str]) -> dict[str, bool]:
        """For each of ``keys`` that names an archived article (ambiguous keys do not):
        whether that article has a 14-digit id (the input of ``names_known``)."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, bool] = {}
        for chunk in chunked(wanted):
            for key, article_id in self._conn.execute(
                f"SELECT k.key, a.article_id FROM article_keys k JOIN articles a ON a.id = k.article"
                f" WHERE k.key IN ({','.join('?' * len(chunk))})", tuple(chunk)):
                out[key] = bool(ARTICLE_ID_RE.match(article_id))
        return out

    def held(self, refs: Iterable[Sequence[str]]) -> list[bool]:
        """Whether each article (given by its keys) is archived."""
        refs = [tuple(r) for r in refs]
        owners = self.owners(k for r in refs for k in r)
        return [names_known(r, owners.get) for r in refs]

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
