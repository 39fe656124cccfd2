"""Export the archive: JSONL records, a flat CSV, the raw responses as WARC 1.1, the
graph of people and offices as GraphML, or the main tables as Parquet.

- ``jsonl``: one line per article, the current version's record exactly as
  ``extract --json`` gives it (:meth:`~.record.Article.to_dict`).
- ``csv``: one row per article; authors and attendees flattened into cells.
- ``warc``: every stored response as a ``request`` + ``response`` record pair
  (WARC 1.1, ISO 28500:2017), with the original headers and fetch dates, plus
  a ``warcinfo`` record first. A name ending in ``.gz`` gets one gzip member
  per record, as WARC tools expect.

- ``graphml``: people and offices as nodes, co-appearance and holds-office edges
  (:mod:`.export_graph`).
- ``parquet``: one file per main table in a directory (:mod:`.export_parquet`;
  needs the optional ``pyarrow``).

``since``/``until`` select articles by publication date (jsonl, csv) and
responses by fetch date (warc); the graph and the tables are the whole archive.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Literal
from urllib.parse import urlsplit

from ..clock import day_bound
from ..errors import QueryError, StoreError
from ..record import Article
from . import export_graph, export_parquet
from .records import decode_record
from .search_index import day_range_clauses
from .store import Archive

Format = Literal["jsonl", "csv", "warc", "graphml", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "warc", "graphml", "parquet")
# What the count an export returns counts, by format.
UNITS: dict[str, str] = {"jsonl": "articles", "csv": "articles", "warc": "responses", "graphml": "nodes and edges",
                         "parquet": "rows"}

CSV_COLUMNS = (
    "article_id", "url", "published_at", "date_text", "category", "folder", "title", "lead", "body",
    "captions", "byline", "authors", "attendees", "images", "related", "extractor_version",
)


def export(
    archive: Archive,
    fmt: str,
    out: IO[bytes],
    *,
    since: str | None = None,
    until: str | None = None,
    gzip_records: bool = False,
) -> int:
    """Write the archive to the binary stream ``out``; returns the number of records written."""
    if fmt not in FORMATS:
        raise QueryError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    lo = day_bound(since, upper=False, option="--since")
    hi = day_bound(until, upper=True, option="--until")
    _whole_archive_only(fmt, lo, hi)
    if fmt == "parquet":
        raise QueryError("--format parquet writes a directory of files: give it with -o DIR")
    try:
        if fmt == "graphml":
            counts = export_graph.write_graph(archive, out)
            return counts.nodes + counts.edges
        if fmt == "jsonl":
            return _jsonl(archive, out, lo, hi)
        if fmt == "csv":
            return _csv(archive, out, lo, hi)
        return _warc(archive, out, lo, hi, gzip_records)
    except sqlite3.Error as exc:
        raise StoreError(f"{archive.path}: {exc}") from None


def _whole_archive_only(fmt: str, since: str | None, until: str | None) -> None:
    if fmt in ("graphml", "parquet") and (since or until):
        raise QueryError(f"--since/--until select articles for jsonl, csv and warc; --format {fmt} is the whole archive")


def export_to_path(archive: Archive, fmt: str, path: str | Path, **options: str | None) -> int:
    """Export to a file (parquet: a directory of files), each written beside its final
    name and renamed when complete."""
    path = Path(path)
    if fmt == "parquet":
        _whole_archive_only(fmt, options.get("since"), options.get("until"))
        return export_parquet.write_parquet_dir(archive, path).rows
    if not path.parent.exists():
        raise QueryError(f"{path}: directory {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as fh:
            count = export(archive, fmt, fh, gzip_records=fmt == "warc" and path.suffix == ".gz", **options)  # type: ignore[arg-type]
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


# -- records ---------------------------------------------------------------------


def current_records(archive: Archive, since: str | None = None, until: str | None = None) -> Iterator[tuple[str, str | None, Article]]:
    """(article_id, folder, record) of each article's latest version, oldest publication first."""
    where, params = day_range_clauses("a.published_at", since, until)
    sql = (
        "SELECT a.article_id, a.folder, v.record FROM articles a"
        " JOIN versions v ON v.article = a.id AND v.version = (SELECT max(version) FROM versions WHERE article = a.id)"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.published_at, a.article_id"
    )
    for article_id, folder, record in archive.conn.execute(sql, params):
        yield article_id, folder, Article.from_dict(decode_record(record))


def _jsonl(archive: Archive, out: IO[bytes], since: str | None, until: str | None) -> int:
    count = 0
    for _aid, _folder, record in current_records(archive, since, until):
        out.write(record.to_json().encode("utf-8") + b"\n")
        count += 1
    return count


