"""The crawl: sources of raw responses, an engine that turns them into the archive.

- :mod:`.engine` wires a source's planner, the :mod:`.scheduler`, the fetch
  :mod:`.workers` and the :mod:`.writer` with typed :mod:`.messages`;
- :mod:`.sources`: the live host (:mod:`.sources.live`, its discovery in
  :mod:`.sources.live_discovery`), the Wayback Machine (:mod:`.sources.wayback`),
  WARC/WACZ files (:mod:`.sources.warc_import`);
- :mod:`.fetch` is the polite HTTP client, :mod:`.discover` reads pages for links,
  :mod:`.extraction` runs the extractor in forked workers;
- :mod:`.reextract` re-reads stored pages with a newer extractor.
"""

from __future__ import annotations

from .events import CrawlSummary, Event
from .options import CrawlOptions
from .reextract import ReextractSummary, reextract
from .run import crawl, resolve_site

__all__ = ["CrawlOptions", "CrawlSummary", "Event", "ReextractSummary", "crawl", "reextract", "resolve_site"]
