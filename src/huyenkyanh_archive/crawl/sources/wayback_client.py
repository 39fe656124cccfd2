"""The Wayback Machine over HTTP: paced requests, its rate limits honoured, captures replayed.

:mod:`.cdx` holds the protocol (what to ask, what an answer means); this
module does the asking. One gate paces every request to the archive (CDX
and replay alike: the archive counts them together per client), and a 429 or
503 from the archive itself stops *all* requests for the wait it asks (60 s
when it names none, as IA does), not just the one refused: IA blocks
clients that keep going through 429s.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from ...errors import FetchError, NotReplayableError, ProtocolError
from ...response import Response
from ...site.site import Site
from ..fetch import FetchEvent
from ..messages import Task
from ..options import CrawlOptions
from .cdx import (
    CDX_INTERVAL,
    CDX_PATH,
    RATE_LIMIT_WAIT,
    REPLAY_INTERVAL,
    RETRY_STATUSES,
    Capture,
    CdxPage,
    CdxQuery,
    Failed,
    Memento,
    NearestCapture,
    NotArchived,
    RateLimited,
    parse_cdx,
    rate_limit_of,
    read_replay,
)

__all__ = ["Answer", "WaybackClient", "WaybackFetching"]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class _Gate:
    """Request starts at least ``interval`` apart, and none while the archive asked us to wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0
        self._blocked_until = 0.0

    def block(self, seconds: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, time.monotonic() + seconds)

    def wait_turn(self, interval: float, stop: threading.Event) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                start = max(self._next, self._blocked_until)
                if now >= start:
                    self._next = now + interval
                    return
            if stop.wait(min(start - now, 1.0)):
                raise FetchError("crawl stopping")


