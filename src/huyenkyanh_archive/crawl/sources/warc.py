"""Reading WARC and WACZ files: the site's captured responses, one record at a time.

:func:`read_warc` takes a ``.warc``, a ``.warc.gz`` (one gzip member per
record, as WARC tools write them, or one gzip stream) or a ``.wacz`` (a zip
whose ``archive/`` folder holds WARCs; WACZ 1.1.1) and yields one
:data:`WarcItem` per record: :class:`Captured` for ``response`` records and
for ``revisit`` records resolved to their original's payload, :class:`OffSite`
for other sites' captures, :class:`Skipped` for everything else (``request``,
``warcinfo``, ``metadata``, ``resource``, dns records, unreadable payloads).

Streaming: one record's body in memory at a time (capped), never the file;
a revisit's original is found by an index of the records already seen and
read again from its offset.

Damage: warcio does not raise on a truncated ``.warc.gz`` (it yields a short
record or stops quietly), and it writes warnings to stderr. So the gzip
members are read here (zlib), and every record is checked before it is
yielded: its block must be as long as its Content-Length, followed by the
record separator, and (gzip) its member must end properly. A record that
fails raises :class:`WarcDamaged` naming the offset where it starts, after
every good record before it has been yielded.

A WACZ cut short has lost its zip directory (it is at the end): its stored
WARCs are then found by their local headers and read up to the cut.

Offsets: of a ``.warc``, the byte where the record starts; of a ``.warc.gz``,
the byte where its gzip member starts (what CDX indexes give; records that
share one gzip stream share its offset); inside a WACZ, the same within the
member named in ``file`` as ``<path>!archive/<name>``.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.limitreader import LimitReader  # type: ignore[import-untyped]
from warcio.recordloader import ArcWarcRecordLoader  # type: ignore[import-untyped]

from ...errors import SourceDamagedError
from ...response import Provenance, Response

__all__ = ["DEFAULT_MAX_BODY", "Captured", "OffSite", "Skipped", "WarcDamaged", "WarcItem", "read_warc", "warc_date"]

DEFAULT_MAX_BODY = 64 * 1024 * 1024  # bytes of one body, raw and decoded; larger ones are skipped
_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


# The error of a damaged file (defined with every other error).
WarcDamaged = SourceDamagedError


@dataclass(frozen=True, slots=True)
class Captured:
    """A response of the site, as the file holds it (a revisit: with its original's body)."""

    response: Response
    record_type: str  # "response" | "revisit"


@dataclass(frozen=True, slots=True)
class OffSite:
    """A capture of another site's page: not imported, counted."""

    url: str
    offset: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that gives no response of the site, and why."""

    reason: str
    offset: int
    record_type: str


WarcItem = Captured | OffSite | Skipped


# -- gzip members ------------------------------------------------------------------------


class _NotGzip(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Members:
    """The members of a multi-member gzip stream, one after another, with their offsets."""

    def __init__(self, fh: IO[bytes] | _Window, start: int) -> None:
        self.fh = fh
        self.pos = start  # the offset in the file of pending[0]
        self.pending = b""

    def next_member(self) -> _Member | None:
        while len(self.pending) < 2:
            more = self.fh.read(_CHUNK)
            if not more:
                break
            self.pending += more
        if not self.pending:
            return None
        if self.pending[:2] != _GZIP_MAGIC:
            raise _NotGzip(self.pos)
        return _Member(self)


class _Member:
    """One gzip member's decompressed bytes as a stream; knows whether it ended properly."""

    def __init__(self, owner: _Members) -> None:
        self.owner = owner
        self.start = owner.pos
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out = b""
        self._position = 0
        self.done = False
        self.truncated = False  # the file ended inside the member
        self.error: str | None = None  # the compressed data is corrupt

    def tell(self) -> int:
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        want = _CHUNK * 16 if size is None or size < 0 else size
        while len(self._out) < want and not self.done:
            self._step(want - len(self._out))
        data, self._out = self._out[:want], self._out[want:]
        self._position += len(data)
        return data

    def _step(self, want: int) -> None:
        owner = self.owner
        if not owner.pending:
            owner.pending = owner.fh.read(_CHUNK)
            if not owner.pending:
                self.truncated = self.done = True
                return
        data = owner.pending
        try:
            # max_length bounds what one small compressed chunk can expand into.
            out = self._z.decompress(data, max(want, 1))
        except zlib.error as exc:
            self.error = str(exc)
            self.done = True
            return
        # At the member's end zlib leaves the bytes after it in unused_data, and (when
        # max_length was reached) the same bytes in unconsumed_tail too: take one.
        rest = self._z.unused_data if self._z.eof else self._z.unconsumed_tail
        owner.pos += len(data) - len(rest)
        owner.pending = rest
        self._out += out
        if self._z.eof:
            self.done = True


# -- records -------------------------------------------------------------------------------


class _QuietIterator(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator, minus its stderr warning: a record not followed by the
    separator is noted (``misframed``) for the caller to report as damage."""

    misframed = False

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        # As warcio 1.7/1.8's, which prints "Record not followed by newline" instead.
        empty_size = 0
        first_line = True
        self.misframed = False
        while True:
            line = self.reader.readline()
            if len(line) == 0:
                return None, empty_size
            stripped = line.rstrip()
            if len(stripped) == 0 or first_line:
                empty_size += len(line)
                if len(stripped) != 0:
                    self.misframed = True
                first_line = False
                continue
            return line, empty_size


@dataclass(slots=True)
class _Http:
    status: int
    headers: list[tuple[str, str]]
    version: str


@dataclass(slots=True)
class _Record:
    offset: int
    rec_type: str
    uri: str
    date: str | None
    record_id: str | None
    payload_digest: str | None
    refers_to: str | None
    refers_to_uri: str | None
    refers_to_date: str | None
    http: _Http | None
    body: bytes | None
    problem: str | None  # why there is no usable HTTP response (None: there is one, or none was expected)


_LOADER = ArcWarcRecordLoader(verify_http=False, arc2warc=False)
_HTTP_TYPES = ("response", "revisit")


def warc_date(value: str | None) -> str | None:
    """A WARC-Date as ``%Y-%m-%dT%H:%M:%S.%fZ`` (UTC), the form every source's times share."""
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _bare_uri(value: str | None) -> str:
    # Some writers (WARC 1.0 examples, old Heritrix) wrap URIs in <>.
    text = (value or "").strip()
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def _read_block(stream: Any, cap: int) -> tuple[bytes, bool]:
    """The rest of ``stream``, at most ``cap`` bytes kept; (data, whether more was dropped)."""
    parts, size, over = [], 0, False
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        if size + len(chunk) > cap:
            over = True
        else:
            parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), over


def _read_record(record: Any, offset: int, cap: int) -> _Record:
    """One record's content, read through; the caller checks its framing after."""
    headers = record.rec_headers
    rec_type = (headers.get_header("WARC-Type") or "").lower()
    uri = _bare_uri(headers.get_header("WARC-Target-URI"))
    rec = _Record(
        offset=offset, rec_type=rec_type, uri=uri, date=warc_date(headers.get_header("WARC-Date")),
        record_id=headers.get_header("WARC-Record-ID"), payload_digest=headers.get_header("WARC-Payload-Digest"),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=_bare_uri(headers.get_header("WARC-Refers-To-Target-URI")) or None,
        refers_to_date=warc_date(headers.get_header("WARC-Refers-To-Date")),
        http=None, body=None, problem=None,
    )
    stream = record.raw_stream
    if rec_type in _HTTP_TYPES and uri.lower().startswith(("http://", "https://")):
        try:
            http = _LOADER.load_http_headers(rec_type, uri, stream, record.length)
        except Exception as exc:  # noqa: BLE001 - a block that is not HTTP is a record we skip
            http, rec.problem = None, f"HTTP headers unreadable ({type(exc).__name__})"
        if http is not None:
            try:
                rec.http = _Http(int(http.get_statuscode()), list(http.headers), http.protocol or "HTTP/1.1")
            except (TypeError, ValueError):
                rec.problem = f"bad HTTP status line {http.statusline!r}"
        elif rec_type == "response" and rec.problem is None:
            rec.problem = "no HTTP response in the record"
    elif rec_type in _HTTP_TYPES:
        rec.problem = f"not an HTTP capture ({uri[:60] or 'no WARC-Target-URI'})"
    payload, over = _read_block(stream, cap)
    if over:
        rec.problem = f"body larger than {cap} bytes"
    elif rec.http is not None and rec.problem is None:
        try:
            rec.body = _decode(payload, rec.http.headers, cap)
        except _Undecodable as exc:
            rec.problem = f"body cannot be decoded ({exc})"
    return rec


class _Undecodable(Exception):
    pass


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return next((v for k, v in headers if k.lower() == name), "")


def _dechunk(data: bytes) -> bytes | None:
    """``Transfer-Encoding: chunked`` undone; None if ``data`` is not chunked after all
    (many crawlers store the body de-chunked and keep the header, so warcio falls back too)."""
    out: list[bytes] = []
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return None
        try:
            size = int(data[pos:end].split(b";", 1)[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            return b"".join(out)
        start = end + 2
        if start + size > len(data):
            return None
        out.append(data[start:start + size])
        pos = start + size + 2


def _decode(payload: bytes, headers: list[tuple[str, str]], cap: int) -> bytes:
    """The body with transfer and content codings undone, as warcio's content_stream() does."""
    if "chunked" in _header(headers, "transfer-encoding").lower():
        dechunked = _dechunk(payload)
        if dechunked is not None:
            payload = dechunked
    codings = [c.strip().lower() for c in _header(headers, "content-encoding").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            if payload[:2] != _GZIP_MAGIC:
                continue  # stored decoded, header kept: the bytes are the body
            payload = _inflate(payload, 16 + zlib.MAX_WBITS, cap)
        elif coding == "deflate":
            zlib_wrapped = bool(payload[:1]) and payload[0] & 0x0F == 8
            payload = _inflate(payload, zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS, cap)
        else:
            raise _Undecodable(f"Content-Encoding {coding!r} not supported")
    return payload


def _inflate(data: bytes, wbits: int, cap: int) -> bytes:
    z = zlib.decompressobj(wbits)
    try:
        out = z.decompress(data, cap + 1)
    except zlib.error as exc:
        raise _Undecodable(str(exc)) from None
    if len(out) > cap:
        raise _Undecodable(f"larger than {cap} bytes decoded")
    if not z.eof:
        raise _Undecodable("compressed body cut short")
    return out


def _records(fh: IO[bytes] | _Window, label: str, start: int, cap: int) -> Iterator[_Record]:
    """Every record of one WARC stream (plain or gzip) from ``start``, checked; raises WarcDamaged."""
    try:
        fh.seek(start)
        head = fh.read(2)
        fh.seek(start)
    except Exception as exc:  # noqa: BLE001 - a zip member whose first bytes cannot be inflated
        raise WarcDamaged(label, start, f"unreadable ({type(exc).__name__}: {exc})") from None
    if head == _GZIP_MAGIC:
        yield from _gzip_records(fh, label, start, cap)
    else:
        yield from _unit_records(fh, label, None, cap)


def _gzip_records(fh: IO[bytes] | _Window, label: str, start: int, cap: int) -> Iterator[_Record]:
    members = _Members(fh, start)
    while True:
        try:
            member = members.next_member()
        except _NotGzip as exc:
            raise WarcDamaged(label, exc.offset, "not a gzip member (garbage after the last record?)") from None
        if member is None:
            return
        yield from _unit_records(member, label, member, cap)
        _check_member(member, label)


def _check_member(member: _Member, label: str) -> None:
    if member.error is not None:
        raise WarcDamaged(label, member.start, f"corrupt gzip member ({member.error})")
    if member.truncated:
        raise WarcDamaged(label, member.start, "gzip member cut short (truncated file?)")


def _drain(member: _Member) -> None:
    try:
        while member.read(_CHUNK):
            pass
    except Exception:  # noqa: BLE001, S110 - only to learn whether the member itself is damaged
        pass


def _unit_records(stream: Any, label: str, member: _Member | None, cap: int) -> Iterator[_Record]:
    """The records of one plain stream: the file itself, or one gzip member (whose offset they all get)."""
    it = _QuietIterator(stream, no_record_parse=True)
    while True:
        offset = member.start if member is not None else it.offset
        try:
            record = next(it)
            rec = _read_record(record, offset, cap)
            length = record.rec_headers.get_header("Content-Length")
            remaining = record.raw_stream.limit if isinstance(record.raw_stream, LimitReader) else None
            it.get_record_offset()  # reads to the record's end: the separator, and a member's end
        except StopIteration:
            return
        except WarcDamaged:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes warcio or zipfile raise
            if member is not None:
                _drain(member)  # a corrupt member shows at its CRC: say that rather than what it garbled
                _check_member(member, label)
            raise WarcDamaged(label, offset, f"unreadable record ({type(exc).__name__}: {exc})") from None
        if member is not None and (member.error or member.truncated):
            _check_member(member, label)
        if length is None or not length.strip().isdigit() or remaining is None:
            raise WarcDamaged(label, offset, f"record without a valid Content-Length ({length!r})")
        if remaining > 0:
            raise WarcDamaged(label, offset, f"record cut short: Content-Length {length.strip()}, "
                                             f"{remaining} bytes missing (truncated file?)")
        if it.misframed:
            raise WarcDamaged(label, offset, "record not followed by the record separator "
                                             "(garbage, or a wrong Content-Length)")
        yield rec


# -- revisits ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    unit: str  # which stream of the file ("" = the file itself, else the zip member)
    offset: int
    record_id: str | None


class _Originals:
    """Where the response records seen so far are, to resolve revisits to them."""

    def __init__(self) -> None:
        self.by_id: dict[str, _Ref] = {}
        self.by_uri_date: dict[tuple[str, str], _Ref] = {}
        self.by_digest: dict[str, list[tuple[str, _Ref]]] = {}

    def add(self, unit: str, rec: _Record) -> None:
        if rec.rec_type != "response" or rec.body is None:
            return
        ref = _Ref(unit, rec.offset, rec.record_id)
        if rec.record_id:
            self.by_id.setdefault(rec.record_id, ref)
        if rec.date:
            self.by_uri_date.setdefault((rec.uri, rec.date), ref)
        if rec.payload_digest:
            self.by_digest.setdefault(rec.payload_digest, []).append((rec.uri, ref))

    def find(self, rec: _Record) -> _Ref | None:
        """The original of a revisit: by WARC-Refers-To, then Refers-To-Target-URI + Date,
        then by payload digest (same URI first): WARC 1.1 §6.7's identifying fields."""
        if rec.refers_to and rec.refers_to in self.by_id:
            return self.by_id[rec.refers_to]
        if rec.refers_to_uri and rec.refers_to_date:
            ref = self.by_uri_date.get((rec.refers_to_uri, rec.refers_to_date))
            if ref is not None:
                return ref
        candidates = self.by_digest.get(rec.payload_digest or "", [])
        uri = rec.refers_to_uri or rec.uri
        for cand_uri, ref in candidates:
            if cand_uri == uri:
                return ref
        return candidates[0][1] if candidates else None


# -- files ---------------------------------------------------------------------------------------


def _response(rec: _Record, http: _Http, body: bytes, label: str) -> Response:
    date = rec.date or ""
    return Response(
        url=rec.uri, status=http.status, headers=http.headers, body=body, fetched_at=date,
        http_version=http.version, requested_url=rec.uri,
        provenance=Provenance(source="warc", file=label, offset=rec.offset, captured_at=rec.date,
                              digest=rec.payload_digest),
    )


class _Reader:
    """One file: its streams (the file, or a WACZ's WARC members), the revisit index."""

    def __init__(self, path: str, on_site: Callable[[str], bool], cap: int) -> None:
        self.path = path
        self.on_site = on_site
        self.cap = cap
        self.originals = _Originals()
        self.zip: zipfile.ZipFile | None = None
        self.windows: dict[str, _StoredMember] = {}  # a WACZ without its central directory

    def label(self, unit: str) -> str:
        return f"{self.path}!{unit}" if unit else self.path

    def open_unit(self, unit: str) -> IO[bytes] | _Window:
        if unit in self.windows:
            member = self.windows[unit]
            return _Window(self.path, member.start, member.size)
        if self.zip is not None:
            return self.zip.open(unit)
        return open(self.path, "rb")  # noqa: SIM115 - closed by the caller

    def items(self, unit: str) -> Iterator[WarcItem]:
        label = self.label(unit)
        with self.open_unit(unit) as fh:
            for rec in _records(fh, label, 0, self.cap):
                item = self.item(rec, unit, label)
                self.originals.add(unit, rec)
                yield item

    def item(self, rec: _Record, unit: str, label: str) -> WarcItem:
        if rec.rec_type not in _HTTP_TYPES:
            return Skipped(f"{rec.rec_type or 'untyped'} record", rec.offset, rec.rec_type)
        if rec.uri.lower().startswith(("http://", "https://")) and not self.on_site(rec.uri):
            return OffSite(rec.uri, rec.offset)
        if rec.problem is not None:
            return Skipped(rec.problem, rec.offset, rec.rec_type)
        if rec.date is None:
            return Skipped("no valid WARC-Date", rec.offset, rec.rec_type)
        if rec.rec_type == "response":
            assert rec.http is not None and rec.body is not None
            return Captured(_response(rec, rec.http, rec.body, label), "response")
        return self.revisit(rec, label)

    def revisit(self, rec: _Record, label: str) -> WarcItem:
        ref = self.originals.find(rec)
        if ref is None:
            return Skipped("revisit whose original is not earlier in the file", rec.offset, "revisit")
        original = self.load(ref)
        if original is None or original.http is None or original.body is None:
            return Skipped(f"revisit whose original (byte {ref.offset}) cannot be read", rec.offset, "revisit")
        # The revisit's own HTTP headers are what the site answered then; a 304
        # (WARC 1.1 server-not-modified profile) or none at all: the original's.
        http = rec.http if rec.http is not None and 200 <= rec.http.status < 300 else original.http
        if rec.payload_digest is None:
            rec.payload_digest = original.payload_digest
        return Captured(_response(rec, http, original.body, label), "revisit")

    def load(self, ref: _Ref) -> _Record | None:
        """The original record, read again from its offset (bodies are not kept in memory)."""
        try:
            with self.open_unit(ref.unit) as fh:
                for rec in _records(fh, self.label(ref.unit), ref.offset, self.cap):
                    if ref.record_id is None or rec.record_id == ref.record_id:
                        return rec
        except (WarcDamaged, OSError, zipfile.BadZipFile):
            return None
        return None


def _is_warc_member(name: str) -> bool:
    # WACZ 1.1.1: the WARCs are under archive/ (indexes/, pages/, datapackage.json beside them).
    return name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz"))


def _wacz_members(zf: zipfile.ZipFile) -> list[str]:
    return [i.filename for i in zf.infolist() if _is_warc_member(i.filename)]


# -- a WACZ cut short -------------------------------------------------------------------------------
# A zip's directory is at its end, so a WACZ cut short (a download that stopped)
# has none. WACZ writers store the WARCs uncompressed (they are gzip already),
# so their local headers (APPNOTE 4.3.7) are enough to find and read them.

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True, slots=True)
class _StoredMember:
    name: str
    start: int  # where its data starts in the file
    size: int


class _Window:
    """A stored member's bytes, read straight from the file."""

    def __init__(self, path: str, start: int, size: int) -> None:
        self.fh = open(path, "rb")  # noqa: SIM115 - closed by close()/__exit__
        self.start, self.size, self.pos = start, size, 0

    def read(self, n: int | None = -1) -> bytes:
        left = self.size - self.pos
        n = left if n is None or n < 0 else min(n, left)
        self.fh.seek(self.start + self.pos)
        data = self.fh.read(n)
        self.pos += len(data)
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = max(0, pos if whence == 0 else self.pos + pos if whence == 1 else self.size + pos)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.fh.close()

    def __enter__(self) -> _Window:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, pos)
        if kind == 1:  # the Zip64 extended information: the sizes that did not fit, in this order
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, pos + 4))
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
        pos += 4 + length
    return usize, csize


