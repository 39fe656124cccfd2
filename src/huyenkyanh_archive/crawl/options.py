"""How a crawl runs: :class:`CrawlOptions`, one dataclass for the CLI and the library."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .fetch import DEFAULT_USER_AGENT

__all__ = ["CrawlOptions", "SourceName"]

SourceName = Literal["live", "wayback", "warc"]


@dataclass(slots=True)
class CrawlOptions:
    folders: tuple[str, ...] = ()  # only these sections (by name); empty: the whole site
    since: date | None = None  # only articles published on or after this day
    max_articles: int | None = None  # at most this many article fetches for new articles
    full: bool = False  # walk every listing page; re-check gone sections and what the listings no longer show
    concurrency: int = 1
    delay: float = 1.0  # seconds between request starts on the host
    user_agent: str = DEFAULT_USER_AGENT
    base_url: str | None = None  # fetch the site from this address (a mirror, a local replica)
    revisit_days: float = 14.0  # revisit articles published this recently (conditional GET)
    assets: bool = False  # also archive same-host images and attachments linked by articles
    retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_body: int = 20 * 1024 * 1024
    max_asset: int = 50 * 1024 * 1024
    max_attempts: int = 5  # a frontier article that failed in this many runs is skipped until --full
    max_pages: int = 100_000  # per section: a pager that never ends
    max_sections: int = 2_000  # sections a site may have: a menu generated without end
    respect_robots: bool = True
    seed: int | None = None  # backoff jitter, for reproducible tests
    # Pages that failed after their retries are tried once more at the end of the run, after
    # the rest, with this many times the retries and backoff (0: no second round).
    final_round: int = 2
    # Extraction is pure CPU: with more than one request in flight it runs in this many
    # worker processes so it does not queue behind the GIL (None: automatic; 0: in-thread).
    extract_processes: int | None = None
    max_page_count: int | None = None  # cap the database's size in pages: a full disk, for tests
    # Called by the writer with a stage name ("fetched", "response", "saved", "fts", "committed")
    # around each article's transaction: fault-injection tests SIGKILL the process there.
    stage_hook: Callable[[str], None] | None = None
    # Where the pages come from: the live host, or the Wayback Machine's captures of it.
    source: SourceName = "live"
    wayback_url: str = "https://web.archive.org"
    wayback_from: str | None = None  # captures from this yyyy[MMdd...] on
    wayback_to: str | None = None
    cdx_interval: float | None = None  # seconds between CDX requests (None: the source's gentle default)
    replay_interval: float | None = None  # seconds between capture fetches (None: the default)
    warc_files: tuple[str, ...] = ()  # source "warc": the WARC/WACZ files to import, in order
    rate_limit_wait: float | None = None  # pause after the archive's 429/503 without Retry-After (None: 60 s)
