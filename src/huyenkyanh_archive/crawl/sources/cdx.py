"""The Wayback Machine's CDX server and ``id_`` replay: the protocol, and nothing else.

Pure: no HTTP here. A caller builds requests from :class:`CdxQuery`, hands the
answers' text to :func:`parse_cdx`, fetches :meth:`Capture.replay_url` and
hands status, headers and body to :func:`read_replay`, which says what the
answer means (a :class:`Memento`, a redirect to the nearest capture, nothing
archived, slow down, or a failure).

Where a rule comes from:

- [R] internetarchive/wayback ``wayback-cdx-server/README.md`` (the CDX API);
- [E] edgi-govdata-archiving/wayback ``src/wayback/_client.py`` and its
  recorded traffic (replay headers, rate limits, no Retry-After on 429);
- [CT] cocrawler/cdx_toolkit (``id_`` fetches, retry statuses, pacing);
- [S] the ``surt`` library's IA canonicalizer (the urlkey form).

The query strategy (why these hosts, filters, collapse and paging) is
documented on :data:`DEFAULT_FILTERS`, :func:`hosts_for` and :class:`CdxQuery`.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import hashlib
import ipaddress
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote, unquote, urljoin, urlsplit

from ...errors import ProtocolError
from ...response import Provenance, Response

__all__ = [
    "CDX_INTERVAL", "CDX_PATH", "DEFAULT_BASE", "DEFAULT_FIELDS", "DEFAULT_FILTERS", "DEFAULT_LIMIT",
    "RATE_LIMIT_STATUSES", "RATE_LIMIT_WAIT", "REPLAY_INTERVAL", "RETRY_STATUSES",
    "Capture", "CaptureDeduper", "CdxFormatError", "CdxPage", "CdxQuery", "Failed", "MatchType", "Memento",
    "NearestCapture", "NotArchived", "RateLimited", "ReplayTarget", "Replayed",
    "cdx_digest", "digest_matches", "hosts_for", "mimetype_filter", "parse_cdx", "parse_num_pages",
    "parse_replay_url", "rate_limit_of", "read_replay", "site_headers", "site_queries", "surt",
]

DEFAULT_BASE = "https://web.archive.org"
CDX_PATH = "/cdx/search/cdx"

# The public CDX fields, in the server's order [R].
DEFAULT_FIELDS: tuple[str, ...] = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")

# -- pace ----------------------------------------------------------------------------
# The archive asks clients for modest rates: about 60 CDX requests a minute
# averaged over 5 minutes per IP, and clients that keep going through 429s
# for more than a minute are blocked at the firewall for an hour, doubling on
# repeat (IA staff on edgi-govdata-archiving/wayback issues 137 and 153).
# edgi's defaults, set at IA's request to 80 % of the hard limits, are
# 24 CDX requests/min and 8 mementos/s [E]; cdx_toolkit keeps 6 s between
# requests to web.archive.org [CT]. We run one request at a time and go
# slower still: an archiving job is not in a hurry, and the archive is a
# shared public service.
CDX_INTERVAL = 3.0  # seconds between CDX request starts: 20 a minute, a third of the limit
REPLAY_INTERVAL = 1.0  # seconds between replay (id_) request starts: 1/s, an eighth of edgi's default
# IA sends no Retry-After on 429 (edgi, 2023-11-27); edgi then waits 60 s [E].
# Every request to the archive must stop that long, not just the one refused.
RATE_LIMIT_WAIT = 60.0
RATE_LIMIT_STATUSES = frozenset({429, 503})
# Worth another try later (cdx_toolkit retries these with doubling backoff up to 60 s [CT]).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 509})

# Rows per CDX request. Larger means fewer requests, but the server stops at
# its own internal limits anyway and edgi found 1000 a safe default [E].
DEFAULT_LIMIT = 1000

# Which captures to list. We keep 2xx pages, 3xx captures (they tell which
# addresses were aliases of which; they are never stored as articles) and
# revisits (mimetype warc/revisit, statuscode "-" [R]: replayed through id_ they
# give their original's bytes, and the (urlkey, digest) dedupe drops them when
# the original is listed too). 4xx/5xx captures are error pages: never an
# article, so not worth a request to the archive. Filters are Java regexes that
# must match the whole field [R]; "-" does not match "[45].." so revisits pass.
DEFAULT_FILTERS: tuple[str, ...] = ("!statuscode:[45]..",)

MatchType = Literal["exact", "prefix", "host", "domain"]
_MATCH_TYPES = ("exact", "prefix", "host", "domain")


# A CDX answer that is not a CDX answer (not JSON, no header row, a cut body).
CdxFormatError = ProtocolError


# -- urlkeys ---------------------------------------------------------------------------

# IA's canonicalizer drops "www." and "www<digits>." [S]; edgi documents the same.
_WWW = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def surt(url: str) -> str:
    """The urlkey the CDX server files ``url`` under.

    Host reversed and comma-joined, ``www.`` dropped, scheme and default port
    dropped, everything lower case, then ``)`` and the path and query [R]; the
    query's arguments sorted as IA's canonicalizer does [S]. So
    ``http://www.archive.org:80/`` and ``https://archive.org/`` are both
    ``org,archive)/``.
    """
    text = url.strip()
    if not _SCHEME.match(text):
        text = "http://" + text  # the CDX server takes bare "host/path" URLs [R]
    parts = urlsplit(text)
    host = (parts.hostname or "").strip(".")
    host = _WWW.sub("", host)
    try:
        port = parts.port
    except ValueError:
        port = None
    try:
        ipaddress.ip_address(host)
        key = host  # addresses are not reversed
    except ValueError:
        key = ",".join(reversed(host.split(".")))
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        key += f":{port}"
    path = parts.path or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return (key + ")" + path + (f"?{query}" if query else "")).lower()


def hosts_for(site_hosts: Iterable[str]) -> list[str]:
    """The hosts to ask the CDX server about: one ``matchType=host`` query each.

    ``www.`` is dropped: the urlkey drops it too, so a host query for
    ``kyanh.gov.vn`` already returns the captures of ``www.kyanh.gov.vn``
    (interleaved by timestamp [R]); asking for the ``www.`` host as well would
    return the same rows twice and double the requests. A ``domain`` query is
    not better: on ``hatinh.gov.vn`` (the parent of ``kyanh.hatinh.gov.vn``) it
    would list the whole province, and on ``kyanh.gov.vn`` it pulls subhosts
    that are not the portal. Order kept, duplicates removed.
    """
    out: list[str] = []
    for host in site_hosts:
        bare = _WWW.sub("", host.strip().lower().rstrip("."))
        if bare and bare not in out:
            out.append(bare)
    return out


def mimetype_filter(mimetypes: Iterable[str]) -> str:
    """A ``filter=`` value keeping only these mimetypes (whole-field match [R])."""
    return "mimetype:(" + "|".join(re.escape(m) for m in mimetypes) + ")"


# -- queries -----------------------------------------------------------------------------


def _check_timestamp(value: str | None, name: str) -> None:
    # from/to take 1 to 14 digits of yyyyMMddhhmmss [R].
    if value is not None and not re.fullmatch(r"\d{1,14}", value):
        raise ValueError(f"{name}: 1 to 14 digits (yyyyMMddhhmmss), not {value!r}")


@dataclass(frozen=True, slots=True)
class CdxQuery:
    """One CDX request's parameters.

    Paging: by default with resume keys (``showResumeKey=true``, then the key
    sent back unchanged with everything else [R]). The paging API (``page``,
    ``showNumPages``, ``pageSize``) works too, but edgi avoids it because paged
    results come from one secondary index and can lag the newest captures [R][E],
    and filters apply after paging so filtered pages are often empty; use
    :meth:`at_page` / :meth:`num_pages` for it.

    ``collapse=digest`` drops *adjacent* duplicates only [R] (a repeat with
    another capture in between stays, and every new request starts afresh),
    so the caller still dedupes by (urlkey, digest): see :class:`CaptureDeduper`.
    Adjacent rows of two different urlkeys with the same digest collapse too:
    the second address of identical bytes (an article under two folders, two
    soft 404s) may be dropped; its content is already listed.
    """

    url: str
    match_type: MatchType = "host"
    fields: tuple[str, ...] = DEFAULT_FIELDS
    filters: tuple[str, ...] = DEFAULT_FILTERS
    collapse: tuple[str, ...] = ("digest",)
    from_ts: str | None = None
    to_ts: str | None = None
    limit: int | None = DEFAULT_LIMIT
    json_output: bool = True
    show_resume_key: bool = True
    resume_key: str | None = None  # as the server printed it (URL-encoded); sent back verbatim
    page: int | None = None
    page_size: int | None = None
    show_num_pages: bool = False

    def __post_init__(self) -> None:
        if self.match_type not in _MATCH_TYPES:
            raise ValueError(f"matchType must be one of {', '.join(_MATCH_TYPES)}, not {self.match_type!r}")
        _check_timestamp(self.from_ts, "from")
        _check_timestamp(self.to_ts, "to")
        if self.page is not None and self.page < 0:
            raise ValueError("page numbers start at 0")
        if self.page_size is not None and self.page_size < 1:
            raise ValueError("pageSize is at least 1 [R]")
        if not self.fields or "timestamp" not in self.fields or "original" not in self.fields:
            raise ValueError("fl= must include timestamp and original: a capture is replayed by them")

    def params(self) -> list[tuple[str, str]]:
        """The query string's pairs, in order; repeatable ones repeated. Not yet URL-encoded."""
        out: list[tuple[str, str]] = [("url", self.url), ("matchType", self.match_type)]
        if self.json_output:
            out.append(("output", "json"))
        out.append(("fl", ",".join(self.fields)))
        out += [("filter", f) for f in self.filters]
        out += [("collapse", c) for c in self.collapse]
        if self.from_ts:
            out.append(("from", self.from_ts))
        if self.to_ts:
            out.append(("to", self.to_ts))
        if self.show_num_pages:
            # A bare count of pages [R]: no rows, so no limit or key.
            out.append(("showNumPages", "true"))
            if self.page_size is not None:
                out.append(("pageSize", str(self.page_size)))
            return out
        if self.limit is not None:
            out.append(("limit", str(self.limit)))
        if self.show_resume_key:
            out.append(("showResumeKey", "true"))
        if self.resume_key is not None:
            out.append(("resumeKey", self.resume_key))
        if self.page is not None:
            out.append(("page", str(self.page)))
        if self.page_size is not None:
            out.append(("pageSize", str(self.page_size)))
        return out

    def resumed(self, key: str) -> CdxQuery:
        """The next request: the same parameters plus the key the server printed [R]."""
        return replace(self, resume_key=key)

    def at_page(self, page: int, page_size: int | None = None) -> CdxQuery:
        """Page ``page`` of the paging API (no resume keys: pages are independent)."""
        return replace(self, page=page, page_size=page_size if page_size is not None else self.page_size,
                       show_resume_key=False, resume_key=None, limit=None, show_num_pages=False)

    def num_pages(self, page_size: int | None = None) -> CdxQuery:
        """The ``showNumPages=true`` request for this query."""
        return replace(self, show_num_pages=True, page=None, resume_key=None,
                       page_size=page_size if page_size is not None else self.page_size)


