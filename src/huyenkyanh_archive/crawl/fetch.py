"""A polite HTTP client for one site.

- robots.txt honoured (``urllib.robotparser`` over the fetched text, ``Crawl-delay`` too);
- a User-Agent naming the tool and a contact;
- per-host concurrency and a minimum gap between request starts;
- retries with jittered exponential backoff on 429, 5xx, timeouts and
  connection errors; ``Retry-After`` (seconds or HTTP-date) is obeyed and never
  undercut, for every thread talking to the host;
- conditional GET (``If-None-Match`` / ``If-Modified-Since``);
- a size cap on every body, counted on the *decoded* bytes while streaming
  (gzip bombs stop at the cap); a body shorter than its Content-Length, or a
  compressed stream cut short, is a failed attempt, never a result;
- redirects followed by hand: on-site only, a bounded number, loops refused;
  nothing outside the site's host (and never a private address unless the
  site itself lives there, as a local replica does).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from .. import __version__ as _version
from ..clock import utc_now
from ..errors import DisallowedError, FetchError, OffSiteError, RetriesExhaustedError, TooLargeError
from ..response import Response
from ..site.profile import Profile
from ..site.urls import absolute, bare_host, is_private_address, site_hosts

DEFAULT_USER_AGENT = (
    f"kyanh-archive/{_version} (+https://github.com/kyanh-archive/kyanh-archive; "
    "archivist contact: kyanh-archive@users.noreply.github.com)"
)
ROBOTS_AGENT = "kyanh-archive"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def pace_margin(delay: float) -> float:
    """Seconds added to a non-zero delay: the gap the site measures also holds its own
    scheduling jitter, and politeness may err long, never short."""
    return min(0.05, max(0.005, 0.1 * delay)) if delay > 0 else 0.0






@dataclass(slots=True)
class FetchOptions:
    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0  # minimum gap between request starts on the host, seconds
    concurrency: int = 1  # requests in flight on the host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0  # a trickling server cannot hold a request longer than this
    retries: int = 5  # attempts after the first
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 900.0  # a longer Retry-After fails the fetch (retried next run) rather than stall
    max_body: int = 20 * 1024 * 1024
    max_redirects: int = 5
    respect_robots: bool = True


# A live fetch's answer is the pipeline's one response type.
FetchResult = Response


@dataclass(slots=True)
class FetchEvent:
    kind: str  # "retry" | "request"
    url: str
    attempt: int = 0
    reason: str = ""
    wait: float = 0.0



def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
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
    # HTTP-dates have one-second resolution: round up so we never come early.
    return max(0.0, when.timestamp() - (now if now is not None else time.time()) + 1.0)


class _Decoder:
    """Content-Encoding decoding with a cap on the output, fed chunk by chunk."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self.parts: list[bytes] = []
        enc = encoding.strip().lower()
        if enc in ("", "identity"):
            self.z: Any = None
        elif enc in ("gzip", "x-gzip"):
            self.z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self.z = "deflate?"  # zlib-wrapped or raw: decided on the first bytes
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise TooLargeError(f"body larger than {self.cap} bytes")
        if data:
            self.parts.append(data)

    def feed(self, raw: bytes) -> None:
        if self.z is None:
            self._add(raw)
            return
        if self.z == "deflate?":
            self.z = zlib.decompressobj(zlib.MAX_WBITS if raw[:1] and raw[0] & 0x0F == 8 else -zlib.MAX_WBITS)
        try:
            # max_length bounds the memory one small compressed chunk can expand into.
            data = raw
            while True:
                out = self.z.decompress(data, self.cap - self.size + 1)
                self._add(out)
                data = self.z.unconsumed_tail
                if not data:
                    break
        except zlib.error as exc:
            raise _Incomplete(f"corrupt compressed body ({exc})") from None

    def finish(self) -> bytes:
        if self.z is not None and not isinstance(self.z, str):
            self._add(self.z.flush())
            if not self.z.eof:
                raise _Incomplete("compressed body cut short")
        return b"".join(self.parts)


