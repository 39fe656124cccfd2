"""Finding people by name: ignoring case, diacritics, tone placement and extra spaces."""

from __future__ import annotations

from ..archive import people_reads
from ..archive.store import Archive
from ..vietnamese import collapse_space, compare_key, fold, nfc

__all__ = ["name_keys_for", "name_keys_containing"]


def name_keys_for(archive: Archive, name: str) -> list[str]:
    """Name keys whose names equal ``name`` ignoring case, diacritics and tone placement."""
    exact = people_reads.exact_name_key(archive, compare_key(name))
    if exact is not None:
        return [exact]
    return people_reads.name_keys_folded(archive, fold(collapse_space(nfc(name))))


def name_keys_containing(archive: Archive, part: str) -> list[str]:
    """Name keys of names that contain ``part`` (a given name, say), the most frequent first."""
    return people_reads.name_keys_like(archive, fold(part))