def site_queries(site_hosts: Iterable[str], template: CdxQuery | None = None) -> list[CdxQuery]:
    """One ``matchType=host`` query per host of :func:`hosts_for`, the other parameters from ``template``."""
    base = template or CdxQuery(url="")
    return [replace(base, url=host, match_type="host") for host in hosts_for(site_hosts)]


# -- answers -------------------------------------------------------------------------------

_TS = re.compile(r"\d{14}")


def _iso(when: datetime) -> str:
    # The same form as a live fetch's fetched_at, so times of every source sort as strings.
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_ts(ts: str) -> datetime | None:
    if not _TS.fullmatch(ts):
        return None
    try:
        return datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None  # IA has a few stamps with month or day 00 (edgi's _utils notes them)


_DEFAULT_PORT = re.compile(r"^(http://[^/?#]+):80(?=[/?#]|$)|^(https://[^/?#]+):443(?=[/?#]|$)", re.IGNORECASE)
# Characters left as they are in the original when it goes into a replay path:
# RFC 3986's reserved and unreserved ones, and '%' (already-encoded bytes stay
# encoded). Wayback's own Location headers carry the original unencoded, and
# edgi sends it so [E]; only what cannot stand in a request target (spaces,
# non-ASCII, '#', quotes, angle brackets) is percent-encoded.
_REPLAY_SAFE = "!$&'()*+,/:;=?@[]~%"


