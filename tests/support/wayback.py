"""A replica of the Wayback Machine on 127.0.0.1: its CDX server and ``id_`` replay.

Written from the API's documentation, not from our client: the CDX server
README (internetarchive/wayback ``wayback-cdx-server/README.md``) and the
replay behaviour recorded in edgi-govdata-archiving/wayback's test traffic
(summed up in the project's WAYBACK.md). What it does:

``/cdx/search/cdx``
  ``url`` with ``matchType`` exact/prefix/host/domain (or ``url=x/*``,
  ``url=*.x``); ``output=json`` (header row first, ``[]`` when empty) or text;
  ``fl``; repeatable ``filter=[!]field:regex`` (whole-field match, ``~`` for
  contains, no field: the whole line); ``collapse=field[:N]`` (adjacent rows
  only); ``from``/``to`` (partial timestamps padded); ``offset``, ``limit``
  (negative: the last N) under a server-wide maximum; ``showResumeKey`` /
  ``resumeKey`` (the key is urlkey + " " + timestamp with its last character
  incremented, URL-encoded; a resumed query continues strictly after it);
  ``page`` / ``showNumPages`` / ``pageSize`` over index blocks (filters apply
  after paging, pages past the end are empty); rows sorted by urlkey then
  timestamp, exact duplicate rows kept; gzip when the client accepts it
  (``gzip=false`` turns it off).

``/web/<timestamp><flags>/<original>``
  an exact capture: its bytes verbatim for ``id_`` (a toolbar comment
  inserted otherwise), ``Content-Type`` passed through, the site's other
  headers as ``X-Archive-Orig-*``, ``Memento-Datetime``, ``Link``,
  ``X-Archive-Src``; an archived 3xx replays with its own status and
  ``Location`` rewritten to ``/web/<same ts><flags>/<target>``; no capture at
  that time: 302 to the nearest capture (whose original may differ in scheme
  or ``www.``), no ``Memento-Datetime``; nothing archived: a 404 HTML page.

Faults are drawn per request, independently (never bounded per path): 503s,
429s without and with ``Retry-After``, latency. Every request is logged.

:func:`portal_captures` builds a realistic capture set of the portal from the
corpus: articles under both hosts and ``www.``, 1–3 captures each (identical
or edited), listing pages, robots.txt, images, 301/302 and 404 captures and
soft 404s, with the truth a test checks against.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote_plus, unquote, unquote_plus, urljoin, urlsplit

from tests.support.render import article_path, folder_of, load_corpus, render_listing, render_portal_article

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def urlkey(url: str) -> str:
    """The SURT urlkey, computed here independently of the client's code (README "urlkey";
    www./scheme/default port dropped, host reversed, lower case, query arguments sorted)."""
    has_scheme = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url)
    m = re.match(r"^(?:([A-Za-z][A-Za-z0-9+.-]*):)?//([^/?#]*)([^?#]*)(?:\?([^#]*))?", url if has_scheme else "//" + url)
    assert m is not None, url
    scheme, netloc, path, query = (m.group(1) or "http").lower(), m.group(2), m.group(3), m.group(4)
    netloc = netloc.rsplit("@", 1)[-1].lower()
    port_m = re.search(r":(\d+)$", netloc)
    host, port = (netloc[: port_m.start()], port_m.group(1)) if port_m else (netloc, "")
    host = re.sub(r"^www\d*\.", "", host.rstrip("."))
    key = host if re.fullmatch(r"[\d.]+", host) else ",".join(host.split(".")[::-1])
    if port and (scheme, port) not in (("http", "80"), ("https", "443")):
        key += ":" + port
    q = "&".join(sorted(query.split("&"))) if query else ""
    return f"{key}){path or '/'}{'?' + q if q else ''}".lower()


def _b32sha1(data: bytes) -> str:
    return base64.b32encode(hashlib.sha1(data).digest()).decode()


def _http_date(ts: str) -> str:
    when = datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return email.utils.format_datetime(when, usegmt=True)


@dataclass(frozen=True)
class FakeCapture:
    """One capture in the archive: what the site served at ``original`` at ``timestamp``."""

    original: str  # as the crawler saw it: scheme, www., :80 and all
    timestamp: str  # 14 digits, UTC
    body: bytes = b""
    status: int = 200
    mimetype: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()  # the site's headers
    location: str | None = None  # a 3xx's target, as the site sent it
    revisit: bool = False  # indexed as warc/revisit, statuscode "-"; replays the same bytes
    listed_twice: bool = False  # an exact duplicate row in the index

    @property
    def urlkey(self) -> str:
        return urlkey(self.original)

    @property
    def digest(self) -> str:
        return _b32sha1(self.body)

    def row(self) -> dict[str, str]:
        return {
            "urlkey": self.urlkey, "timestamp": self.timestamp, "original": self.original,
            "mimetype": "warc/revisit" if self.revisit else self.mimetype,
            "statuscode": "-" if self.revisit else str(self.status),
            "digest": self.digest, "length": str(400 + len(self.body) // 3),  # a WARC record's gzipped size
        }


@dataclass
class Faults:
    """Per-request faults, drawn independently from a seeded RNG (not bounded per path)."""

    rate_503: float = 0.0
    rate_429: float = 0.0  # without Retry-After, as IA sends them
    rate_429_retry_after: float = 0.0  # with Retry-After: retry_after
    retry_after: str = "1"
    latency: float = 0.0
    applies: Callable[[str], bool] = lambda path: True


@dataclass
class WaybackLogEntry:
    t: float  # time.monotonic() when the request line was read
    wall: float
    kind: str  # "cdx" | "replay" | "other"
    path: str  # with the query string, as sent
    status: int
    fault: str | None
    headers: dict[str, str]


class _BadRequest(Exception):
    pass


class CdxIndex:
    """The CDX server's query logic over a sorted index (README sections cited inline)."""

    def __init__(self, captures: Sequence[FakeCapture], *, max_rows: int, block_lines: int, page_size: int) -> None:
        lines: list[dict[str, str]] = []
        for cap in captures:
            lines += [cap.row()] * (2 if cap.listed_twice else 1)
        # "usually sorted by url and date": the CDX line order.
        lines.sort(key=lambda r: (r["urlkey"], r["timestamp"]))
        self.lines = lines
        self.max_rows = max_rows
        self.block_lines = block_lines
        self.page_size = page_size

    # -- the parts of a query ------------------------------------------------------------
    @staticmethod
    def _scope(url: str, match_type: str | None) -> Callable[[str], bool]:
        if url.endswith("*") and not url.startswith("*."):
            url, match_type = url[:-1], match_type or "prefix"  # "url=archive.org/*" [Url Match Scope]
        if url.startswith("*."):
            url, match_type = url[2:], match_type or "domain"
        key = urlkey(url)
        host = key.split(")", 1)[0]
        kind = match_type or "exact"
        if kind == "exact":
            return lambda k: k == key
        if kind == "prefix":
            return lambda k: k.startswith(key)
        if kind == "host":
            return lambda k: k.split(")", 1)[0] == host
        if kind == "domain":
            return lambda k: (h := k.split(")", 1)[0]) == host or h.startswith(host + ",")
        raise _BadRequest(f"Invalid matchType {kind}")

    @staticmethod
    def _filter(spec: str) -> Callable[[dict[str, str]], bool]:
        # filter=[!]field:regex; "~" means contains; a Java regex matches the whole field.
        text, negate, contains = spec, False, False
        while text[:1] in ("!", "~"):
            negate, contains = (not negate, contains) if text[0] == "!" else (negate, True)
            text = text[1:]
        name, sep, pattern = text.partition(":")
        if not sep or name not in FIELDS:
            name, pattern = "", text
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise _BadRequest(f"Invalid filter {spec!r}: {exc}") from None

        def keep(row: dict[str, str]) -> bool:
            value = row[name] if name else " ".join(row[f] for f in FIELDS)
            hit = rx.search(value) if contains else rx.fullmatch(value)
            return bool(hit) != negate

        return keep

    @staticmethod
    def _collapse(rows: Iterable[dict[str, str]], spec: str) -> list[dict[str, str]]:
        # "Collapsing is done on adjacent cdx lines" [Collapsing].
        name, _, n = spec.partition(":")
        if name not in FIELDS:
            raise _BadRequest(f"Invalid collapse field {name!r}")
        width = int(n) if n.isdigit() else None
        out, last = [], None
        for row in rows:
            value = row[name][:width] if width else row[name]
            if value != last:
                out.append(row)
            last = value
        return out

    @staticmethod
    def resume_key(row: dict[str, str]) -> str:
        ts = row["timestamp"]
        return quote_plus(f"{row['urlkey']} {ts[:-1]}{chr(ord(ts[-1]) + 1)}")

    # -- one query ----------------------------------------------------------------------------
    def answer(self, query: list[tuple[str, str]]) -> tuple[int, str, str]:
        """(status, body, content type) for one request's query pairs."""
        one = dict(query)
        as_json = one.get("output") == "json"
        ctype = "application/json" if as_json else "text/plain;charset=UTF-8"
        try:
            if "url" not in one:
                raise _BadRequest("Missing url")
            in_scope = self._scope(one["url"], one.get("matchType"))
            fl = one.get("fl", ",".join(FIELDS)).split(",")
            if any(f not in FIELDS for f in fl):
                raise _BadRequest(f"Invalid field in fl={one['fl']}")
            if one.get("showNumPages") == "true":
                return 200, f"{len(self._pages(one, in_scope))}\n", "text/plain;charset=UTF-8"
            page = int(one.get("page", "-1"))
            if page < 0:  # "If i<0, pages are not used" [Pagination API]
                rows = [r for r in self.lines if in_scope(r["urlkey"])]
            else:
                pages = self._pages(one, in_scope)
                if page >= len(pages):
                    return 200, "", ctype  # "If i>=num pages, no results are returned"
                rows = [r for r in pages[page] if in_scope(r["urlkey"])]
            rows = self._window(one, rows)
            for value in (v for k, v in query if k == "filter"):
                rows = list(filter(self._filter(value), rows))
            for value in (v for k, v in query if k == "collapse"):
                rows = self._collapse(rows, value)
            rows, key = self._limit(one, rows)
        except _BadRequest as exc:
            return 400, f"Error: {exc}\n", "text/plain;charset=UTF-8"
        return 200, self._format(rows, fl, key, as_json), ctype

    def _pages(self, one: dict[str, str], in_scope: Callable[[str], bool]) -> list[list[dict[str, str]]]:
        """The index blocks (``block_lines`` rows each) that hold rows in scope, ``pageSize`` blocks a page;
        a page's rows are every row of its blocks, filtered later [Pagination API]."""
        size = min(max(1, int(one.get("pageSize", self.page_size))), self.page_size)  # "1 <= P <= default"
        blocks = [self.lines[i:i + self.block_lines] for i in range(0, len(self.lines), self.block_lines)]
        hit = [b for b in blocks if any(in_scope(r["urlkey"]) for r in b)]
        return [[r for b in hit[i:i + size] for r in b] for i in range(0, len(hit), size)]

    @staticmethod
    def _window(one: dict[str, str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
        if "resumeKey" in one:
            # The key was printed URL-encoded; the query string's own decoding undid one level only.
            start = unquote_plus(one["resumeKey"])
            rows = [r for r in rows if f"{r['urlkey']} {r['timestamp']}" >= start]
        # from/to: "1 to 14 digit", inclusive: pad the low end with 0s, the high end with 9s.
        lo = one["from"].ljust(14, "0") if one.get("from") else "0" * 14
        hi = one["to"].ljust(14, "9") if one.get("to") else "9" * 14
        return [r for r in rows if lo <= r["timestamp"] <= hi]

    def _limit(self, one: dict[str, str], rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], str | None]:
        offset = int(one.get("offset", "0") or 0)
        rows = rows[offset:]
        limit = int(one.get("limit", str(self.max_rows)))
        if limit < 0:
            return rows[limit:], None  # the last N
        cut = min(limit, self.max_rows)
        more = len(rows) > cut
        rows = rows[:cut]
        key = self.resume_key(rows[-1]) if more and rows and one.get("showResumeKey") == "true" else None
        return rows, key

    @staticmethod
    def _format(rows: list[dict[str, str]], fl: list[str], key: str | None, as_json: bool) -> str:
        if as_json:
            if not rows and key is None:
                return "[]\n"
            out = [fl] + [[r[f] for f in fl] for r in rows]
            if key is not None:
                out += [[], [key]]
            return "[" + ",\n".join(json.dumps(r) for r in out) + "]\n"
        text = "".join(" ".join(r[f] for f in fl) + "\n" for r in rows)
        return text + (f"\n{key}\n" if key is not None else "")


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


_REPLAY = re.compile(r"^/web/(\d{1,14})([a-z]{2}_)?/(.*)$", re.DOTALL)
_NOT_ARCHIVED = (b"<!DOCTYPE html><html><head><title>Wayback Machine</title></head><body>"
                 b"<p>Hrm.</p><p>Wayback Machine has not archived that URL.</p></body></html>")


class Replayer:
    """``/web/<ts><flags>/<original>`` answers (WAYBACK.md "Replay", from edgi's recordings)."""

    def __init__(self, captures: Sequence[FakeCapture]) -> None:
        self.by_key: dict[str, list[FakeCapture]] = {}
        for cap in captures:
            self.by_key.setdefault(cap.urlkey, []).append(cap)
        for caps in self.by_key.values():
            caps.sort(key=lambda c: c.timestamp)

    def answer(self, target: str, base: str) -> Answer:
        m = _REPLAY.match(target)
        if m is None:
            return Answer(404, [("Content-Type", "text/html")], _NOT_ARCHIVED)
        ts, flags, original = m.group(1), m.group(2) or "", m.group(3)
        if original.lower().startswith(("http%3a", "https%3a")):
            original = unquote(original)
        original = re.sub(r"^(https?):/(?!/)", r"\1://", original)
        caps = self.by_key.get(urlkey(original), [])
        if not caps:
            return Answer(404, [("Content-Type", "text/html; charset=utf-8")], _NOT_ARCHIVED)
        exact = [c for c in caps if c.timestamp == ts]
        if exact:
            chosen = next((c for c in exact if c.original == original), exact[0])
            return self._memento(chosen, flags, base, caps)
        nearest = self._nearest(caps, ts)
        return Answer(302, [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Location", f"{base}/web/{nearest.timestamp}{flags}/{nearest.original}"),
            ("x-archive-redirect-reason", f"found capture at {nearest.timestamp}"),
        ], b"")

    @staticmethod
    def _nearest(caps: list[FakeCapture], ts: str) -> FakeCapture:
        want = ts.ljust(14, "0")
        try:
            when = datetime.strptime(want, "%Y%m%d%H%M%S").timestamp()
        except ValueError:
            when = datetime.strptime(want[:4] + "0101000000", "%Y%m%d%H%M%S").timestamp()
        playable = [c for c in caps if c.revisit or c.status < 400] or caps
        return min(playable, key=lambda c: (abs(datetime.strptime(c.timestamp, "%Y%m%d%H%M%S").timestamp() - when), c.timestamp))

    @staticmethod
    def _memento(cap: FakeCapture, flags: str, base: str, caps: list[FakeCapture]) -> Answer:
        site_type = next((v for k, v in cap.headers if k.lower() == "content-type"), cap.mimetype)
        headers = [("Content-Type", site_type)]
        for key, value in cap.headers:
            if key.lower() == "content-type" or (key.lower() == "location" and 300 <= cap.status < 400):
                continue
            headers.append(("X-Archive-Orig-" + key.lower(), value))
        memento = lambda c, rel: f'<{base}/web/{c.timestamp}/{c.original}>; rel="{rel}"; datetime="{_http_date(c.timestamp)}"'  # noqa: E731
        headers += [
            ("Memento-Datetime", _http_date(cap.timestamp)),
            ("Link", ", ".join([
                f'<{cap.original}>; rel="original"',
                f'<{base}/web/timemap/link/{cap.original}>; rel="timemap"; type="application/link-format"',
                f'<{base}/web/{cap.original}>; rel="timegate"',
                memento(caps[0], "first memento"), memento(cap, "memento"), memento(caps[-1], "last memento"),
            ])),
            ("X-Archive-Src", f"kyanh-crawl-{cap.timestamp[:8]}/KYANH-{cap.timestamp}-00000.warc.gz"),
        ]
        if 300 <= cap.status < 400 and cap.location:
            headers.append(("Location", f"{base}/web/{cap.timestamp}{flags}/{urljoin(cap.original, cap.location)}"))
        body = cap.body
        if flags != "id_" and b"<head>" in body:
            body = body.replace(b"<head>", b"<head><!-- BEGIN WAYBACK TOOLBAR INSERT --><!-- END -->", 1)
        return Answer(cap.status, headers, body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up are part of the tests


class _Handler(BaseHTTPRequestHandler):
    replica: WaybackReplica
    protocol_version = "HTTP/1.1"
    # Without this every two-part response waits on Nagle + delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    timeout = 10  # idle keep-alive connections end by themselves
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        rep = self.replica
        parts = urlsplit(self.path)
        kind = "cdx" if parts.path == "/cdx/search/cdx" else "replay" if parts.path.startswith("/web/") else "other"
        entry = WaybackLogEntry(time.monotonic(), time.time(), kind, self.path, 0, rep._draw_fault(parts.path),
                                {k.lower(): v for k, v in self.headers.items()})
        with rep._lock:
            rep.log.append(entry)
        if rep.faults.latency:
            time.sleep(rep.faults.latency)
        try:
            self._answer(entry, kind, parts.query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer(self, entry: WaybackLogEntry, kind: str, query: str) -> None:
        rep = self.replica
        html = "text/html; charset=utf-8"
        if entry.fault == "503":
            return self._send(entry, Answer(503, [("Content-Type", html)], b"<html><body>Service Unavailable</body></html>"))
        if entry.fault == "429":
            return self._send(entry, Answer(429, [("Content-Type", html)], b"<html><body>Too Many Requests</body></html>"))
        if entry.fault == "429+retry-after":
            return self._send(entry, Answer(429, [("Content-Type", html), ("Retry-After", rep.faults.retry_after)],
                                            b"<html><body>Too Many Requests</body></html>"))
        if kind == "cdx":
            pairs = parse_qsl(query, keep_blank_values=True)
            status, text, ctype = rep.index.answer(pairs)
            compress = dict(pairs).get("gzip") != "false"  # "By default, CDX server returns gzip encoded data"
            return self._send(entry, Answer(status, [("Content-Type", ctype)], text.encode("utf-8")), compress)
        if kind == "replay":
            answer = rep.replayer.answer(self.path, rep.base_url)
            ctype = next((v for k, v in answer.headers if k == "Content-Type"), "")
            return self._send(entry, answer, ctype.startswith("text/"))
        return self._send(entry, Answer(404, [("Content-Type", html)], b"<html><body>Not found</body></html>"))

    def _send(self, entry: WaybackLogEntry, answer: Answer, compress: bool = False) -> None:
        entry.status = answer.status
        body = answer.body
        headers = list(answer.headers)
        if compress and body and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            headers.append(("Content-Encoding", "gzip"))  # the archive's own transfer coding
        self.send_response(answer.status)
        for key, value in headers + [("Content-Length", str(len(body)))]:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class WaybackReplica:
    """The CDX server and replay of ``captures`` on 127.0.0.1.

    ``per_page_limit`` is the server-wide maximum rows per query (IA: 150000);
    ``block_lines`` and ``page_size`` shape the paging API (IA: ~3000 lines a
    block, 50 blocks a page).
    """

    def __init__(self, captures: Sequence[FakeCapture], *, per_page_limit: int = 150000, block_lines: int = 3000,
                 page_size: int = 50, faults: Faults | None = None, seed: int = 0) -> None:
        self.captures = list(captures)
        self.index = CdxIndex(self.captures, max_rows=per_page_limit, block_lines=block_lines, page_size=page_size)
        self.replayer = Replayer(self.captures)
        self.faults = faults or Faults()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.log: list[WaybackLogEntry] = []
        self._server: _Server | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the replica first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> WaybackReplica:
        handler = type("Handler", (_Handler,), {"replica": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WaybackReplica:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests(self, kind: str | None = None) -> list[WaybackLogEntry]:
        with self._lock:
            return [e for e in self.log if kind is None or e.kind == kind]

    def _draw_fault(self, path: str) -> str | None:
        f = self.faults
        if not f.applies(path):
            return None
        with self._lock:
            r = self._random.random()
        for name, rate in (("503", f.rate_503), ("429", f.rate_429), ("429+retry-after", f.rate_429_retry_after)):
            if r < rate:
                return name
            r -= rate
        return None


# -- a realistic capture set of the portal ------------------------------------------------------


OLD_HOST = "kyanh.gov.vn"
HOST = "kyanh.hatinh.gov.vn"
PORTAL = "/kyanh/portal"


@dataclass
class PortalCaptures:
    """The captures, and what a correct archiver makes of them."""

    captures: list[FakeCapture]
    versions: dict[str, list[bytes]] = field(default_factory=dict)  # article id -> distinct bodies, capture order
    article_captures: dict[str, list[FakeCapture]] = field(default_factory=dict)
    listings: list[FakeCapture] = field(default_factory=list)
    robots: list[FakeCapture] = field(default_factory=list)
    images: list[FakeCapture] = field(default_factory=list)
    home: list[FakeCapture] = field(default_factory=list)
    redirects: list[FakeCapture] = field(default_factory=list)
    errors: list[FakeCapture] = field(default_factory=list)
    soft_404s: list[FakeCapture] = field(default_factory=list)

    @property
    def non_articles(self) -> list[FakeCapture]:
        """Captures that must never become an article: redirects, error pages, soft 404s."""
        return self.redirects + self.errors + self.soft_404s


# The district level ended in 2025; the old portal's captures stop before.
_LAST_DAY = datetime(2024, 12, 20, tzinfo=UTC).timestamp()


class _Clock:
    """Capture times, all distinct: two rows of one urlkey never share a second (a resume key
    continues strictly after urlkey + timestamp, so such a pair could straddle two pages)."""

    def __init__(self) -> None:
        self.used: set[int] = set()

    def at(self, when: float) -> str:
        t = int(when)
        while t in self.used:
            t += 1
        self.used.add(t)
        return datetime.fromtimestamp(t, UTC).strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class _Plan:
    revisit: bool = False
    listed_twice: bool = False


def _site_headers(ts: str, body: bytes, ctype: str) -> tuple[tuple[str, str], ...]:
    return (("Content-Type", ctype), ("Server", "Microsoft-IIS/8.5"), ("Date", _http_date(ts)),
            ("Content-Length", str(len(body))), ("X-Powered-By", "web2py"))


def _edited(article: dict[str, Any]) -> dict[str, Any]:
    art = json.loads(json.dumps(article))
    art["title"] += " (cập nhật)"
    art["lead"] += " Bài viết đã được biên tập lại."
    return art


def _home(articles: Sequence[dict[str, Any]]) -> bytes:
    items = [a for a in articles[:8]]
    page = render_listing("tin-tuc-su-kien", items, page=1, pages=1)
    return page.replace("Tin tức - Sự kiện - Cổng thông tin", "Trang chủ - Cổng thông tin", 1).encode()


def portal_captures(corpus: Sequence[dict[str, Any]] | None = None, *, n_articles: int = 18, seed: int = 0) -> PortalCaptures:
    """Captures of the portal: see the module docstring. Deterministic for a seed."""
    rng = random.Random(seed)
    corpus = list(corpus if corpus is not None else load_corpus())[:n_articles]
    clock = _Clock()
    out = PortalCaptures(captures=[])
    html = "text/html; charset=utf-8"

    def add(original: str, body: bytes, when: float, *, status: int = 200, mimetype: str = "text/html",
            ctype: str = html, location: str | None = None, revisit: bool = False,
            listed_twice: bool = False) -> FakeCapture:
        ts = clock.at(when)
        cap = FakeCapture(original, ts, body, status, mimetype, _site_headers(ts, body, ctype), location=location,
                          revisit=revisit, listed_twice=listed_twice)
        out.captures.append(cap)
        return cap

    def day(n: float) -> float:
        return datetime(2019, 6, 1, 3, 0, tzinfo=UTC).timestamp() + n * 86400 + rng.randrange(3600)

    home = _home(corpus)
    for n, host in enumerate((OLD_HOST, HOST)):
        # The old host first (kyanh.gov.vn served the portal before the provincial platform).
        out.robots.append(add(f"http://{host}/robots.txt", b"User-agent: *\nDisallow: /kyanh/portal/search\n",
                              day(n * 200), mimetype="text/plain", ctype="text/plain"))
        out.redirects.append(add(f"http://{host}/", b"<html><body>Object moved</body></html>", day(n * 200 + 1),
                                 status=302, location=f"http://{HOST}{PORTAL}"))
        out.home.append(add(f"http://{host}{PORTAL}", home, day(n * 200 + 2)))

    for i, art in enumerate(corpus):
        aid = art["url"].rstrip("/").rsplit("/", 1)[1]
        path = article_path(art)
        v1 = render_portal_article(art).encode()
        v2 = render_portal_article(_edited(art)).encode()
        # (original URL, body, capture extras) in capture order; patterns cycle through the forms an archive holds.
        once, twice, revisit = _Plan(), _Plan(listed_twice=True), _Plan(revisit=True)
        plans: list[tuple[str, bytes, _Plan]] = [
            [(f"http://{HOST}{path}", v1, once)],
            [(f"http://{HOST}{path}", v1, once), (f"http://www.{HOST}{path}", v1, once)],
            # Edited, then the edit undone: two contents, the first one captured again later.
            [(f"http://{HOST}{path}", v1, once), (f"http://{HOST}{path}", v2, once), (f"http://{HOST}{path}", v1, once)],
            [(f"http://{OLD_HOST}{path}", v1, once), (f"http://{HOST}{path}", v1, once), (f"https://{HOST}{path}", v2, once)],
            [(f"http://{HOST}{path}", v1, twice), (f"http://{HOST}{path}", v1, revisit), (f"http://www.{HOST}{path}", v2, once)],
            [(f"https://www.{HOST}{path}", v1, once), (f"http://{HOST}:80{path}", v1, once), (f"http://{HOST}{path}", v2, once)],
        ][i % 6]
        caps = out.article_captures.setdefault(aid, [])
        when = datetime.fromisoformat(art["published_at"]).timestamp() + rng.uniform(0.5, 10) * 86400
        for original, body, plan in plans:
            caps.append(add(original, body, min(when, _LAST_DAY), revisit=plan.revisit, listed_twice=plan.listed_twice))
            when += rng.uniform(5, 120) * 86400
        out.versions[aid] = list(dict.fromkeys(body for _o, body, _e in plans))
        if i % 6 == 2:
            # The address without the id, answered by a redirect to the full one.
            out.redirects.append(add(f"http://{HOST}{path.rsplit('/', 1)[0]}", b"", min(when, _LAST_DAY), status=301, location=path))
        for block in art["blocks"]:
            if block["type"] == "img" and len(out.images) < 4:
                data = b"\xff\xd8\xff\xe0" + rng.randbytes(600) + b"\xff\xd9"
                out.images.append(add(f"http://{HOST}{block['src']}", data, min(when, _LAST_DAY) + 60, mimetype="image/jpeg",
                                      ctype="image/jpeg"))
                break

    folders = sorted({folder_of(a) for a in corpus})[:3]
    for n, folder in enumerate(folders):
        items = [a for a in corpus if folder_of(a) == folder]
        first = f"http://{HOST}{PORTAL}/folder/{folder}"
        out.listings.append(add(first, render_listing(folder, items[:2], page=1, pages=2).encode(), day(300 + n)))
        out.listings.append(add(first, render_listing(folder, items[:3], page=1, pages=2).encode(), day(400 + n)))
        out.listings.append(add(f"{first}/2.html", render_listing(folder, items[3:6], page=2, pages=2).encode(),
                                day(401 + n)))

    gone = f"{PORTAL}/read/tin-tuc-khac/news/bai-viet-da-go.html/20190101000000"
    out.errors.append(add(f"http://{HOST}{gone}", b"<html><body>404 - File or directory not found.</body></html>",
                          day(500), status=404))
    for n, folder in enumerate(("thong-bao", "kinh-te")):
        # The portal serves its home page, 200, at an article address that no longer exists.
        missing = f"{PORTAL}/read/{folder}/news/bai-khong-con.html/2018060{n + 1}080000"
        out.soft_404s.append(add(f"http://{HOST}{missing}", home, day(520 + n)))
    return out