def _csv(archive: Archive, out: IO[bytes], since: str | None, until: str | None) -> int:
    # utf-8-sig: spreadsheet programs read Vietnamese correctly only with the BOM.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for article_id, folder, r in current_records(archive, since, until):
        writer.writerow([
            article_id, r.url, r.published_at, r.date_text, r.category, folder, r.title, r.lead, r.body,
            " | ".join(r.captions), r.byline, "; ".join(r.authors),
            "; ".join(f"{p.name} ({', '.join(p.roles)})" if p.roles else p.name for p in r.attendees),
            " ".join(i.src for i in r.images),
            " ".join(x.url for x in r.related),
            r.extractor_version,
        ])
        count += 1
    text.flush()
    text.detach()
    return count


# -- WARC ------------------------------------------------------------------------

# Headers that describe a transfer encoding the stored body no longer has
# (httpx hands the crawler decoded bodies). Kept under X-Archive-Orig- so that
# readers do not try to un-gzip or de-chunk a plain body; the usual convention
# of web archives that store decoded payloads.
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def _warc_date(value: str) -> str:
    """WARC-Date: UTC, W3C-DTF; WARC 1.1 allows fractional seconds."""
    text = value.strip().replace(" ", "T")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + (f".{when.microsecond:06d}" if when.microsecond else "") + "Z"


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def _clean(value: str) -> str:
    # A header value cannot carry a line break; a stored one would forge headers.
    return value.replace("\r", " ").replace("\n", " ")


def _pairs(raw: str | None) -> list[tuple[str, str]]:
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    items = data.items() if isinstance(data, dict) else data
    return [(_clean(str(k)), _clean(str(v))) for k, v in items]


def _record(warc_type: str, uri: str | None, date: str, block: bytes, content_type: str, extra: list[tuple[str, str]]) -> tuple[str, bytes]:
    record_id = f"<urn:uuid:{uuid.uuid4()}>"
    head = [("WARC-Type", warc_type), ("WARC-Record-ID", record_id), ("WARC-Date", date)]
    if uri:
        head.append(("WARC-Target-URI", uri))
    head += extra
    head += [("Content-Type", content_type), ("WARC-Block-Digest", _digest(block)), ("Content-Length", str(len(block)))]
    text = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head) + "\r\n"
    return record_id, text.encode("utf-8") + block + b"\r\n\r\n"


def _http_response(status: int, version: str | None, headers: list[tuple[str, str]], body: bytes) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    lines = [f"{version or 'HTTP/1.1'} {status} {reason}".rstrip()]
    for k, v in headers:
        if k.lower() in _TRANSFER_HEADERS:
            lines.append(f"X-Archive-Orig-{k}: {v}")
        else:
            lines.append(f"{k}: {v}")
    if body or status not in (204, 304):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def _http_request(method: str, url: str, version: str | None, headers: list[tuple[str, str]]) -> bytes:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} {version or 'HTTP/1.1'}"]
    if not any(k.lower() == "host" for k, _v in headers):
        lines.append(f"Host: {parts.netloc}")
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _warc(archive: Archive, out: IO[bytes], since: str | None, until: str | None, gz: bool) -> int:
    def write(data: bytes) -> None:
        out.write(gzip.compress(data, 6) if gz else data)

    from importlib.metadata import PackageNotFoundError, version

    try:
        software = f"kyanh-archive/{version('kyanh-archive')}"
    except PackageNotFoundError:
        software = "kyanh-archive"
    info = f"software: {software}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
    _rid, rec = _record("warcinfo", None, _warc_date(datetime.now(UTC).isoformat()), info.encode(), "application/warc-fields", [])
    write(rec)
    where, params = day_range_clauses("r.fetched_at", since, until)
    sql = (
        "SELECT r.url, r.method, r.status, r.http_version, r.request_headers, r.headers, r.fetched_at, r.body_sha256, b.data, b.codec, b.dict"
        " FROM responses r LEFT JOIN blobs b ON b.sha256 = r.body_sha256"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.id"
    )
    count = 0
    # Streamed row by row (an archive's pages do not fit in memory); reading a
    # dictionary on the way runs on its own cursor.
    rows = archive.conn.execute(sql, params)
    for url, method, status, http_version, request_headers, headers, fetched_at, sha, data, codec, dict_sha in rows:
        body = archive.bodies.decode(data, codec, dict_sha, sha) if data is not None else b""
        date = _warc_date(fetched_at)
        uri = _clean(url)
        block = _http_response(int(status), http_version, _pairs(headers), body)
        response_id, rec = _record(
            "response", uri, date, block, "application/http;msgtype=response",
            [("WARC-Payload-Digest", _digest(body))],
        )
        write(rec)
        req = _http_request(method or "GET", uri, http_version, _pairs(request_headers))
        _req_id, rec = _record("request", uri, date, req, "application/http;msgtype=request", [("WARC-Concurrent-To", response_id)])
        write(rec)
        count += 1
    return count