@dataclass(frozen=True, slots=True)
class Capture:
    """One CDX row: a capture of ``original`` at ``timestamp`` (14 digits, UTC)."""

    urlkey: str
    timestamp: str
    original: str
    mimetype: str = ""
    statuscode: int | None = None  # None for revisits ("-")
    digest: str = ""
    length: int | None = None

    @property
    def is_revisit(self) -> bool:
        return self.mimetype == "warc/revisit" or self.statuscode is None

    @property
    def captured_at(self) -> str:
        """The capture time, ISO 8601 UTC (``%Y-%m-%dT%H:%M:%S.%fZ``)."""
        when = _parse_ts(self.timestamp)
        if when is None:
            raise ValueError(f"not a capture timestamp: {self.timestamp!r}")
        return _iso(when)

    @property
    def site_url(self) -> str:
        """The address as the site knew it: the original, without a default port (``:80``)."""
        return _DEFAULT_PORT.sub(lambda m: m.group(1) or m.group(2), self.original)

    def replay_url(self, base: str = DEFAULT_BASE) -> str:
        """``<base>/web/<timestamp>id_/<original>``: the captured bytes, verbatim [R][E]."""
        return f"{base.rstrip('/')}/web/{self.timestamp}id_/{quote(self.original, safe=_REPLAY_SAFE)}"


