"""Sources of raw responses: where the pipeline's pages come from.

A *source* yields :class:`~huyenkyanh_archive.response.Response` objects:
the URL as the site knew it, status, headers, body, time, and a
:class:`~huyenkyanh_archive.response.Provenance` saying where the bytes really
came from. Discovery, identity, extraction, storage, versions and queries read
those and never ask which source it was. The live crawler is one source; the
modules here hold the protocols of the others:

- :mod:`.cdx`: the Wayback Machine's CDX server (listing captures) and ``id_``
  replay (their original bytes), as pure functions and types: the caller does
  the HTTP;
- :mod:`.warc`: WARC and WACZ files read with warcio, damage reported.
"""

from .cdx import (
    CDX_INTERVAL,
    CDX_PATH,
    DEFAULT_BASE,
    DEFAULT_FIELDS,
    DEFAULT_FILTERS,
    DEFAULT_LIMIT,
    RATE_LIMIT_STATUSES,
    RATE_LIMIT_WAIT,
    REPLAY_INTERVAL,
    RETRY_STATUSES,
    Capture,
    CaptureDeduper,
    CdxFormatError,
    CdxPage,
    CdxQuery,
    Failed,
    MatchType,
    Memento,
    NearestCapture,
    NotArchived,
    RateLimited,
    Replayed,
    ReplayTarget,
    cdx_digest,
    digest_matches,
    hosts_for,
    mimetype_filter,
    parse_cdx,
    parse_num_pages,
    parse_replay_url,
    rate_limit_of,
    read_replay,
    site_headers,
    site_queries,
    surt,
)
from .warc import DEFAULT_MAX_BODY, Captured, OffSite, Skipped, WarcDamaged, WarcItem, read_warc, warc_date

__all__ = [
    "CDX_INTERVAL", "CDX_PATH", "DEFAULT_BASE", "DEFAULT_FIELDS", "DEFAULT_FILTERS", "DEFAULT_LIMIT",
    "DEFAULT_MAX_BODY", "RATE_LIMIT_STATUSES", "RATE_LIMIT_WAIT", "REPLAY_INTERVAL", "RETRY_STATUSES",
    "Capture", "CaptureDeduper", "Captured", "CdxFormatError", "CdxPage", "CdxQuery", "Failed", "MatchType",
    "Memento", "NearestCapture", "NotArchived", "OffSite", "RateLimited", "Replayed", "ReplayTarget", "Skipped",
    "WarcDamaged", "WarcItem", "cdx_digest", "digest_matches", "hosts_for", "mimetype_filter", "parse_cdx",
    "parse_num_pages", "parse_replay_url", "rate_limit_of", "read_replay", "read_warc", "site_headers", "site_queries", "surt",
    "warc_date",
]