class _Incomplete(Exception):
    """A body that did not arrive whole: retryable."""


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _HostGate:
    """Concurrency and spacing of requests to one host, shared by all threads."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.sem = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.delay = max(0.0, delay)
        self.next_start = 0.0
        self.blocked_until = 0.0  # Retry-After / backoff for the whole host

    def block(self, seconds: float) -> None:
        with self.lock:
            self.blocked_until = max(self.blocked_until, time.monotonic() + seconds)

    def enter(self) -> None:
        self.sem.acquire()

    def pace(self, stop: threading.Event) -> None:
        """Wait for this request's turn; called just before its headers go on the wire,
        so the gap the server sees is the gap kept here."""
        while True:
            with self.lock:
                now = time.monotonic()
                start = max(now, self.next_start, self.blocked_until)
                if start <= now:
                    # A few ms over the delay absorb scheduling jitter between here and the socket.
                    self.next_start = now + self.delay + pace_margin(self.delay)
                    return
            if stop.wait(start - now):
                raise FetchError("crawl stopping")

    def leave(self) -> None:
        self.sem.release()


class Fetcher:
    """Fetches URLs of one site, politely. Thread-safe; share one per crawl."""

    def __init__(
        self,
        base_url: str,
        options: FetchOptions | None = None,
        *,
        hosts: Iterable[str] = (),
        on_event: Callable[[FetchEvent], None] | None = None,
        stop: threading.Event | None = None,
        seed: int | None = None,
    ) -> None:
        """``base_url`` is where requests go; ``hosts`` the other (bare) hosts of the same
        site, whose addresses are fetched from ``base_url``."""
        self.base_url = base_url.rstrip("/")
        self.options = options or FetchOptions()
        self.on_event = on_event
        self.stop = stop or threading.Event()
        self._random = random.Random(seed)
        base = urlsplit(self.base_url)
        self._base_host = (base.hostname or "").lower()
        self._base_port = base.port
        self._hosts = {bare_host(self._base_host)} | {bare_host(h) for h in hosts}
        self._gate = _HostGate(self.options.concurrency, self.options.delay)
        self._robots: RobotFileParser | None = None
        self._stats_lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.bytes = 0
        o = self.options
        self.client = httpx.Client(
            http2=False,
            follow_redirects=False,
            trust_env=False,  # proxies from the environment would silently change where traffic goes
            timeout=httpx.Timeout(connect=o.connect_timeout, read=o.read_timeout, write=o.read_timeout, pool=None),
            limits=httpx.Limits(max_connections=max(1, o.concurrency), max_keepalive_connections=max(1, o.concurrency)),
            headers={"User-Agent": o.user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"},
        )

    @classmethod
    def for_profile(cls, profile: Profile, options: FetchOptions | None = None, **kwargs: Any) -> Fetcher:
        """A fetcher of a profile's site, at the profile's address."""
        return cls(profile.base_url, options, hosts=site_hosts(profile), **kwargs)

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the site's boundary -------------------------------------------------
    def on_site(self, url: str) -> bool:
        """The site's own address, or one of its host aliases (moved onto the fetch address)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        if host == self._base_host:
            # The site may live at an explicit port (a local replica): that port only.
            return port == self._base_port or (self._base_port is None and port in (80, 443))
        if is_private_address(url):
            return False
        return bare_host(host) in self._hosts and port in (None, 80, 443)

    def site_url(self, url: str) -> str:
        """``url`` on the fetch address: an alias host (www., the old host, the real site
        when fetching from a mirror) is served by the base address."""
        parts = urlsplit(url)
        if (parts.hostname or "").lower() == self._base_host:
            return url
        base = urlsplit(self.base_url)
        return f"{base.scheme}://{base.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")

    # -- robots.txt --------------------------------------------------------
    def load_robots(self, *, patience: int = 1) -> FetchResult | None:
        """Fetch and apply robots.txt. Returns its response (None if it could not be fetched)."""
        if not self.options.respect_robots:
            return None
        url = self.base_url + "/robots.txt"
        result = self._get(url, check_robots=False, patience=patience)
        parser = RobotFileParser(url)
        if result.status == 200:
            text = result.body.decode("utf-8", "replace")
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(ROBOTS_AGENT)
            if delay is not None:
                self._gate.delay = max(self._gate.delay, float(delay))
        elif result.status in (401, 403) or 400 <= result.status < 500:
            parser.allow_all = True  # type: ignore[attr-defined]  # RFC 9309: an unavailable robots.txt means no restriction
        else:
            parser.disallow_all = True  # type: ignore[attr-defined]  # read by can_fetch, not in typeshed
        self._robots = parser
        return result

    def allowed(self, url: str) -> bool:
        if not self.options.respect_robots or self._robots is None:
            return True
        return self._robots.can_fetch(ROBOTS_AGENT, self.site_url(url))

    # -- fetching ------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        patience: int = 1,
    ) -> FetchResult:
        """GET ``url`` (moved onto the fetch address), following on-site redirects.

        Returns any final response, including 304 and 4xx. Raises
        :class:`FetchError` subclasses for refused or failed fetches. ``patience``
        multiplies the retries and the backoff (the end-of-run round is patient).
        """
        if not self.on_site(url):
            raise OffSiteError(f"{url}: off-site address refused")
        return self._get(self.site_url(url), etag=etag, last_modified=last_modified, max_bytes=max_bytes,
                         patience=patience)

    def _get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        check_robots: bool = True,
        patience: int = 1,
    ) -> FetchResult:
        seen: list[str] = []
        redirects: list[FetchResult] = []
        current = url
        while True:
            if not self.on_site(current):
                raise OffSiteError(f"{current}: off-site address refused")
            if check_robots and not self.allowed(current):
                raise DisallowedError(f"{current}: disallowed by robots.txt")
            headers: dict[str, str] = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            result = self._attempts(current, headers, max_bytes or self.options.max_body, max(1, patience))
            if result.status not in REDIRECT_STATUSES:
                result.requested_url = url
                result.redirects = redirects
                return result
            location = result.header("location")
            target = absolute(location or "", current)
            if target is None:
                return result  # a 3xx without a usable Location is itself the answer
            seen.append(current)
            redirects.append(result)
            if not self.on_site(target):
                raise OffSiteError(f"{url}: redirect to off-site {target} refused")
            target = self.site_url(target)
            if target in seen:
                raise FetchError(f"{url}: redirect loop via {target}")
            if len(redirects) > self.options.max_redirects:
                raise FetchError(f"{url}: more than {self.options.max_redirects} redirects")
            current = target

    def _attempts(self, url: str, headers: dict[str, str], cap: int, patience: int = 1) -> FetchResult:
        o = self.options
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self._once(url, headers, cap)
                result.attempts = attempt
                if result.status in RETRY_STATUSES:
                    ra = parse_retry_after(result.header("retry-after"))
                    if result.status in (429, 503) and ra is not None:
                        self._gate.block(ra)
                    raise _Retry(f"HTTP {result.status}", ra)
                return result
            except _Retry as exc:
                reason, retry_after = exc.reason, exc.retry_after
            except _Incomplete as exc:
                reason, retry_after = f"incomplete body ({exc})", None
            except httpx.TimeoutException as exc:
                reason, retry_after = f"timeout ({type(exc).__name__})", None
            except httpx.TransportError as exc:
                reason, retry_after = f"{type(exc).__name__}: {exc}", None
            if attempt > o.retries * patience:
                raise RetriesExhaustedError(f"{url}: failed after {attempt} attempts ({reason})")
            if retry_after is not None and retry_after > o.max_retry_after:
                raise RetriesExhaustedError(f"{url}: server asks to wait {retry_after:.0f}s ({reason}); try later")
            backoff = min(o.backoff_max, o.backoff_base * patience * 2 ** (attempt - 1))
            wait = self._random.uniform(backoff / 2, backoff)
            if retry_after is not None:
                wait = max(wait, retry_after)  # never undercut the server's own figure
            with self._stats_lock:
                self.retries += 1
            if self.on_event:
                self.on_event(FetchEvent("retry", url, attempt, reason, wait))
            if self.stop.wait(wait):
                raise FetchError(f"{url}: crawl stopping")

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        if event == "http11.send_request_headers.started":
            self._gate.pace(self.stop)

    def _once(self, url: str, headers: dict[str, str], cap: int) -> FetchResult:
        self._gate.enter()
        try:
            with self._stats_lock:
                self.requests += 1
            deadline = time.monotonic() + self.options.total_timeout
            with self.client.stream("GET", url, headers=headers, extensions={"trace": self._trace}) as response:
                fetched_at = utc_now()  # when the answer came, not when the request queued
                length = response.headers.get("content-length")
                if length and length.isdigit() and int(length) > cap and response.status_code not in RETRY_STATUSES:
                    raise TooLargeError(f"{url}: Content-Length {length} over the {cap}-byte cap")
                decoder = _Decoder(response.headers.get("content-encoding", ""), cap)
                for chunk in response.iter_raw(65536):
                    decoder.feed(chunk)
                    if time.monotonic() > deadline:
                        raise _Incomplete(f"body not complete within {self.options.total_timeout:.0f}s")
                body = decoder.finish()
                with self._stats_lock:
                    self.bytes += decoder.size
                request_headers = [(k, v) for k, v in response.request.headers.items()]
                return FetchResult(
                    url=url,
                    requested_url=url,
                    status=response.status_code,
                    headers=[(k, v) for k, v in response.headers.multi_items()],
                    body=body,
                    fetched_at=fetched_at,
                    request_headers=request_headers,
                    http_version=response.http_version,
                )
        except TooLargeError as exc:
            if url not in str(exc):
                raise TooLargeError(f"{url}: {exc}") from None
            raise
        finally:
            self._gate.leave()
