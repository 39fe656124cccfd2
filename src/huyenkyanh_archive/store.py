"""The archive: one SQLite file holding raw responses, records and crawl state.

Tables (see README "The database"):

- ``blobs``      content-addressed, compressed bodies (pages and assets, each stored once; see :mod:`.blobs`)
- ``blob_dicts`` the archived pages that serve as compression dictionaries for the others
- ``responses``  every HTTP response kept: URL, status, headers, request headers, fetch time, body hash
- ``articles``   one row per article (its portal id is the identity), the current record
- ``versions``   every distinct version of an article, with the response it came from and its record as JSON
- ``authors``, ``attendees`` (one row per role), ``images``, ``related``  the current record, normalised
- ``articles_fts`` FTS5 index over title, lead, body and captions, diacritic-folded (đ -> d)
- ``frontier``   article URLs discovered and not yet archived (the crawl's memory across kills)
- ``runs``       one row per crawl, with its outcome and counts
- ``assets``     images and attachments linked by articles, by content hash

Every article is written in one transaction: a killed process leaves either
the whole article or none of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import people_summary
from .blobs import MIN_DICT_SIZE, BlobCodec
from .errors import StoreError
from .record import Article
from .vietnamese import compare_key, fold, fold_char, nfc

SCHEMA_VERSION = 5

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    options TEXT,
    stats TEXT
);
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    status INTEGER NOT NULL,
    http_version TEXT,
    request_headers TEXT,
    headers TEXT NOT NULL,
    body_sha256 TEXT REFERENCES blobs(sha256),
    fetched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_url ON responses(url);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    site TEXT,
    category TEXT,
    folder TEXT,
    title TEXT,
    published_at TEXT,
    date_text TEXT,
    lead TEXT,
    body TEXT,
    captions TEXT,
    byline TEXT,
    source_name TEXT,
    extractor_version TEXT,
    etag TEXT,
    last_modified TEXT,
    first_seen TEXT NOT NULL,
    last_checked TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    removed_at TEXT,
    version_count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_at);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    response_id INTEGER REFERENCES responses(id),
    fetched_at TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (article, version)
);
CREATE TABLE IF NOT EXISTS authors (
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    PRIMARY KEY (article, position)
);
CREATE TABLE IF NOT EXISTS attendees (
    id INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    role TEXT,
    role_key TEXT,
    role_expanded TEXT
);
CREATE INDEX IF NOT EXISTS attendees_article ON attendees(article);
CREATE INDEX IF NOT EXISTS attendees_name_fold ON attendees(name_fold);
CREATE INDEX IF NOT EXISTS attendees_name_key ON attendees(name_key);
CREATE TABLE IF NOT EXISTS images (
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    src TEXT NOT NULL,
    caption TEXT,
    PRIMARY KEY (article, position)
);
CREATE TABLE IF NOT EXISTS related (
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    PRIMARY KEY (article, position)
);
CREATE TABLE IF NOT EXISTS frontier (
    article_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    folder TEXT,
    discovered_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS assets (
    url TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    content_type TEXT,
    size INTEGER NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_assets (
    article INTEGER NOT NULL REFERENCES articles(id),
    url TEXT NOT NULL REFERENCES assets(url),
    PRIMARY KEY (article, url)
);
-- External content on articles, so Datasette detects it; the index holds the
-- folded text (fold() keeps offsets, so snippet() highlights the original).
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, lead, body, captions,
    content="articles", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);
"""

# v2: the crawl's memory of folder walks (a folder whose walk has reached its
# last page once may stop early on later runs) and per-article failure notes.
_SCHEMA_V2 = """
CREATE TABLE IF NOT EXISTS folders (
    site TEXT NOT NULL,
    folder TEXT NOT NULL,
    complete_at TEXT,
    last_walked TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site, folder)
);
CREATE INDEX IF NOT EXISTS versions_response ON versions(response_id);
CREATE INDEX IF NOT EXISTS responses_run ON responses(run_id);
"""

