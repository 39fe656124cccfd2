"""``export --format parquet -o DIR``: the main tables as Parquet files, for DuckDB, pandas, polars.

One file per table in ``DIR`` (created if missing): ``articles``, ``versions`` (metadata:
the compressed record and raw pages stay in the archive), ``authors``, ``attendees``,
``persons`` (with ``name``, the most written form), ``offices``, ``office_holders`` and
``office_forms``. Columns keep the archive's names; integers are int64, text is UTF-8
strings, dates stay ISO 8601 text as stored. Each file is written beside its final name
and renamed when complete; rows are read and written in batches.

Needs ``pyarrow``, an optional extra: ``pip install 'kyanh-archive[parquet]'``.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import QueryError, StoreError

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["INSTALL_HINT", "TABLES", "ParquetSummary", "write_parquet_dir"]

INSTALL_HINT = "pip install 'kyanh-archive[parquet]'"
_BATCH = 20_000

# table -> the SELECT that exports it (columns as stored; blobs left out).
TABLES: dict[str, str] = {
    "articles": "SELECT * FROM articles ORDER BY id",
    "versions": "SELECT id, article, version, response_id, fetched_at, content_sha256 FROM versions ORDER BY id",
    "authors": "SELECT * FROM authors ORDER BY article, position",
    "attendees": "SELECT * FROM attendees ORDER BY id",
    "persons": (
        "SELECT p.id, p.name_key,"
        " (SELECT n.name FROM person_names n WHERE n.person = p.id ORDER BY n.articles DESC, n.name DESC LIMIT 1) AS name,"
        " p.articles, p.first_day, p.first_article, p.last_day, p.last_article FROM persons p ORDER BY p.id"
    ),
    "offices": "SELECT * FROM offices ORDER BY id",
    "office_holders": "SELECT * FROM office_holders ORDER BY office, name_key",
    "office_forms": "SELECT * FROM office_forms ORDER BY office, name_key, role, role_key, label",
}


@dataclass(slots=True)
class ParquetSummary:
    directory: str
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows written

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise QueryError(f"--format parquet needs pyarrow: {INSTALL_HINT}") from None
    return pa, pq


def _declared_types(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    out = {}
    for table in ("articles", "versions", "authors", "attendees", "persons", "offices", "office_holders", "office_forms"):
        for _cid, name, decl, *_rest in conn.execute(f"PRAGMA table_info({table})"):
            out[(table, name)] = (decl or "").upper()
    return out


def _arrow_type(pa: Any, table: str, column: str, declared: dict[tuple[str, str], str]) -> Any:
    decl = declared.get((table, column), "")
    if "INT" in decl:
        return pa.int64()
    if "REAL" in decl or "FLOA" in decl or "DOUB" in decl:
        return pa.float64()
    return pa.string()


def _write_table(pa: Any, pq: Any, conn: sqlite3.Connection, table: str, sql: str, target: Path,
                 declared: dict[tuple[str, str], str]) -> int:
    cursor = conn.execute(sql)
    columns = [d[0] for d in cursor.description]
    schema = pa.schema([pa.field(c, _arrow_type(pa, table, c, declared)) for c in columns])
    partial = target.with_name(target.name + ".partial")
    count = 0
    try:
        with pq.ParquetWriter(str(partial), schema, compression="zstd") as writer:
            while True:
                rows = cursor.fetchmany(_BATCH)
                if not rows:
                    break
                arrays = [pa.array([r[i] for r in rows], type=schema.field(i).type) for i in range(len(columns))]
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                count += len(rows)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def write_parquet_dir(archive: Archive, directory: str | Path) -> ParquetSummary:
    """Write one ``<table>.parquet`` per main table into ``directory``."""
    pa, pq = _pyarrow()
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise QueryError(f"-o {out}: --format parquet writes a directory of files; {out} is a file")
    if not out.parent.exists():
        raise QueryError(f"-o {out}: directory {out.parent} does not exist")
    summary = ParquetSummary(str(out))
    try:
        out.mkdir(exist_ok=True)
        declared = _declared_types(archive.conn)
        for table, sql in TABLES.items():
            summary.tables[table] = _write_table(pa, pq, archive.conn, table, sql, out / f"{table}.parquet", declared)
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"{out}: cannot write ({exc.strerror or exc})") from None
    return summary
