"""Role abbreviations spelled out (stub: being written)."""

from __future__ import annotations


def expand_role(role: str) -> str:
    """"Chủ tịch UBND huyện" -> "Chủ tịch Ủy ban nhân dân huyện"."""
    return role
