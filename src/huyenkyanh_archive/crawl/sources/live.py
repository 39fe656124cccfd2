"""The live host as a source: polite fetches (:mod:`..fetch`) of the site's own addresses.

Its planner is the site's discovery (:mod:`.live_discovery`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ...errors import FetchError
from ...response import Response
from ...site.site import Site
from ..fetch import Fetcher, FetchEvent, FetchOptions
from ..messages import Task
from ..options import CrawlOptions

__all__ = ["LiveFetching"]


class LiveFetching:
    """Fetches the site's addresses from its host (or ``--base-url``), politely."""

    def __init__(self, site: Site, options: CrawlOptions, *, on_event: Callable[[FetchEvent], None] | None,
                 stop: threading.Event) -> None:
        o = options
        self.options = options
        self.site = site
        self.fetcher = Fetcher(
            site.fetch_base,
            FetchOptions(
                user_agent=o.user_agent, delay=o.delay, concurrency=max(1, o.concurrency),
                connect_timeout=o.connect_timeout, read_timeout=o.read_timeout, retries=o.retries,
                backoff_base=o.backoff_base, backoff_max=o.backoff_max, max_body=o.max_body,
                respect_robots=o.respect_robots,
            ),
            hosts=site.hosts(), on_event=on_event, stop=stop, seed=o.seed,
        )

    @property
    def requests(self) -> int:
        return self.fetcher.requests

    @property
    def retries(self) -> int:
        return self.fetcher.retries

    @property
    def bytes(self) -> int:
        return self.fetcher.bytes

    def prepare(self) -> Response | None:
        """robots.txt, patiently: without it the site is unreachable and nothing is changed."""
        try:
            return self.fetcher.load_robots(patience=max(1, self.options.final_round))
        except FetchError as exc:
            raise FetchError(f"robots.txt: {exc}; the site is unreachable, nothing was changed") from None

    def allowed(self, url: str) -> bool:
        return self.fetcher.allowed(url)

    def fetch(self, task: Task) -> Response:
        patience = max(1, self.options.final_round) if task.round else 1
        response = self.fetcher.get(
            task.url, etag=task.etag, last_modified=task.last_modified, patience=patience,
            max_bytes=self.options.max_asset if task.kind == "asset" else None,
        )
        # Records keep the site's own addresses, whatever address served them.
        response.url = self.site.canonical(response.url)
        for hop in response.redirects:
            hop.url = self.site.canonical(hop.url)
        return response

    def close(self) -> None:
        self.fetcher.close()
