"""A record and a body as the archive stores them, computed off the writer.

The crawl's workers call :func:`prepare_record` and :func:`prepare_body`
(JSON, hashes, folding) so that the single writer only runs SQL. The
content hash is what decides a new version: it covers what a reader sees,
not where the page was fetched from or which extractor read it.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from ..record import Article
from ..vietnamese import fold_text

__all__ = [
    "PreparedBody", "PreparedRecord", "content_hash", "decode_record", "encode_record", "fts_texts",
    "prepare_body", "prepare_record",
]

# Not content: the argument the page came from, the extractor's version, and the page's
# address and id (one article reached through two address forms is one version).
_VOLATILE = ("source", "extractor_version", "url", "article_id")


def content_hash(record: Article | dict[str, Any]) -> str:
    """Hash of what a reader sees; a new version is stored only when this changes."""
    data = dict(record) if isinstance(record, dict) else record.to_dict()
    for volatile in _VOLATILE:
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


FtsTexts = tuple[str, str, str, str]


@dataclass(slots=True)
class PreparedRecord:
    """A record's stored form, content hash and folded FTS text, computed ahead of the write."""

    stored: bytes  # encode_record(JSON)
    digest: str
    fts: FtsTexts


def prepare_record(record: Article) -> PreparedRecord:
    data = record.to_dict()
    return PreparedRecord(encode_record(json.dumps(data, ensure_ascii=False)), content_hash(data), fts_texts(record))


def fts_texts(record: Article) -> FtsTexts:
    """The folded (title, lead, body, captions) the search index holds for ``record``."""
    return (fold_text(record.title or ""), fold_text(record.lead or ""), fold_text(record.body or ""),
            fold_text("\n".join(record.captions)))