# v3: the article index on attendees also carries the person's key, so "who appears with
# whom" is answered from the index alone (asked by the query layer); same size, one index.
_SCHEMA_V3 = """
CREATE INDEX IF NOT EXISTS attendees_article_name ON attendees(article, name_key);
DROP INDEX IF EXISTS attendees_article;
"""

# v4: bodies compressed with zstandard against a dictionary that is an archived page
# of the site (see blobs.py); rows written before keep codec 'zlib'.
_SCHEMA_V4 = """
ALTER TABLE blobs ADD COLUMN codec TEXT NOT NULL DEFAULT 'zlib';
ALTER TABLE blobs ADD COLUMN dict TEXT REFERENCES blobs(sha256);
CREATE TABLE IF NOT EXISTS blob_dicts (
    sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
    created_at TEXT NOT NULL
);
"""

# v5: per-person summaries kept at write time (people_summary.py); each attendee row
# carries its article's day, and one index serves a person's rows by role and date.
_SCHEMA_V5 = """
ALTER TABLE attendees ADD COLUMN day TEXT;
CREATE INDEX IF NOT EXISTS attendees_person ON attendees(name_key, role_key, day, article);
DROP INDEX IF EXISTS attendees_name_key;
CREATE INDEX IF NOT EXISTS articles_category_folder ON articles(category, folder);
""" + people_summary.SCHEMA


def _backfill_v5(conn: sqlite3.Connection) -> None:
    conn.execute(
        "UPDATE attendees SET day = (SELECT substr(published_at, 1, 10) FROM articles a WHERE a.id = attendees.article)"
    )
    people_summary.rebuild(conn)


# Each step: SQL, then (optionally) a function filling what the SQL added, in one transaction.
MIGRATIONS: list[str] = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4, _SCHEMA_V5]
_BACKFILLS: dict[int, Callable[[sqlite3.Connection], None]] = {5: _backfill_v5}

# Views for researchers (sqlite3, sqlite-utils, Datasette): the common questions
# without joins. Created on a writable open when missing (CREATE VIEW IF NOT EXISTS).
_VIEWS = """
CREATE VIEW IF NOT EXISTS article_people AS
SELECT a.article_id, substr(a.published_at, 1, 10) AS date, a.title, a.url,
       p.name AS person, p.role, p.role_expanded, p.name_key, p.role_key, p.position
FROM attendees p JOIN articles a ON a.id = p.article;
CREATE VIEW IF NOT EXISTS person_roles AS
SELECT p.name_key, min(p.name) AS person, p.role_key, min(p.role) AS role,
       min(substr(a.published_at, 1, 10)) AS first_seen, max(substr(a.published_at, 1, 10)) AS last_seen,
       count(DISTINCT p.article) AS articles
FROM attendees p JOIN articles a ON a.id = p.article
WHERE p.role_key IS NOT NULL
GROUP BY p.name_key, p.role_key;
CREATE VIEW IF NOT EXISTS article_summary AS
SELECT a.article_id, substr(a.published_at, 1, 10) AS date, a.folder, a.category, a.title, a.url,
       (SELECT group_concat(name, '; ') FROM (SELECT name FROM authors WHERE article = a.id ORDER BY position)) AS authors,
       (SELECT count(DISTINCT position) FROM attendees WHERE article = a.id) AS people,
       a.version_count AS versions, a.removed_at
FROM articles a;
"""

BUSY_TIMEOUT_MS = 5000
_UNKNOWN = object()


