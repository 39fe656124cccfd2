"""Bylines: authors and source names (stub: being written)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Byline:
    authors: list[str] = field(default_factory=list)
    source_name: str | None = None


def parse_byline(text: str | None) -> Byline:
    """"Trà Giang - Anh Đức" -> authors ["Trà Giang", "Anh Đức"]; "Nguồn: Báo Hà Tĩnh" -> source."""
    return Byline()
