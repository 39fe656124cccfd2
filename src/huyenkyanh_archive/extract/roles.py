"""Role abbreviations spelled out.

``expand_role("Chủ tịch UBND huyện")`` gives "Chủ tịch Ủy ban nhân dân huyện".
The table is ``data/abbreviations.tsv``; an abbreviation is replaced only as a
whole word (so "TT" in "TTVH-TT" is not touched on its own), the longest one
first ("UB MTTQ" before "MTTQ", "TTVH-TT" before "TTVH").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..vietnamese import collapse_space, nfc
from .lexicon import data_lines

__all__ = ["expand_role", "abbreviations"]


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in data_lines("abbreviations.tsv"):
        if "\t" not in line:
            continue
        abbr, full = line.split("\t", 1)
        table[nfc(abbr.strip())] = nfc(full.strip())
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    keys = sorted(abbreviations(), key=len, reverse=True)
    alts = "|".join(re.escape(k) for k in keys)
    # Whole words only: no letter, digit or joining hyphen/ampersand around.
    return re.compile(rf"(?<![\w&-])(?:{alts})(?![\w&]|-\w)")


@lru_cache(maxsize=8192)
def expand_role(role: str) -> str:
    """"Chủ tịch UBND huyện" -> "Chủ tịch Ủy ban nhân dân huyện"."""
    if not role:
        return ""
    table = abbreviations()
    text = nfc(role)
    return collapse_space(_pattern().sub(lambda m: table[m.group(0)], text))