def fold_text(text: str) -> str:
    """:func:`vietnamese.fold` for long texts: one translate table per text instead of a
    Python call per character (the FTS index folds every article's whole body)."""
    text = nfc(text)
    if text.isascii():
        return text.lower()
    return text.translate({ord(c): fold_char(c) for c in set(text)})


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(record: Article | dict[str, Any]) -> str:
    """Hash of what a reader sees; a new version is stored only when this changes."""
    data = dict(record) if isinstance(record, dict) else record.to_dict()
    for volatile in ("source", "extractor_version"):
        data.pop(volatile, None)
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(slots=True)
class PreparedBody:
    """A body hashed ahead of the write (by a crawl worker, off the writer)."""

    digest: str
    size: int


def prepare_body(body: bytes) -> PreparedBody:
    return PreparedBody(hashlib.sha256(body).hexdigest(), len(body))


def encode_record(json_text: str) -> bytes:
    """``versions.record`` as stored: the record's JSON, zlib-compressed (it repeats text
    the articles row and the index also hold; compressed it costs a third)."""
    return zlib.compress(json_text.encode("utf-8"), 6)


def decode_record(value: str | bytes) -> dict[str, Any]:
    """A ``versions.record`` value as a dict (compressed JSON, or plain JSON text)."""
    if isinstance(value, str):
        return json.loads(value)  # type: ignore[no-any-return]
    return json.loads(zlib.decompress(value))  # type: ignore[no-any-return]


@dataclass(slots=True)
class PreparedRecord:
    """A record's stored form, content hash and folded FTS text, computed ahead of the write."""

    stored: bytes  # encode_record(JSON)
    digest: str
    fts: tuple[str, str, str, str]


def prepare_record(record: Article) -> PreparedRecord:
    data = record.to_dict()
    return PreparedRecord(encode_record(json.dumps(data, ensure_ascii=False)), content_hash(data), _fts_texts(record))


def _fts_texts(record: Article) -> tuple[str, str, str, str]:
    # The same values _fts_values() reads back from the articles row, so 'delete' matches.
    return (fold_text(record.title or ""), fold_text(record.lead or ""), fold_text(record.body or ""),
            fold_text("\n".join(record.captions)))


