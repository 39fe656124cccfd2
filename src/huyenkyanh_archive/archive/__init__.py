"""The archive: one SQLite file of raw responses, records, crawl state and summaries.

Only this package writes SQL against the archive's tables; the crawl, the
query layer and the CLI ask it. See :mod:`.store` for the parts.
"""

from __future__ import annotations

from .articles import SaveOutcome, StoredVersion
from .crawl_state import HeldArticle, QueuedArticle
from .records import PreparedBody, PreparedRecord, content_hash, decode_record, prepare_body, prepare_record
from .schema import SCHEMA_VERSION
from .store import Archive, open_archive, open_for_reading

__all__ = [
    "Archive", "HeldArticle", "PreparedBody", "PreparedRecord", "QueuedArticle", "SCHEMA_VERSION", "SaveOutcome",
    "StoredVersion", "content_hash", "decode_record", "open_archive", "open_for_reading", "prepare_body",
    "prepare_record",
]