@dataclass(frozen=True, slots=True)
class CdxPage:
    """One CDX answer: its captures, the key to continue with (None: the last page),
    and how many rows were malformed or exact repeats (dropped)."""

    rows: list[Capture] = field(default_factory=list)
    resume_key: str | None = None
    malformed: int = 0
    duplicates: int = 0


def _capture(values: dict[str, str]) -> Capture | None:
    ts = values.get("timestamp", "")
    original = values.get("original", "")
    if _parse_ts(ts) is None or not original:
        return None
    status_text = values.get("statuscode", "-")
    length_text = values.get("length", "-")
    try:
        status = None if status_text == "-" else int(status_text)
        length = None if length_text == "-" else int(length_text)
    except ValueError:
        return None
    return Capture(
        urlkey=values.get("urlkey") or surt(original), timestamp=ts, original=original,
        mimetype=values.get("mimetype", ""), statuscode=status, digest=values.get("digest", ""), length=length,
    )


class _PageBuilder:
    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = list(fields)
        self.rows: list[Capture] = []
        self.seen: set[tuple[str, ...]] = set()
        self.malformed = 0
        self.duplicates = 0

    def add(self, values: Sequence[object]) -> None:
        if len(values) != len(self.fields) or not all(isinstance(v, str) for v in values):
            self.malformed += 1
            return
        key = tuple(str(v) for v in values)
        if key in self.seen:
            self.duplicates += 1  # exact duplicate rows occur [R] (the README's own example has one)
            return
        capture = _capture(dict(zip(self.fields, key, strict=True)))
        if capture is None:
            self.malformed += 1
            return
        self.seen.add(key)
        self.rows.append(capture)

    def page(self, resume_key: str | None) -> CdxPage:
        return CdxPage(self.rows, resume_key, self.malformed, self.duplicates)