def _pairs(headers: Mapping[str, str] | Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return [(str(k), str(v)) for k, v in headers]


@dataclass(slots=True)
class StoredResponse:
    url: str
    status: int
    headers: Mapping[str, str] | Sequence[tuple[str, str]]  # pairs keep repeated headers
    body: bytes
    fetched_at: str
    kind: str = "article"
    request_headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None
    http_version: str | None = "HTTP/1.1"
    method: str = "GET"


class Archive:
    """An open archive database. Use :func:`open_archive`."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        # Called with a stage name at points inside a write ("fts"): fault-injection tests
        # kill the process there to prove a half-written article never shows.
        self.stage_hook: Callable[[str], None] | None = None
        self._codec = BlobCodec()
        # The dictionary new blobs are compressed against: _UNKNOWN until looked up, then a
        # sha256 or None (none yet). Forgotten on rollback: the row may be gone.
        self._dict_sha: str | None | object = _UNKNOWN

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit (BEGIN IMMEDIATE … COMMIT), rolled back on any error."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _store_error(self.path, exc) from None
        try:
            yield self.conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise _store_error(self.path, exc) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise _store_error(self.path, exc) from None

    def _rollback(self) -> None:
        self._dict_sha = _UNKNOWN
        # SQLite may already have rolled back by itself (SQLITE_FULL, I/O errors).
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    # -- raw responses -----------------------------------------------------
    def put_blob(self, body: bytes, prepared: PreparedBody | None = None, *, dictionary_candidate: bool = False) -> str:
        """Store ``body`` once (by content hash); returns its sha256.

        ``dictionary_candidate``: an article page, which becomes the archive's compression
        dictionary when it has none yet (see :mod:`.blobs`).
        """
        prep = prepared or prepare_body(body)
        if self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (prep.digest,)).fetchone():
            return prep.digest
        dict_sha = self._dictionary()
        if dict_sha is None and dictionary_candidate and len(body) >= MIN_DICT_SIZE:
            packed = self._codec.compress(body)
            self._insert_blob(prep, packed.data, packed.codec, None)
            self.conn.execute("INSERT INTO blob_dicts (sha256, created_at) VALUES (?, ?)", (prep.digest, utc_now()))
            self._codec.add_dict(prep.digest, body)
            self._dict_sha = prep.digest
            return prep.digest
        packed = self._codec.compress(body, dict_sha)
        self._insert_blob(prep, packed.data, packed.codec, packed.dict_sha256)
        return prep.digest

    def _insert_blob(self, prep: PreparedBody, data: bytes, codec: str, dict_sha: str | None) -> None:
        self.conn.execute(
            "INSERT INTO blobs (sha256, size, data, codec, dict) VALUES (?, ?, ?, ?, ?)",
            (prep.digest, prep.size, data, codec, dict_sha),
        )

    def _dictionary(self) -> str | None:
        if self._dict_sha is _UNKNOWN:
            row = self.conn.execute("SELECT sha256 FROM blob_dicts ORDER BY rowid DESC LIMIT 1").fetchone()
            self._dict_sha = row[0] if row else None
            if row:
                self._load_dict(row[0])
        return self._dict_sha  # type: ignore[return-value]

    def _load_dict(self, sha: str) -> None:
        if self._codec.has_dict(sha):
            return
        row = self.conn.execute("SELECT data, codec FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: compression dictionary {sha} is missing; the archive is damaged")
        self._codec.add_dict(sha, self._decode(row[0], row[1], None, sha))

    def decode_blob(self, data: bytes, codec: str, dict_sha: str | None, sha: str = "?") -> bytes:
        """A ``blobs`` row's body from its ``data``, ``codec`` and ``dict`` columns."""
        if dict_sha is not None:
            self._load_dict(dict_sha)
        return self._decode(data, codec, dict_sha, sha)

    def _decode(self, data: bytes, codec: str, dict_sha: str | None, sha: str) -> bytes:
        try:
            return self._codec.decompress(data, codec, dict_sha)
        except ValueError as exc:
            raise StoreError(f"{self.path}: blob {sha} cannot be read ({exc})") from None

    def get_blob(self, digest: str) -> bytes | None:
        row = self.conn.execute("SELECT data, codec, dict FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        return self.decode_blob(row[0], row[1], row[2], digest) if row else None

    def add_response(
        self, response: StoredResponse, run_id: int | None = None, *, prepared: PreparedBody | None = None
    ) -> int:
        candidate = response.kind == "article" and response.status == 200
        digest = self.put_blob(response.body, prepared, dictionary_candidate=candidate) if response.body else None
        cur = self.conn.execute(
            "INSERT INTO responses (run_id, url, kind, method, status, http_version, request_headers,"
            " headers, body_sha256, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                response.url,
                response.kind,
                response.method,
                response.status,
                response.http_version,
                json.dumps(_pairs(response.request_headers), ensure_ascii=False),
                json.dumps(_pairs(response.headers), ensure_ascii=False),
                digest,
                response.fetched_at,
            ),
        )
        return int(cur.lastrowid or 0)

    # -- articles ----------------------------------------------------------
    def save_article(
        self,
        record: Article,
        *,
        article_id: str,
        response_id: int | None,
        fetched_at: str,
        folder: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        prepared: PreparedRecord | None = None,
    ) -> str:
        """Store ``record`` as the current version. Returns "new", "changed" or "unchanged".

        Call inside :meth:`transaction` together with :meth:`add_response`.
        ``prepared`` is :func:`prepare_record` of ``record``, computed elsewhere.
        """
        prep = prepared or prepare_record(record)
        digest = prep.digest
        row = self.conn.execute(
            "SELECT id, version_count FROM articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is not None:
            pk, count = row
            last = self.conn.execute(
                "SELECT content_sha256 FROM versions WHERE article = ? ORDER BY version DESC LIMIT 1", (pk,)
            ).fetchone()
            if last and last[0] == digest:
                self.conn.execute(
                    "UPDATE articles SET last_checked = ?, removed_at = NULL, etag = coalesce(?, etag),"
                    " last_modified = coalesce(?, last_modified) WHERE id = ?",
                    (fetched_at, etag, last_modified, pk),
                )
                return "unchanged"
            outcome, version = "changed", count + 1
            self._delete_children(pk)
        else:
            outcome, version, pk = "new", 1, None
        values = {
            "article_id": article_id,
            "url": record.url or record.source,
            "site": record.site,
            "category": record.category,
            "folder": folder,
            "title": record.title,
            "published_at": record.published_at,
            "date_text": record.date_text,
            "lead": record.lead,
            "body": record.body,
            "captions": "\n".join(record.captions),
            "byline": record.byline,
            "source_name": record.source_name,
            "extractor_version": record.extractor_version,
            "etag": etag,
            "last_modified": last_modified,
            "last_checked": fetched_at,
            "last_changed": fetched_at,
            "version_count": version,
        }
        if pk is None:
            values["first_seen"] = fetched_at
            cols = ", ".join(values)
            cur = self.conn.execute(
                f"INSERT INTO articles ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
            )
            pk = int(cur.lastrowid or 0)
        else:
            sets = ", ".join(f"{k} = ?" for k in values)
            self.conn.execute(
                f"UPDATE articles SET {sets}, removed_at = NULL WHERE id = ?", (*values.values(), pk)
            )
        self.conn.execute(
            "INSERT INTO versions (article, version, response_id, fetched_at, content_sha256, record)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (pk, version, response_id, fetched_at, digest, prep.stored),
        )
        self._insert_children(pk, record, prep.fts)
        self.conn.execute("DELETE FROM frontier WHERE article_id = ?", (article_id,))
        return outcome

    def replace_current_record(self, article_id: str, record: Article) -> None:
        """Rewrite the current record in place (``reextract``); versions keep what was extracted then."""
        row = self.conn.execute("SELECT id FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no article {article_id} to re-extract")
        pk = row[0]
        self._delete_children(pk)
        self.conn.execute(
            "UPDATE articles SET category = ?, title = ?, published_at = ?, date_text = ?, lead = ?, body = ?,"
            " captions = ?, byline = ?, source_name = ?, extractor_version = ?, site = ? WHERE id = ?",
            (
                record.category, record.title, record.published_at, record.date_text, record.lead,
                record.body, "\n".join(record.captions), record.byline, record.source_name,
                record.extractor_version, record.site, pk,
            ),
        )
        self._insert_children(pk, record)

    def mark_removed(self, article_id: str, when: str) -> bool:
        cur = self.conn.execute(
            "UPDATE articles SET removed_at = coalesce(removed_at, ?), last_checked = ? WHERE article_id = ?",
            (when, when, article_id),
        )
        return cur.rowcount > 0

    def _fts_values(self, pk: int) -> tuple[Any, ...] | None:
        row = self.conn.execute(
            "SELECT title, lead, body, captions FROM articles WHERE id = ?", (pk,)
        ).fetchone()
        if row is None:
            return None
        return (pk, *(fold_text(v or "") for v in row))

    def _delete_children(self, pk: int) -> None:
        old = self._fts_values(pk)
        if old is not None:
            self.conn.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, lead, body, captions)"
                " VALUES ('delete', ?, ?, ?, ?, ?)",
                old,
            )
        people = self.conn.execute(
            "SELECT name, name_key, role, role_key, role_expanded FROM attendees WHERE article = ? ORDER BY position, id",
            (pk,),
        ).fetchall()
        for table in ("authors", "attendees", "images", "related"):
            self.conn.execute(f"DELETE FROM {table} WHERE article = ?", (pk,))
        people_summary.remove_article(self.conn, pk, people)

    def _insert_children(self, pk: int, record: Article, fts: tuple[str, str, str, str] | None = None) -> None:
        self.conn.executemany(
            "INSERT INTO authors (article, position, name, name_key) VALUES (?, ?, ?, ?)",
            [(pk, i, name, compare_key(name)) for i, name in enumerate(record.authors)],
        )
        rows = []
        day = record.published_at[:10] if record.published_at else None
        for i, person in enumerate(record.attendees):
            key, folded = compare_key(person.name), fold(person.name)
            roles = person.roles or [None]
            expanded = person.roles_expanded or []
            for j, role in enumerate(roles):
                exp = expanded[j] if j < len(expanded) else role
                rows.append((pk, i, person.name, key, folded, role, compare_key(exp) if exp else None, exp, day))
        self.conn.executemany(
            "INSERT INTO attendees (article, position, name, name_key, name_fold, role, role_key, role_expanded, day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        people_summary.add_article(self.conn, pk, day, [r[2:4] + r[5:8] for r in rows])
        self.conn.executemany(
            "INSERT INTO images (article, position, src, caption) VALUES (?, ?, ?, ?)",
            [(pk, i, im.src, im.caption) for i, im in enumerate(record.images)],
        )
        self.conn.executemany(
            "INSERT INTO related (article, position, url, title) VALUES (?, ?, ?, ?)",
            [(pk, i, r.url, r.title) for i, r in enumerate(record.related)],
        )
        new = (pk, *(fts or _fts_texts(record)))
        if self.stage_hook is not None:
            self.stage_hook("fts")
        self.conn.execute(
            "INSERT INTO articles_fts (rowid, title, lead, body, captions) VALUES (?, ?, ?, ?, ?)", new
        )

    def current_record(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT v.record FROM versions v JOIN articles a ON a.id = v.article"
            " WHERE a.article_id = ? ORDER BY v.version DESC LIMIT 1",
            (article_id,),
        ).fetchone()
        return Article.from_dict(decode_record(row[0])) if row else None


    # -- crawl state -------------------------------------------------------
    # Small statements the crawler runs; each caller decides the transaction.
    def begin_run(self, options: Mapping[str, Any]) -> int:
        """A new ``runs`` row; runs left 'running' by a killed process are closed as 'killed'."""
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET status = 'killed' WHERE status = 'running'")
            cur = conn.execute(
                "INSERT INTO runs (started_at, status, options) VALUES (?, 'running', ?)",
                (utc_now(), json.dumps(dict(options), ensure_ascii=False, default=str)),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (utc_now(), status, json.dumps(dict(stats), ensure_ascii=False, default=str), run_id),
            )

    def held(self, article_ids: list[str]) -> set[str]:
        """Which of ``article_ids`` are archived."""
        out: set[str] = set()
        for i in range(0, len(article_ids), 500):  # SQLite caps the number of bound variables
            chunk = article_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.conn.execute(
                f"SELECT article_id FROM articles WHERE article_id IN ({marks})", chunk))
        return out

    def add_frontier(self, items: list[tuple[str, str, str | None]], when: str) -> None:
        """(article_id, url, folder) discovered; those already archived are not added."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO frontier (article_id, url, folder, discovered_at)"
            " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM articles WHERE article_id = ?)",
            [(aid, url, folder, when, aid) for aid, url, folder in items],
        )

    def frontier(self, max_attempts: int | None = None) -> list[tuple[str, str, str | None]]:
        """Discovered, not yet archived: (article_id, url, folder), oldest discovery first."""
        sql = "SELECT article_id, url, folder FROM frontier"
        params: tuple[Any, ...] = ()
        if max_attempts is not None:
            sql += " WHERE attempts < ?"
            params = (max_attempts,)
        return [tuple(r) for r in self.conn.execute(sql + " ORDER BY discovered_at, article_id", params)]  # type: ignore[misc]

    def frontier_failed(self, article_id: str, url: str, folder: str | None, error: str, when: str) -> None:
        self.conn.execute(
            "INSERT INTO frontier (article_id, url, folder, discovered_at, attempts, last_error)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (article_id) DO UPDATE SET"
            " attempts = attempts + 1, last_error = excluded.last_error",
            (article_id, url, folder, when, error[:500]),
        )

    def frontier_drop(self, article_id: str) -> None:
        self.conn.execute("DELETE FROM frontier WHERE article_id = ?", (article_id,))

    def revisit_candidates(self, published_since: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
        """Held, not removed, published at or after ``published_since``:
        (article_id, url, folder, etag, last_modified), newest first."""
        return [
            tuple(r)  # type: ignore[misc]
            for r in self.conn.execute(
                "SELECT article_id, url, folder, etag, last_modified FROM articles"
                " WHERE removed_at IS NULL AND published_at >= ? ORDER BY published_at DESC",
                (published_since,),
            )
        ]

    def articles_not_in(self, seen: set[str]) -> list[tuple[str, str, str | None, str | None, str | None]]:
        """Held, not removed, and not in ``seen`` (articles no listing showed on a full walk)."""
        return [
            tuple(r)  # type: ignore[misc]
            for r in self.conn.execute(
                "SELECT article_id, url, folder, etag, last_modified FROM articles WHERE removed_at IS NULL"
            )
            if r[0] not in seen
        ]

    def mark_checked(self, article_id: str, when: str, etag: str | None = None, last_modified: str | None = None) -> None:
        """A revisit that found the article unchanged (304)."""
        self.conn.execute(
            "UPDATE articles SET last_checked = ?, removed_at = NULL, etag = coalesce(?, etag),"
            " last_modified = coalesce(?, last_modified) WHERE article_id = ?",
            (when, etag, last_modified, article_id),
        )

    def folder_state(self, site: str, folder: str) -> str | None:
        """When the folder's walk last reached its last page (None: never)."""
        row = self.conn.execute("SELECT complete_at FROM folders WHERE site = ? AND folder = ?", (site, folder)).fetchone()
        return row[0] if row else None

    def folder_walked(self, site: str, folder: str, pages: int, complete: bool, when: str) -> None:
        self.conn.execute(
            "INSERT INTO folders (site, folder, complete_at, last_walked, pages) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (site, folder) DO UPDATE SET last_walked = excluded.last_walked,"
            " pages = max(pages, excluded.pages), complete_at = coalesce(excluded.complete_at, complete_at)",
            (site, folder, when if complete else None, when, pages),
        )

    def has_asset(self, url: str) -> bool:
        return self.conn.execute("SELECT 1 FROM assets WHERE url = ?", (url,)).fetchone() is not None

    def add_asset(self, url: str, body: bytes, content_type: str | None, fetched_at: str) -> str:
        digest = self.put_blob(body)
        self.conn.execute(
            "INSERT INTO assets (url, sha256, content_type, size, fetched_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, content_type = excluded.content_type,"
            " size = excluded.size, fetched_at = excluded.fetched_at",
            (url, digest, content_type, len(body), fetched_at),
        )
        return digest

    def link_asset(self, article_id: str, url: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO article_assets (article, url) SELECT id, ? FROM articles WHERE article_id = ?",
            (url, article_id),
        )

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT article_id FROM articles ORDER BY id")]

    def stored_versions(self, article_id: str) -> list[tuple[int, str, list[tuple[str, str]], bytes]]:
        """Each version's raw page: (version row id, URL, response headers, body), oldest first."""
        out = []
        for vid, url, headers, digest in self.conn.execute(
            "SELECT v.id, r.url, r.headers, r.body_sha256 FROM versions v JOIN articles a ON a.id = v.article"
            " JOIN responses r ON r.id = v.response_id WHERE a.article_id = ? ORDER BY v.version",
            (article_id,),
        ):
            body = self.get_blob(digest) if digest else None
            if body is not None:
                out.append((vid, url, [tuple(h) for h in json.loads(headers)], body))
        return out  # type: ignore[return-value]

    def rewrite_version(self, version_id: int, record: Article) -> None:
        """A version's record re-extracted from its own raw page (``reextract``)."""
        self.conn.execute(
            "UPDATE versions SET record = ?, content_sha256 = ? WHERE id = ?",
            (encode_record(record.to_json()), content_hash(record), version_id),
        )


