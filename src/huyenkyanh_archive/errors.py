"""Every error the library raises; the CLI maps each to one line on stderr and an exit code.

The hierarchy::

    ArchiveError                  a failure with a one-line message (exit code per class)
    ├── ExtractError         65   a page that cannot be turned into a record
    ├── SourceDamagedError   65   a WARC/WACZ file damaged at a byte offset (records before it kept)
    ├── ProtocolError        76   a web archive's answer that is not what its protocol says (a cut CDX page)
    ├── ProfileError         78   a site profile that is missing or malformed
    ├── StoreError           74   the database cannot be opened or written
    ├── LockedError          75   another crawl holds the database
    ├── QueryError            2   a malformed query, filter or option value
    ├── CrawlBugError        70   a crawl thread failed in a way that is a bug
    └── FetchError           69   a fetch that failed (the site unreachable, when it is robots.txt)
        ├── OffSiteError          a URL or redirect target outside the site: never fetched
        ├── DisallowedError       robots.txt forbids the URL
        ├── TooLargeError         a body over the size cap (after decompression)
        ├── NotReplayableError    a web archive holds no exact copy of a listed capture (not a failure)
        └── RetriesExhaustedError every attempt failed with a retryable error
"""

from __future__ import annotations

__all__ = [
    "ArchiveError", "ExtractError", "SourceDamagedError", "ProtocolError", "ProfileError", "StoreError", "LockedError",
    "QueryError", "CrawlBugError", "FetchError", "OffSiteError", "DisallowedError", "TooLargeError",
    "NotReplayableError", "RetriesExhaustedError",
]


class ArchiveError(Exception):
    """Base class: a failure with a message fit for one line on stderr."""

    exit_code = 1


class ExtractError(ArchiveError):
    """A page that cannot be turned into a record (empty, binary, not HTML)."""

    exit_code = 65  # EX_DATAERR


class SourceDamagedError(ArchiveError):
    """A WARC/WACZ file that cannot be read past ``offset``: truncated, garbage, a bad zip.

    The message is one line naming the file and the byte offset; the records before it were read.
    """

    exit_code = 65  # EX_DATAERR

    def __init__(self, path: str, offset: int, reason: str) -> None:
        self.path = path
        self.offset = offset
        self.reason = " ".join(reason.split())[:300]  # one line, whatever the library said
        super().__init__(f"{path}: damaged at byte {offset}: {self.reason}")


class ProtocolError(ArchiveError):
    """A web archive's answer that is not what its protocol says (not JSON, no header row, a cut body)."""

    exit_code = 76  # EX_PROTOCOL


class ProfileError(ArchiveError):
    """A site profile that is missing or malformed."""

    exit_code = 78  # EX_CONFIG


class StoreError(ArchiveError):
    """The database cannot be opened or written (read-only, full disk, corrupt)."""

    exit_code = 74  # EX_IOERR


class LockedError(ArchiveError):
    """Another crawl holds the database."""

    exit_code = 75  # EX_TEMPFAIL


class QueryError(ArchiveError):
    """A malformed search query or filter."""

    exit_code = 2


class CrawlBugError(ArchiveError):
    """A crawl thread failed in a way that is a bug, not the site's or the disk's doing."""

    exit_code = 70  # EX_SOFTWARE


class FetchError(ArchiveError):
    """A fetch that failed after its retries."""

    exit_code = 69  # EX_UNAVAILABLE


class OffSiteError(FetchError):
    """A URL (or a redirect target) outside the site's host: never fetched."""


class DisallowedError(FetchError):
    """robots.txt forbids the URL."""


class TooLargeError(FetchError):
    """A body over the size cap (after decompression)."""


class RetriesExhaustedError(FetchError):
    """Every attempt failed with a retryable error."""


class NotReplayableError(FetchError):
    """A listed capture the web archive cannot replay exactly (it redirects to another
    time, or answers that nothing is archived): skipped and counted, not a failure."""