def parse_cdx(text: str, *, json_output: bool = True, fields: Sequence[str] = DEFAULT_FIELDS) -> CdxPage:
    """Parse one CDX answer.

    JSON: one array, the header row first (it names the fields, whatever
    ``fl`` asked), ``[]`` when there is nothing, and with ``showResumeKey`` an
    empty row ``[]`` then ``["<key>"]`` [R]. Text: space-separated rows in the
    order of ``fields``, a blank line then the key [R]. An empty body is an
    empty page (past the last page of the paging API [R][CT]). Short, long or
    unparseable rows are skipped and counted; an answer that is not CDX at all
    (cut JSON, an HTML error page) raises :class:`CdxFormatError`: taking it for
    the last page would silently lose captures.
    """
    if not text.strip():
        return CdxPage()
    if not json_output:
        return _parse_text(text, fields)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CdxFormatError(f"CDX answer is not JSON ({exc}): {text[:60]!r}") from None
    if not isinstance(data, list):
        raise CdxFormatError(f"CDX answer is not a JSON array: {text[:60]!r}")
    if not data:
        return CdxPage()
    header = data[0]
    if not isinstance(header, list) or not header or not all(isinstance(h, str) for h in header) \
            or "timestamp" not in header or "original" not in header:
        raise CdxFormatError(f"CDX answer without a header row: {text[:60]!r}")
    builder = _PageBuilder(header)
    resume_key = None
    rows = iter(data[1:])
    for row in rows:
        if row == []:
            # The resume key follows an empty row [R].
            tail = next(rows, None)
            if isinstance(tail, list) and len(tail) == 1 and isinstance(tail[0], str) and tail[0]:
                resume_key = tail[0]
            else:
                builder.malformed += 1
            break
        if not isinstance(row, list):
            builder.malformed += 1
            continue
        builder.add(row)
    return builder.page(resume_key)


def _parse_text(text: str, fields: Sequence[str]) -> CdxPage:
    builder = _PageBuilder(fields)
    resume_key = None
    lines = iter(text.splitlines())
    for line in lines:
        if not line.strip():
            # A blank line, then the resume key [R].
            resume_key = next((candidate.strip() for candidate in lines if candidate.strip()), None)
            break
        builder.add(line.split())
    return builder.page(resume_key)