def _store_error(path: str, exc: BaseException) -> StoreError:
    text = str(exc)
    if "full" in text:
        return StoreError(f"{path}: database or disk is full; free space and run again (nothing was lost)")
    if "disk I/O error" in text:
        # What a full disk, a file-size limit (ulimit -f) or a quota looks like when the WAL write fails.
        return StoreError(f"{path}: disk I/O error (a full disk, a quota or a file-size limit?); free space or check"
                          " the disk and run again (the archive is as it was before the failing article)")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: database is read-only; give a writable --db path")
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: database is busy (another writer); try again")
    if "malformed" in text or "not a database" in text:
        return StoreError(f"{path}: not a kyanh-archive database or it is damaged ({text})")
    return StoreError(f"{path}: {text}")


def open_archive(path: str | Path, *, readonly: bool = False, create: bool = True) -> Archive:
    """Open (and create or migrate) the archive at ``path``."""
    path = str(path)
    p = Path(path)
    if readonly or not create:
        if not p.exists():
            raise StoreError(f"{path}: no such archive; run `kyanh-archive crawl --db {path}` first")
    elif not p.parent.exists():
        raise StoreError(f"{path}: directory {p.parent} does not exist; create it or choose another --db")
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            conn = _connect_readonly(p)
        else:
            conn = sqlite3.connect(path, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn)
            _create_views(conn)
        else:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _store_error(path, exc) from None
    return Archive(conn, path)