def _local_members(path: str) -> tuple[list[_StoredMember], int, str]:
    """The stored members found by their local headers, in file order; the byte where that stops, and why."""
    out: list[_StoredMember] = []
    pos = 0
    with open(path, "rb") as fh:
        end = fh.seek(0, 2)
        while True:
            fh.seek(pos)
            head = fh.read(_LOCAL_HEADER.size)
            if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
                return out, pos, "no more local headers" if head[:4] == b"PK\x01\x02" else "no local header here"
            _sig, _ver, flags, method, _t, _d, _crc, csize, usize, name_len, extra_len = _LOCAL_HEADER.unpack(head)
            name = fh.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", "replace")
            usize, csize = _zip64_sizes(fh.read(extra_len), usize, csize)
            data = pos + _LOCAL_HEADER.size + name_len + extra_len
            if flags & 0x08 and csize == 0:
                return out, pos, f"member {name} gives its size only after its data"
            if method == 0:
                out.append(_StoredMember(name, data, csize))
            elif _is_warc_member(name):
                return out, pos, f"member {name} is compressed, and unreadable without the zip's directory"
            pos = data + csize
            if pos >= end:
                return out, min(pos, end), f"member {name} runs to the end of the file"


def read_warc(path: str | Path, *, on_site: Callable[[str], bool], max_body: int = DEFAULT_MAX_BODY) -> Iterator[WarcItem]:
    """Every record of a ``.warc``, ``.warc.gz`` or ``.wacz`` file, in file order, as a :data:`WarcItem`.

    ``on_site(url)`` says whether a captured URL is the site's. Raises
    :class:`WarcDamaged` (after yielding every good record before the damage)
    for a file that cannot be read through; nothing else escapes but OSError
    for a file that cannot be opened at all.
    """
    name = str(path)
    reader = _Reader(name, on_site, max_body)
    if not name.lower().endswith(".wacz"):
        yield from reader.items("")
        return
    try:
        zf = zipfile.ZipFile(name)
    except zipfile.BadZipFile as exc:
        yield from _salvage(reader, name, str(exc))
        return
    with zf:
        reader.zip = zf
        members = _wacz_members(zf)
        if not members:
            raise WarcDamaged(name, 0, "no archive/*.warc or archive/*.warc.gz in this WACZ")
        for member in members:
            try:
                yield from reader.items(member)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                # Opening a member (a bad local header, an unknown compression method).
                info = zf.getinfo(member)
                raise WarcDamaged(name, info.header_offset, f"zip member {member} unreadable ({exc})") from None



def _salvage(reader: _Reader, name: str, problem: str) -> Iterator[WarcItem]:
    """A WACZ without a readable directory: the WARCs its local headers give, then the damage."""
    members, stop, why = _local_members(name)
    warcs = [m for m in members if _is_warc_member(m.name)]
    if not warcs:
        raise WarcDamaged(name, 0, f"not a readable zip archive ({problem})")
    reader.windows = {m.name: m for m in warcs}
    for member in warcs:
        yield from reader.items(member.name)
    raise WarcDamaged(name, stop, f"zip archive without its directory (cut short?): {why}")