def parse_num_pages(text: str) -> int:
    """The answer to ``showNumPages=true``: a bare integer [R] (pywb answers ``{"blocks": N}`` [CT])."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        data = data.get("blocks")
    if isinstance(data, int) and not isinstance(data, bool) and data >= 0:
        return data
    raise CdxFormatError(f"showNumPages answer is not a number: {text[:60]!r}")


class CaptureDeduper:
    """Captures not seen before, by (urlkey, digest).

    ``collapse=digest`` only drops adjacent repeats, and every request starts
    afresh, so the same content shows up again: after another capture, on the
    next page, or as a revisit [R]. Identical captures are fetched once.
    """

    def __init__(self, seen: Iterable[tuple[str, str]] = ()) -> None:
        self.seen: set[tuple[str, str]] = set(seen)
        self.dropped = 0

    def new(self, rows: Iterable[Capture]) -> Iterator[Capture]:
        for row in rows:
            key = (row.urlkey, row.digest)
            if row.digest and key in self.seen:
                self.dropped += 1
                continue
            self.seen.add(key)
            yield row


# -- digests ---------------------------------------------------------------------------------


def cdx_digest(body: bytes) -> str:
    """The CDX digest of a payload: base32 SHA-1 (edgi's ``cdx_hash`` [E])."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def digest_matches(body: bytes, digest: str) -> bool:
    """Whether ``body`` is the payload ``digest`` names: base32 SHA-1, optionally ``sha1:``-prefixed
    (WARC's form), or 40 hex digits (some CDX servers)."""
    value = digest.strip()
    if value.lower().startswith("sha1:"):
        value = value[5:]
    if not value:
        return False
    sha = hashlib.sha1(body).digest()
    if re.fullmatch(r"[0-9a-fA-F]{40}", value):
        return sha.hex() == value.lower()
    try:
        return base64.b32decode(value.upper()) == sha
    except (binascii.Error, ValueError):
        return False


# -- replay ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplayTarget:
    """What a replay address names: ``/web/<timestamp><flags>/<original>``."""

    timestamp: str
    flags: str  # "id_", "" (the rewritten view), "im_", ...
    original: str


_REPLAY_PATH = re.compile(r"/web/(?P<ts>\d{1,14})(?P<flags>[a-z]{2}_)?/(?P<original>.+)$", re.DOTALL)


def parse_replay_url(url: str) -> ReplayTarget | None:
    """The timestamp, flags and original of a replay address (absolute or ``/web/...``), or None.

    The original may be percent-encoded as ``http%3A//...`` (cdx_toolkit sends
    it so [CT]; edgi decodes only that form, to leave a query string alone [E]).
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    m = _REPLAY_PATH.search(target)
    if m is None:
        return None
    original = m.group("original")
    if original.lower().startswith(("http%3a", "https%3a")):
        original = unquote(original)
    # A merged "http:/host" (some clients collapse the double slash in a path).
    original = re.sub(r"^(https?):/(?!/)", r"\1://", original, flags=re.IGNORECASE)
    return ReplayTarget(m.group("ts"), m.group("flags") or "", original)


@dataclass(frozen=True, slots=True)
class Memento:
    """A capture replayed: the site's response as the archive holds it.

    ``digest_ok`` says whether the body is the payload the CDX row named.
    """

    response: Response
    digest_ok: bool


@dataclass(frozen=True, slots=True)
class NearestCapture:
    """No capture at that exact time: the archive redirects to the nearest one [E].

    ``location`` is that capture's replay address, ``timestamp`` its time and
    ``original`` its URL (it may differ in scheme or ``www.``). Not a memento:
    a listed capture that answers this cannot be replayed exactly; the one
    redirected to, if listed, is fetched for itself.
    """

    location: str
    timestamp: str
    original: str


@dataclass(frozen=True, slots=True)
class NotArchived:
    """The archive has no capture of that address (its 404 page) [E]."""

    reason: str = "not archived"


@dataclass(frozen=True, slots=True)
class RateLimited:
    """429 or 503 from the archive itself: slow down.

    ``retry_after`` is the server's figure (None: it gave none; IA sends none
    on 429 [E]); :attr:`wait` is how long every request to the archive should pause.
    """

    status: int
    retry_after: float | None

    @property
    def wait(self) -> float:
        return self.retry_after if self.retry_after is not None else RATE_LIMIT_WAIT


@dataclass(frozen=True, slots=True)
class Failed:
    """Any other answer: ``retryable`` for transient server errors."""

    reason: str
    retryable: bool = False


Replayed = Memento | NearestCapture | NotArchived | RateLimited | Failed

_ORIG = "x-archive-orig-"


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP-date), None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now + 1.0)  # whole seconds: round up, never come early


def rate_limit_of(status: int, headers: Sequence[tuple[str, str]], *, now: float | None = None) -> RateLimited | None:
    """A 429 or 503 from the archive (CDX server or replay): how long to stop; None otherwise.

    Not for mementos: an archived 503 carries Memento-Datetime (see :func:`read_replay`).
    """
    if status not in RATE_LIMIT_STATUSES:
        return None
    return RateLimited(status, _retry_after(_header(headers, "retry-after"), time.time() if now is None else now))


def site_headers(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers the site sent, from a memento's: ``X-Archive-Orig-*`` with the prefix
    removed, and ``Content-Type``, which Wayback passes through [E]. Wayback's own
    (its Date, Server, Link, Memento-Datetime, its transfer Content-Encoding, ...) go."""
    has_orig_type = any(k.lower() == _ORIG + "content-type" for k, _v in headers)
    out: list[tuple[str, str]] = []
    for key, value in headers:
        low = key.lower()
        if low.startswith(_ORIG) and len(key) > len(_ORIG):
            out.append((key[len(_ORIG):], value))
        elif low == "content-type" and not has_orig_type:
            out.append((key, value))
    return out


