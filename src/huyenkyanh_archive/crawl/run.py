"""``crawl()``: archive a site (or bring its archive up to date) from one source.

The live host is the default source; ``options.source = "wayback"`` reads
the Wayback Machine's captures of the site instead (:mod:`.sources.wayback`).
Either way the same engine, identity, extraction and archive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..archive import Archive, open_archive
from ..archive.lock import CrawlLock
from ..errors import QueryError
from ..site.profile import Profile
from ..site.site import Site, load_site, site_of
from .engine import Engine, EventSink
from .events import CrawlSummary
from .fetch import FetchEvent
from .options import CrawlOptions
from .plan import Fetching, Planner
from .sources.live import LiveFetching
from .sources.live_discovery import LiveDiscovery
from .workers import HomePages

__all__ = ["crawl", "resolve_site"]


def resolve_site(site: Site | Profile | str | None, base_url: str | None = None) -> Site:
    """A site from a :class:`Site`, a loaded profile, or a ``--site`` value (name, file, address)."""
    if isinstance(site, Site):
        return site.with_fetch_base(base_url) if base_url else site
    if isinstance(site, Profile):
        return site_of(site, base_url=base_url)
    return load_site(site, base_url=base_url)


def _live(site: Site, options: CrawlOptions, on_event: Callable[[FetchEvent], None], stop: threading.Event,
          homes: HomePages) -> tuple[Fetching, Planner]:
    return LiveFetching(site, options, on_event=on_event, stop=stop), LiveDiscovery(homes)


def _wayback(site: Site, options: CrawlOptions, on_event: Callable[[FetchEvent], None], stop: threading.Event,
             homes: HomePages) -> tuple[Fetching, Planner]:
    from .sources.wayback import wayback_source  # loaded only for this source

    return wayback_source(site, options, on_event=on_event, stop=stop, homes=homes)


def _warc(site: Site, options: CrawlOptions, on_event: Callable[[FetchEvent], None], stop: threading.Event,
          homes: HomePages) -> tuple[Fetching, Planner]:
    from .sources.warc_import import warc_source  # loaded only for this source (warcio)

    return warc_source(site, options, on_event=on_event, stop=stop, homes=homes)


def _claim(archive: Archive, site: Site) -> None:
    """One site per archive: another site's pages would share its article keys."""
    held = archive.state.site()
    if held is None:
        with archive.transaction():
            archive.state.claim_site(site.base_url)
    elif held.rstrip("/") != site.base_url.rstrip("/"):
        raise QueryError(f"{archive.path} holds the archive of {held}; archive {site.base_url} in a file of its own"
                         " (--db)")


def crawl(
    db_path: str | Path,
    profile: Site | Profile | str | None = None,
    options: CrawlOptions | None = None,
    events: EventSink = None,
) -> CrawlSummary:
    """Archive (or bring up to date) the site into the database at ``db_path``.

    Raises :class:`LockedError` when another crawl holds the database,
    :class:`StoreError` when it cannot be written (the archive stays as it was
    before the failing page), :class:`FetchError` when the site cannot be
    reached at all. Failures of single pages are counted in the summary.
    """
    options = options or CrawlOptions()
    site = resolve_site(profile, options.base_url)
    source = {"wayback": _wayback, "warc": _warc}.get(options.source, _live)
    with CrawlLock(db_path) as lock:
        archive = open_archive(db_path, stage_hook=options.stage_hook)
        try:
            if options.max_page_count:
                archive.cap_size(options.max_page_count)
            _claim(archive, site)
            fds = (lock.fileno,) if lock.fileno is not None else ()
            return Engine(archive, site, options, source, events, fds).run()
        finally:
            archive.close()
