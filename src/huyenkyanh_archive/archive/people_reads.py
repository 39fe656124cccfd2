"""Reads for ``people`` and ``person``: name lookups, a person's articles, appearances.

The summaries (:mod:`.people_summary`) answer most questions; these reads
list articles and serve the resolver (:mod:`..query.people_index`) for
names that may be namesakes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .crawl_state import chunked
from .search_index import read_rows

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["AppearanceRow", "ArticleRef", "appearance_rows", "article_refs", "co_appearing_by_name",
           "exact_name_key", "name_keys_folded", "name_keys_like", "person_articles", "co_attendees"]


@dataclass(slots=True)
class ArticleRef:
    """An article as a timeline lists it."""

    article_id: str
    date: str | None
    title: str | None
    url: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AppearanceRow:
    """One attendee row (one role of one person in one article) with its article."""

    article: int
    position: int
    published_at: str | None
    name: str
    name_key: str
    role: str | None
    role_key: str | None
    role_expanded: str | None
    article_id: str
    title: str | None
    url: str


def exact_name_key(archive: Archive, key: str) -> str | None:
    rows = read_rows(archive, "SELECT name_key FROM attendees WHERE name_key = ? LIMIT 1", (key,))
    return rows[0][0] if rows else None


def name_keys_folded(archive: Archive, folded: str) -> list[str]:
    """Name keys of names written ``folded`` once diacritics are dropped."""
    rows = read_rows(archive, "SELECT DISTINCT name_key FROM attendees WHERE name_fold = ?", (folded,))
    return sorted(r[0] for r in rows)


def name_keys_like(archive: Archive, folded_part: str, limit: int = 50) -> list[str]:
    """Name keys whose folded names contain ``folded_part``, the most frequent first."""
    like = "%" + folded_part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = read_rows(
        archive,
        "SELECT name_key, count(DISTINCT article) FROM attendees WHERE name_fold LIKE ? ESCAPE '\\'"
        " GROUP BY name_key ORDER BY 2 DESC LIMIT ?",
        (like, limit),
    )
    return [r[0] for r in rows]


def person_articles(archive: Archive, key: str, role_key: str | None, limit: int | None) -> list[int]:
    """The articles of a name key (with that role), in date order; the two ends beyond ``limit``."""
    cond = "name_key = ?" + (" AND role_key = ?" if role_key is not None else "")
    params: tuple[Any, ...] = (key,) if role_key is None else (key, role_key)
    base = f"SELECT DISTINCT article, day FROM attendees WHERE {cond}"
    if limit is None:
        return [r[0] for r in read_rows(archive, base + " ORDER BY day, article", params)]
    head = (limit + 1) // 2
    first = read_rows(archive, base + " ORDER BY day, article LIMIT ?", (*params, head))
    last = read_rows(archive, base + " ORDER BY day DESC, article DESC LIMIT ?", (*params, limit - head))
    return list(dict.fromkeys([r[0] for r in first] + [r[0] for r in reversed(last)]))


def article_refs(archive: Archive, ids: Sequence[int]) -> dict[int, ArticleRef]:
    out = {}
    for chunk in chunked(list(ids)):
        for pk, aid, published, title, url in read_rows(
            archive,
            f"SELECT id, article_id, published_at, title, url FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[int(pk)] = ArticleRef(aid, published[:10] if published else None, title, url)
    return out


def appearance_rows(archive: Archive, key: str) -> list[AppearanceRow]:
    """Every attendee row of a name key, in article and position order."""
    rows = read_rows(
        archive,
        "SELECT at.article, at.position, a.published_at, at.name, at.name_key, at.role, at.role_key,"
        " at.role_expanded, a.article_id, a.title, a.url FROM attendees at JOIN articles a ON a.id = at.article"
        " WHERE at.name_key = ? ORDER BY at.article, at.position, at.id",
        (key,),
    )
    return [AppearanceRow(*r) for r in rows]


def co_attendees(archive: Archive, articles: Sequence[int]) -> dict[int, set[tuple[str, str]]]:
    """Per article: the (name key, name) of everyone it names."""
    out: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for chunk in chunked(list(articles)):
        for art, key, nm in read_rows(
            archive,
            f"SELECT article, name_key, name FROM attendees WHERE article IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[int(art)].add((str(key), str(nm)))
    return out


def co_appearing_by_name(archive: Archive, key: str, limit: int) -> list[tuple[str, str, int]]:
    """(name key, name, shared articles) of the people seen most with the whole name ``key``."""
    rows = read_rows(
        archive,
        "SELECT b.name_key, min(b.name), count(DISTINCT b.article) AS n"
        " FROM (SELECT DISTINCT article FROM attendees WHERE name_key = ?) a"
        " JOIN attendees b ON b.article = a.article GROUP BY b.name_key ORDER BY n DESC, b.name_key LIMIT ?",
        (key, limit + 1),
    )
    return [(k, nm, n) for k, nm, n in rows if k != key][:limit]
