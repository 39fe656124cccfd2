"""Errors the library raises; the CLI maps each to one line and an exit code."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: a failure with a message fit for one line on stderr."""

    exit_code = 1


class ExtractError(ArchiveError):
    """A page that cannot be turned into a record (empty, binary, not HTML)."""

    exit_code = 65  # EX_DATAERR


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


class FetchError(ArchiveError):
    """A fetch that failed after its retries."""

    exit_code = 69  # EX_UNAVAILABLE