class WaybackClient:
    """Paced GETs to one web archive, retried on transient answers (thread-safe)."""

    def __init__(self, options: CrawlOptions, *, on_event: Callable[[FetchEvent], None] | None,
                 stop: threading.Event) -> None:
        self.options = options
        self.base = options.wayback_url.rstrip("/")
        self.on_event = on_event
        self.stop = stop
        self.cdx_interval = CDX_INTERVAL if options.cdx_interval is None else options.cdx_interval
        self.replay_interval = REPLAY_INTERVAL if options.replay_interval is None else options.replay_interval
        self.rate_limit_wait = RATE_LIMIT_WAIT if options.rate_limit_wait is None else options.rate_limit_wait
        self._gate = _Gate()
        self._random = random.Random(options.seed)
        self._stats = threading.Lock()
        self.requests = self.retries = self.bytes = 0
        self.client = httpx.Client(
            headers={"User-Agent": options.user_agent}, follow_redirects=False,
            timeout=httpx.Timeout(options.read_timeout, connect=options.connect_timeout),
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, interval: float) -> Answer:
        """One request's answer, any status; transport errors raise (see :meth:`_attempt`)."""
        self._gate.wait_turn(interval, self.stop)
        with self._stats:
            self.requests += 1
        response = self.client.get(url)
        body = response.content
        with self._stats:
            self.bytes += len(body)
        return Answer(response.status_code, list(response.headers.multi_items()), body)

    def _attempt(self, url: str, interval: float, attempt: int) -> Answer | None:
        """One try; None after a broken connection or a timeout, counted and waited out as a retry."""
        try:
            return self.get(url, interval)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            self.retry_wait(url, attempt, f"{type(exc).__name__}: {exc}")
            return None

    def retry_wait(self, url: str, attempt: int, reason: str, wait: float | None = None) -> None:
        """Count a retry, tell the events, and sleep its backoff (or ``wait``, when the archive named one)."""
        o = self.options
        if attempt > o.retries:
            raise FetchError(f"{url}: failed after {attempt} attempts ({reason})")
        backoff = min(o.backoff_max, o.backoff_base * 2 ** (attempt - 1))
        pause = max(self._random.uniform(backoff / 2, backoff), wait or 0.0)
        with self._stats:
            self.retries += 1
        if self.on_event:
            self.on_event(FetchEvent("retry", url, attempt, reason, pause))
        if self.stop.wait(pause):
            raise FetchError(f"{url}: crawl stopping")

    def limited(self, limit: RateLimited) -> float:
        """The archive refused for load: every request waits."""
        wait = limit.retry_after if limit.retry_after is not None else self.rate_limit_wait
        self._gate.block(wait)
        return wait

    # -- the CDX server --------------------------------------------------------------
    def cdx_page(self, query: CdxQuery) -> CdxPage:
        url = f"{self.base}{CDX_PATH}?{urlencode(query.params())}"
        attempt = 0
        while True:
            attempt += 1
            answer = self._attempt(url, self.cdx_interval, attempt)
            if answer is None:
                continue
            limit = rate_limit_of(answer.status, answer.headers)
            if limit is not None:
                self.retry_wait(url, attempt, f"HTTP {answer.status} from the CDX server", self.limited(limit))
                continue
            if answer.status in RETRY_STATUSES:
                self.retry_wait(url, attempt, f"HTTP {answer.status} from the CDX server")
                continue
            if answer.status != 200:
                raise FetchError(f"{url}: HTTP {answer.status} from the CDX server")
            try:
                return parse_cdx(answer.body.decode("utf-8", "replace"), json_output=query.json_output,
                                 fields=query.fields)
            except ProtocolError as exc:
                # A cut or garbled page: asked again; a server that keeps answering so fails the run.
                try:
                    self.retry_wait(url, attempt, str(exc))
                except FetchError:
                    raise ProtocolError(f"{url}: {exc}") from None

    # -- replay ------------------------------------------------------------------------
    def replay(self, capture: Capture) -> Memento:
        """The captured response, verbatim (``id_``); its body checked against the CDX digest."""
        url = capture.replay_url(self.base)
        attempt = 0
        previous: str | None = None
        while True:
            attempt += 1
            answer = self._attempt(url, self.replay_interval, attempt)
            if answer is None:
                continue
            meant = read_replay(capture, answer.status, answer.headers, answer.body, self.base)
            if isinstance(meant, Memento):
                if meant.digest_ok or not capture.digest or capture.is_revisit or meant.response.status != 200:
                    return meant
                sha = hashlib.sha256(answer.body).hexdigest()
                if sha == previous:
                    return meant  # the same bytes twice: that is what the archive holds
                previous = sha
                self.retry_wait(url, attempt, "body does not match the CDX digest (cut short?)")
            elif isinstance(meant, RateLimited):
                self.retry_wait(url, attempt, f"HTTP {meant.status} from the archive", self.limited(meant))
            elif isinstance(meant, NearestCapture):
                raise NotReplayableError(f"{url}: no capture at that time (the archive offers {meant.timestamp})")
            elif isinstance(meant, NotArchived):
                raise NotReplayableError(f"{url}: {meant.reason}")
            elif isinstance(meant, Failed) and meant.retryable:
                self.retry_wait(url, attempt, meant.reason)
            else:
                raise NotReplayableError(f"{url}: {meant.reason}")


class WaybackFetching:
    """The fetch half of the Wayback source: a capture task in, the site's response as captured out."""

    def __init__(self, site: Site, client: WaybackClient, captures: dict[str, list[Capture]]) -> None:
        self.site = site
        self.client = client
        # capture_url -> its CDX row, then the rows of the same content captured elsewhen
        # (the planner fills it before queueing)
        self.captures = captures

    @property
    def requests(self) -> int:
        return self.client.requests

    @property
    def retries(self) -> int:
        return self.client.retries

    @property
    def bytes(self) -> int:
        return self.client.bytes

    def prepare(self) -> Response | None:
        return None  # no robots.txt of the archive's to keep: its copies are read, not crawled

    def allowed(self, url: str) -> bool:
        return True

    def fetch(self, task: Task) -> Response:
        copies = self.captures.get(task.capture_url or "")
        if not copies:
            raise FetchError(f"{task.url}: not a listed capture")
        for n, capture in enumerate(copies):
            try:
                response = self.client.replay(capture).response
                break
            except NotReplayableError:
                if n == len(copies) - 1:
                    raise  # no copy of this content can be replayed: skipped, counted
        else:  # pragma: no cover - the loop breaks or raises
            raise FetchError(f"{task.url}: no copy")
        response.url = self.site.canonical(response.url)
        response.requested_url = response.url
        return response

    def close(self) -> None:
        self.client.close()