def open_for_reading(path: str | Path, *, on_upgrade: Callable[[int, int], None] | None = None) -> Archive:
    """Open read-only; an archive written by an older kyanh-archive is upgraded first
    when the file can be written (a read-only copy is read as it is).

    ``on_upgrade(from_version, to_version)`` is called before an upgrade: filling the
    v5 summaries of a 100,000-article archive takes about a minute and a half.
    """
    archive = open_archive(path, readonly=True)
    try:
        version = archive.conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error:
        version = len(MIGRATIONS)
    p = Path(path)
    if version < len(MIGRATIONS) and os.access(p, os.W_OK) and os.access(p.parent, os.W_OK):
        if on_upgrade is not None:
            on_upgrade(version, len(MIGRATIONS))
        archive.close()
        open_archive(p, create=False).close()
        archive = open_archive(p, readonly=True)
    return archive


def _connect_readonly(p: Path) -> sqlite3.Connection:
    # The path is quoted: "#", "?" or "%" in a file name would otherwise end the URI's
    # path and drop mode=ro (SQLite would then create a stray empty database).
    uri = f"file:{quote(str(p.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = Path(f"{p}-wal")
        if "unable to open" not in str(exc) or (wal.exists() and wal.stat().st_size > 0):
            raise
    # An archive on read-only media (a DVD, a read-only share): a WAL database needs a
    # -shm file SQLite cannot create there. With no -wal file left, the main file holds
    # every commit and nothing can write it, so it is read as immutable.
    return sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(f"database schema v{version} is newer than this kyanh-archive (v{len(MIGRATIONS)}); upgrade the tool")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_sql(script):
                conn.execute(statement)
            if number in _BACKFILLS:
                _BACKFILLS[number](conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _create_views(conn: sqlite3.Connection) -> None:
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = 'article_summary'").fetchone()[0]:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _split_sql(_VIEWS):
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _split_sql(script: str) -> list[str]:
    statements, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            statements.append("\n".join(buf))
            buf = []
    return statements
