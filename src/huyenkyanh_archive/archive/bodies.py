"""Raw bodies and responses: every body stored once by its hash, every response kept.

Bodies are compressed with zstandard against the archive's dictionary page
(:mod:`.blobs`); the first article page stored becomes that dictionary.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..clock import utc_now
from ..errors import StoreError
from ..response import Response
from .blobs import MIN_DICT_SIZE, BlobCodec
from .records import PreparedBody, prepare_body

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["Bodies", "header_pairs"]

_UNKNOWN = object()


def header_pairs(headers: Mapping[str, str] | Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return [(str(k), str(v)) for k, v in headers]


class Bodies:
    """The ``blobs``, ``blob_dicts`` and ``responses`` tables."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._codec = BlobCodec()
        # The dictionary new blobs are compressed against: _UNKNOWN until looked up, then a
        # sha256 or None (none yet). Forgotten on rollback: the row may be gone.
        self._dict_sha: str | None | object = _UNKNOWN
        archive.on_rollback(self._forget_dictionary)

    def _forget_dictionary(self) -> None:
        self._dict_sha = _UNKNOWN

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._archive.conn

    def put(self, body: bytes, prepared: PreparedBody | None = None, *, dictionary_candidate: bool = False) -> str:
        """Store ``body`` once (by content hash); returns its sha256.

        ``dictionary_candidate``: an article page, which becomes the archive's compression
        dictionary when it has none yet (see :mod:`.blobs`).
        """
        prep = prepared or prepare_body(body)
        if self._conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (prep.digest,)).fetchone():
            return prep.digest
        dict_sha = self._dictionary()
        if dict_sha is None and dictionary_candidate and len(body) >= MIN_DICT_SIZE:
            packed = self._codec.compress(body)
            self._insert(prep, packed.data, packed.codec, None)
            self._conn.execute("INSERT INTO blob_dicts (sha256, created_at) VALUES (?, ?)", (prep.digest, utc_now()))
            self._codec.add_dict(prep.digest, body)
            self._dict_sha = prep.digest
            return prep.digest
        packed = self._codec.compress(body, dict_sha)
        self._insert(prep, packed.data, packed.codec, packed.dict_sha256)
        return prep.digest

    def _insert(self, prep: PreparedBody, data: bytes, codec: str, dict_sha: str | None) -> None:
        self._conn.execute(
            "INSERT INTO blobs (sha256, size, data, codec, dict) VALUES (?, ?, ?, ?, ?)",
            (prep.digest, prep.size, data, codec, dict_sha),
        )

    def _dictionary(self) -> str | None:
        if self._dict_sha is _UNKNOWN:
            row = self._conn.execute("SELECT sha256 FROM blob_dicts ORDER BY rowid DESC LIMIT 1").fetchone()
            self._dict_sha = row[0] if row else None
            if row:
                self._load_dict(row[0])
        return self._dict_sha  # type: ignore[return-value]

    def _load_dict(self, sha: str) -> None:
        if self._codec.has_dict(sha):
            return
        row = self._conn.execute("SELECT data, codec FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            raise StoreError(f"{self._archive.path}: compression dictionary {sha} is missing; the archive is damaged")
        self._codec.add_dict(sha, self._decode(row[0], row[1], None, sha))

    def decode(self, data: bytes, codec: str, dict_sha: str | None, sha: str = "?") -> bytes:
        """A ``blobs`` row's body from its ``data``, ``codec`` and ``dict`` columns."""
        if dict_sha is not None:
            self._load_dict(dict_sha)
        return self._decode(data, codec, dict_sha, sha)

    def _decode(self, data: bytes, codec: str, dict_sha: str | None, sha: str) -> bytes:
        try:
            return self._codec.decompress(data, codec, dict_sha)
        except ValueError as exc:
            raise StoreError(f"{self._archive.path}: blob {sha} cannot be read ({exc})") from None

    def get(self, digest: str) -> bytes | None:
        """The body with this sha256, or None."""
        row = self._conn.execute("SELECT data, codec, dict FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        return self.decode(row[0], row[1], row[2], digest) if row else None

    def add_response(
        self, response: Response, kind: str, run_id: int | None = None, *, prepared: PreparedBody | None = None
    ) -> int:
        """Keep one response (its body once) with where it came from; returns the ``responses`` row id."""
        candidate = kind == "article" and response.status == 200
        digest = self.put(response.body, prepared, dictionary_candidate=candidate) if response.body else None
        cur = self._conn.execute(
            "INSERT INTO responses (run_id, url, kind, method, status, http_version, request_headers,"
            " headers, body_sha256, fetched_at, source, provenance, archive_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id, response.url, kind, "GET", response.status, response.http_version,
                json.dumps(header_pairs(response.request_headers), ensure_ascii=False),
                json.dumps(header_pairs(response.headers), ensure_ascii=False),
                digest, response.fetched_at, response.provenance.source,
                json.dumps(prov, ensure_ascii=False) if (prov := response.provenance.to_dict()).keys() - {"source"} else None,
                response.provenance.archive_url,
            ),
        )
        return int(cur.lastrowid or 0)

    def answered_gone(self, urls: Sequence[str]) -> set[str]:
        """Which of ``urls`` answered 404 or 410 when last asked (a link to them is not followed again)."""
        from .crawl_state import chunked

        out: set[str] = set()
        for chunk in chunked(list(dict.fromkeys(urls))):
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self._conn.execute(
                f"SELECT r.url FROM responses r WHERE r.url IN ({marks}) AND r.status IN (404, 410)"
                " AND r.id = (SELECT max(id) FROM responses WHERE url = r.url)", tuple(chunk)))
        return out

    def has_capture(self, archive_url: str) -> bool:
        """Whether a response fetched from this web-archive address is kept (a rerun fetches it not again)."""
        return self._conn.execute(
            "SELECT 1 FROM responses WHERE archive_url = ?",
            (archive_url,),
        ).fetchone() is not None

    def captures_held(self) -> list[tuple[str, str | None, str]]:
        """(site address, payload digest as the archive named it, web-archive address) of every
        kept response that came from a web archive: a rerun lists captures, fetches only new ones."""
        return [(str(url), digest, str(archive_url)) for url, digest, archive_url in self._conn.execute(
            "SELECT url, json_extract(provenance, '$.digest'), archive_url FROM responses WHERE archive_url IS NOT NULL"
        )]

    def has_copy(self, url: str, captured_at: str) -> bool:
        """Whether a web archive's or a file's copy of ``url`` captured at ``captured_at`` is kept."""
        return self._conn.execute(
            "SELECT 1 FROM responses WHERE url = ? AND fetched_at = ? AND source <> 'live' LIMIT 1",
            (url, captured_at),
        ).fetchone() is not None