def _memento_time(value: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def read_replay(
    capture: Capture,
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    base: str = DEFAULT_BASE,
    *,
    now: float | None = None,
) -> Replayed:
    """What the archive's answer to ``capture.replay_url(base)`` means.

    A memento is told apart by ``Memento-Datetime`` (edgi's
    ``is_memento_response`` [E]): an archived redirect or error replays with
    its own status *and* that header, while the archive's own redirect to the
    nearest capture, its 404 page and its 429/503 come without it.
    """
    memento_datetime = _header(headers, "memento-datetime")
    if memento_datetime is not None:
        return _memento(capture, status, headers, body, base, memento_datetime)
    limited = rate_limit_of(status, headers, now=now)
    if limited is not None:
        return limited
    if 300 <= status < 400:
        location = _header(headers, "location")
        target = parse_replay_url(urljoin(base.rstrip("/") + "/", location)) if location else None
        if location is None or target is None or len(target.timestamp) != 14:
            return Failed(f"HTTP {status} from the archive without a usable Location ({location!r})")
        return NearestCapture(urljoin(base.rstrip("/") + "/", location), target.timestamp, target.original)
    if status == 404:
        return NotArchived()
    runtime_error = _header(headers, "x-archive-wayback-runtime-error")
    if status >= 500:
        return Failed(f"HTTP {status} from the archive" + (f": {runtime_error}" if runtime_error else ""), True)
    if 200 <= status < 300:
        return Failed(f"HTTP {status} without Memento-Datetime: not a capture")
    return Failed(f"HTTP {status} from the archive" + (f": {runtime_error}" if runtime_error else ""))


def _memento(capture: Capture, status: int, headers: Sequence[tuple[str, str]], body: bytes, base: str,
             memento_datetime: str) -> Memento:
    restored = site_headers(headers)
    if 300 <= status < 400 and not any(k.lower() == "location" for k, _v in restored):
        # An archived redirect's Location is rewritten to /web/<same ts>id_/<target> [E]:
        # the site sent <target>.
        location = _header(headers, "location")
        if location:
            target = parse_replay_url(urljoin(base.rstrip("/") + "/", location))
            restored.append(("Location", target.original if target else location))
    # Memento-Datetime is when the archive captured these bytes; it is the
    # capture's timestamp unless the archive served another capture.
    when = _memento_time(memento_datetime) or _parse_ts(capture.timestamp)
    captured_at = _iso(when) if when else capture.captured_at
    timestamp = when.strftime("%Y%m%d%H%M%S") if when else capture.timestamp
    archive_url = replace(capture, timestamp=timestamp).replay_url(base)
    site_url = capture.site_url
    response = Response(
        url=site_url, status=status, headers=restored, body=body, fetched_at=captured_at,
        requested_url=site_url,
        provenance=Provenance(source="wayback", archive_url=archive_url, captured_at=captured_at,
                              digest=capture.digest or None),
    )
    return Memento(response, digest_matches(body, capture.digest) if capture.digest else False)
