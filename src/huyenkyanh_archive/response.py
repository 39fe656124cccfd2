"""The raw response: one definition for every source of pages.

A source (the live host, the Wayback Machine, a WARC file) yields
:class:`Response` objects; everything downstream (identity, extraction,
storage, versions, queries) reads them and never asks which source it was.
``url`` is always the address *as the site knew it*; where the bytes really
came from is in :class:`Provenance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SourceKind = Literal["live", "wayback", "warc"]

__all__ = ["Provenance", "Response", "SourceKind", "LIVE"]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a response's bytes came from."""

    source: SourceKind = "live"
    # The web archive's own address of the capture (a Wayback ``id_`` URL), or None.
    archive_url: str | None = None
    # When the web archive captured it (ISO 8601 UTC), or None for a live fetch.
    captured_at: str | None = None
    # The archive's digest of the payload (CDX ``digest``, ``WARC-Payload-Digest``), as given.
    digest: str | None = None
    # A WARC/WACZ file and the record's offset in it.
    file: str | None = None
    offset: int | None = None

    def to_dict(self) -> dict[str, str | int]:
        return {k: v for k, v in (
            ("source", self.source), ("archive_url", self.archive_url), ("captured_at", self.captured_at),
            ("digest", self.digest), ("file", self.file), ("offset", self.offset),
        ) if v is not None}


LIVE = Provenance()


@dataclass(slots=True)
class Response:
    """One HTTP response of the site: status, headers and body as served."""

    url: str  # the address as the site knew it (after on-site redirects)
    status: int
    headers: list[tuple[str, str]]  # as served; repeated headers kept
    body: bytes  # decoded (identity) bytes: Content-Encoding undone
    fetched_at: str  # when the site served it (ISO 8601 UTC): now, or the capture time
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    http_version: str = "HTTP/1.1"
    requested_url: str = ""  # the address asked for, before redirects ("" = url)
    attempts: int = 1
    redirects: list[Response] = field(default_factory=list)  # the 3xx answers on the way, in order
    provenance: Provenance = LIVE

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def not_modified(self) -> bool:
        return self.status == 304
