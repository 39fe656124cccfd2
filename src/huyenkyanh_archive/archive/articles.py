"""Articles: the current record, its versions, its child rows and its search-index entry.

One article is written in one transaction (the caller's): the ``articles``
row, a ``versions`` row per distinct content, the child tables (authors,
attendees, images, related), the FTS entry, and its share of the person
summaries (:mod:`.people_summary`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import StoreError
from ..record import Article
from ..site.urls import ARTICLE_ID_RE
from ..vietnamese import compare_key, fold, fold_text
from . import office_summary, people_summary
from .records import FtsTexts, PreparedRecord, content_hash, decode_record, encode_record, fts_texts, prepare_record

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["Articles", "SaveOutcome", "StoredVersion"]

SaveOutcome = Literal["new", "changed", "unchanged"]


@dataclass(slots=True)
class StoredVersion:
    """One version's raw page, for ``reextract``."""

    version_id: int
    url: str
    headers: list[tuple[str, str]]
    body: bytes


class _Versions:
    """The ``versions`` of articles: added, placed in time order, compared by content."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._archive.conn

    def add_older(self, pk: int, versions: list[Any], response_id: int | None, fetched_at: str,
                  prep: PreparedRecord, seen: str) -> SaveOutcome:
        before = [v for v in versions if v[2] <= fetched_at]
        after = [v for v in versions if v[2] > fetched_at]
        if before and self.same(before[-1], prep.digest):
            return "unchanged"
        if after and self.same(after[0], prep.digest):
            # The same content, seen earlier than we knew: the version dates from then.
            self._conn.execute("UPDATE versions SET fetched_at = ? WHERE id = ?", (fetched_at, after[0][0]))
            self._conn.execute("UPDATE articles SET first_seen = min(first_seen, ?) WHERE id = ?", (fetched_at, pk))
            return "unchanged"
        self.add(pk, len(versions) + 1, response_id, fetched_at, prep)
        added = 1
        if not after and before and seen > fetched_at:
            # This copy is older than the article's last observation, which found the content of
            # the version before it: that content came back, so it is a version again, dated then
            # (the current record stays what was last seen).
            last = self._conn.execute("SELECT response_id, content_sha256, record FROM versions WHERE id = ?",
                                      (before[-1][0],)).fetchone()
            self._conn.execute(
                "INSERT INTO versions (article, version, response_id, fetched_at, content_sha256, record)"
                " VALUES (?, ?, ?, ?, ?, ?)", (pk, len(versions) + 2, last[0], seen, last[1], last[2]))
            added = 2
        self.renumber(pk)
        self._conn.execute(
            "UPDATE articles SET version_count = version_count + ?, first_seen = min(first_seen, ?) WHERE id = ?",
            (added, fetched_at, pk),
        )
        return "changed"

    def add(self, pk: int, version: int, response_id: int | None, fetched_at: str, prep: PreparedRecord) -> None:
        self._conn.execute(
            "INSERT INTO versions (article, version, response_id, fetched_at, content_sha256, record)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (pk, version, response_id, fetched_at, prep.digest, prep.stored),
        )

    def renumber(self, pk: int) -> None:
        """Versions numbered 1, 2, … in the order they were served."""
        rows = self._conn.execute("SELECT id FROM versions WHERE article = ? ORDER BY fetched_at, id", (pk,)).fetchall()
        # Out of the way first: (article, version) is unique.
        self._conn.execute("UPDATE versions SET version = -version WHERE article = ?", (pk,))
        self._conn.executemany("UPDATE versions SET version = ? WHERE id = ?", [(i + 1, r[0]) for i, r in enumerate(rows)])

    def same(self, version: Sequence[Any], digest: str) -> bool:
        vid, _number, _at, stored_digest, stored = version
        if stored_digest == digest:
            return True
        # A version hashed by an older rule (which counted the page's address) may still
        # hold the same content: compare by today's rule, and remember it.
        if content_hash(decode_record(stored)) == digest:
            self._conn.execute("UPDATE versions SET content_sha256 = ? WHERE id = ?", (digest, vid))
            return True
        return False


class Articles:
    """The ``articles``, ``versions`` and child tables, and ``articles_fts``."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._versions = _Versions(archive)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._archive.conn

    def save(
        self,
        record: Article,
        *,
        article_id: str | None = None,
        keys: Sequence[str] = (),
        response_id: int | None,
        fetched_at: str,
        folder: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        prepared: PreparedRecord | None = None,
    ) -> SaveOutcome:
        """Store ``record`` as a version of the article its ``keys`` name: new, changed or unchanged.

        ``keys`` are the article's identity keys, strongest first (``article_id``
        alone is one key); an article already known by any of them is this one,
        and learning its 14-digit id renames it without a second row. A version
        fetched (or captured) earlier than the newest one is placed among the
        versions in time order and does not replace the current record. Call
        inside :meth:`Archive.transaction` with the response it came from.
        """
        all_keys = list(dict.fromkeys([*([article_id] if article_id else []), *keys]))
        if not all_keys:
            raise ValueError("an article needs at least one key")
        prep = prepared or prepare_record(record)
        known = self._archive.keys.find(all_keys)
        if known is None:
            # Named by its 14-digit id when any key gives one (the page's canonical link, say,
            # for an article reached by an address without it), else by its strongest key.
            name = next((k for k in all_keys if ARTICLE_ID_RE.match(k)), all_keys[0])
            pk = self._insert_article(record, name, folder, fetched_at, etag, last_modified)
            self._versions.add(pk, 1, response_id, fetched_at, prep)
            self._insert_children(pk, record, prep.fts)
            outcome: SaveOutcome = "new"
        else:
            pk = known.pk
            self._learn_identity(pk, known.article_id, all_keys)
            outcome = self._add_content(pk, record, prep, response_id, fetched_at, folder, etag, last_modified)
        self._archive.keys.attach(pk, all_keys)
        self._conn.executemany("DELETE FROM frontier WHERE article_id = ?", [(k,) for k in all_keys])
        return outcome

    def _insert_article(self, record: Article, article_id: str, folder: str | None, fetched_at: str,
                        etag: str | None, last_modified: str | None) -> int:
        values = {
            "article_id": article_id, "url": record.url or record.source, "site": record.site,
            "category": record.category, "folder": folder, **_record_columns(record), "etag": etag,
            "last_modified": last_modified, "first_seen": fetched_at, "last_checked": fetched_at,
            "last_changed": fetched_at, "version_count": 1,
        }
        cur = self._conn.execute(
            f"INSERT INTO articles ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
        )
        return int(cur.lastrowid or 0)

    def _learn_identity(self, pk: int, current: str, keys: Sequence[str]) -> None:
        """An article known by a weaker key whose 14-digit id is now given takes the id as its name."""
        if ARTICLE_ID_RE.match(current):
            return
        new_id = next((k for k in keys if ARTICLE_ID_RE.match(k)), None)
        if new_id is not None:
            self._conn.execute("UPDATE articles SET article_id = ? WHERE id = ?", (new_id, pk))

    def _add_content(self, pk: int, record: Article, prep: PreparedRecord, response_id: int | None,
                     fetched_at: str, folder: str | None, etag: str | None, last_modified: str | None) -> SaveOutcome:
        versions = self._conn.execute(
            "SELECT id, version, fetched_at, content_sha256, record FROM versions WHERE article = ? ORDER BY version",
            (pk,),
        ).fetchall()
        latest = versions[-1] if versions else None
        # The newest observation of the article: its latest version, or a later check that
        # found the same content (its time is kept when an older copy of it turns up).
        seen = self._conn.execute("SELECT last_checked FROM articles WHERE id = ?", (pk,)).fetchone()[0] or ""
        if latest is None or fetched_at >= max(latest[2], seen):
            if latest is not None and self._versions.same(latest, prep.digest):
                self._conn.execute(
                    "UPDATE articles SET last_checked = max(last_checked, ?), removed_at = NULL,"
                    " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE id = ?",
                    (fetched_at, etag, last_modified, pk),
                )
                return "unchanged"
            self._delete_children(pk)
            self._conn.execute(
                f"UPDATE articles SET {', '.join(f'{k} = ?' for k in _CURRENT)}, removed_at = NULL,"
                " version_count = version_count + 1, url = ?, site = ?, category = ?, folder = coalesce(?, folder),"
                " etag = ?, last_modified = ?, last_checked = ?, last_changed = ? WHERE id = ?",
                (*_record_columns(record).values(), record.url or record.source, record.site, record.category, folder,
                 etag, last_modified, fetched_at, fetched_at, pk),
            )
            self._versions.add(pk, (latest[1] if latest else 0) + 1, response_id, fetched_at, prep)
            self._insert_children(pk, record, prep.fts)
            return "changed"
        # An older capture arriving later (a web archive's, or a second source's): it joins
        # the versions in time order and the current record stays the newest.
        return self._versions.add_older(pk, versions, response_id, fetched_at, prep, seen)

    def replace_current(self, article_id: str, record: Article) -> None:
        """Rewrite the current record in place (``reextract``); versions keep what was extracted then."""
        row = self._conn.execute("SELECT id FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self._archive.path}: no article {article_id} to re-extract")
        pk = row[0]
        self._delete_children(pk)
        cols = {**_record_columns(record), "category": record.category, "site": record.site}
        self._conn.execute(f"UPDATE articles SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                           (*cols.values(), pk))
        self._insert_children(pk, record)

    def mark_removed(self, article_id: str, when: str) -> bool:
        """The site answers 404/410 for a held article: dated, never deleted. False if not held."""
        cur = self._conn.execute(
            "UPDATE articles SET removed_at = coalesce(removed_at, ?), last_checked = ? WHERE article_id = ?",
            (when, when, article_id),
        )
        return cur.rowcount > 0

    def mark_checked(self, article_id: str, when: str, etag: str | None = None, last_modified: str | None = None) -> None:
        """A revisit that found the article unchanged (304)."""
        self._conn.execute(
            "UPDATE articles SET last_checked = ?, removed_at = NULL, etag = coalesce(?, etag),"
            " last_modified = coalesce(?, last_modified) WHERE article_id = ?",
            (when, etag, last_modified, article_id),
        )

    def current_record(self, article_id: str) -> Article | None:
        row = self._conn.execute(
            "SELECT v.record FROM versions v JOIN articles a ON a.id = v.article"
            " WHERE a.article_id = ? ORDER BY v.version DESC LIMIT 1",
            (article_id,),
        ).fetchone()
        return Article.from_dict(decode_record(row[0])) if row else None

    def ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT article_id FROM articles ORDER BY id")]

    def stored_versions(self, article_id: str) -> list[StoredVersion]:
        """Each version's raw page, oldest first."""
        out = []
        for vid, url, headers, digest in self._conn.execute(
            "SELECT v.id, r.url, r.headers, r.body_sha256 FROM versions v JOIN articles a ON a.id = v.article"
            " JOIN responses r ON r.id = v.response_id WHERE a.article_id = ? ORDER BY v.version",
            (article_id,),
        ).fetchall():
            body = self._archive.bodies.get(digest) if digest else None
            if body is not None:
                out.append(StoredVersion(vid, url, [(str(k), str(v)) for k, v in json.loads(headers)], body))
        return out

    def rewrite_version(self, version_id: int, record: Article) -> None:
        """A version's record re-extracted from its own raw page (``reextract``)."""
        self._conn.execute(
            "UPDATE versions SET record = ?, content_sha256 = ? WHERE id = ?",
            (encode_record(record.to_json()), content_hash(record), version_id),
        )

    # -- child rows ----------------------------------------------------------
    def _fts_values(self, pk: int) -> tuple[Any, ...] | None:
        row = self._conn.execute("SELECT title, lead, body, captions FROM articles WHERE id = ?", (pk,)).fetchone()
        if row is None:
            return None
        return (pk, *(fold_text(v or "") for v in row))

    def _delete_children(self, pk: int) -> None:
        old = self._fts_values(pk)
        if old is not None:
            self._conn.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, lead, body, captions)"
                " VALUES ('delete', ?, ?, ?, ?, ?)",
                old,
            )
        people = self._conn.execute(
            "SELECT name, name_key, role, role_key, role_expanded FROM attendees WHERE article = ? ORDER BY position, id",
            (pk,),
        ).fetchall()
        for table in ("authors", "attendees", "images", "related"):
            self._conn.execute(f"DELETE FROM {table} WHERE article = ?", (pk,))
        people_summary.remove_article(self._conn, pk, people)
        office_summary.remove_article(self._conn, pk, people)

    def _insert_children(self, pk: int, record: Article, fts: FtsTexts | None = None) -> None:
        conn = self._conn
        conn.executemany(
            "INSERT INTO authors (article, position, name, name_key) VALUES (?, ?, ?, ?)",
            [(pk, i, name, compare_key(name)) for i, name in enumerate(record.authors)],
        )
        day = record.published_at[:10] if record.published_at else None
        rows = _attendee_rows(pk, record, day)
        conn.executemany(
            "INSERT INTO attendees (article, position, name, name_key, name_fold, role, role_key, role_expanded, day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        people_summary.add_article(conn, pk, day, [r[2:4] + r[5:8] for r in rows])
        office_summary.add_article(conn, pk, day, [r[2:4] + r[5:8] for r in rows])
        conn.executemany(
            "INSERT INTO images (article, position, src, caption) VALUES (?, ?, ?, ?)",
            [(pk, i, im.src, im.caption) for i, im in enumerate(record.images)],
        )
        conn.executemany(
            "INSERT INTO related (article, position, url, title) VALUES (?, ?, ?, ?)",
            [(pk, i, r.url, r.title) for i, r in enumerate(record.related)],
        )
        self._archive.stage("fts")
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, lead, body, captions) VALUES (?, ?, ?, ?, ?)",
            (pk, *(fts or fts_texts(record))),
        )


_CURRENT = ("title", "published_at", "date_text", "lead", "body", "captions", "byline", "source_name",
            "extractor_version")


def _record_columns(record: Article) -> dict[str, Any]:
    return {
        "title": record.title,
        "published_at": record.published_at,
        "date_text": record.date_text,
        "lead": record.lead,
        "body": record.body,
        "captions": "\n".join(record.captions),
        "byline": record.byline,
        "source_name": record.source_name,
        "extractor_version": record.extractor_version,
    }


AttendeeInsert = tuple[int, int, str, str, str, str | None, str | None, str | None, str | None]


def _attendee_rows(pk: int, record: Article, day: str | None) -> Sequence[AttendeeInsert]:
    """One row per (person, role); a person with no role has one row with role NULL."""
    rows: list[AttendeeInsert] = []
    for i, person in enumerate(record.attendees):
        key, folded = compare_key(person.name), fold(person.name)
        expanded = person.roles_expanded or []
        for j, role in enumerate(person.roles or [None]):
            exp = expanded[j] if j < len(expanded) else role
            rows.append((pk, i, person.name, key, folded, role, compare_key(exp) if exp else None, exp, day))
    return rows
