"""What the gold annotations say about offices, worked out without the code under test.

The annotated corpus (tests/fixtures/corpus/*.json) lists each article's
attendees with their roles as written. An office's holders are read from it
here the plain way: a hand-written list of the written forms of each office
(compared after NFC, case folding, spaces collapsed and the old tone placement
"uỷ" written "ủy"), and for each attendee name whose roles include one of those
forms, the articles' days. Nothing here calls the office reader.

:func:`build_gold_archive` stores those same annotated attendees (and nothing
else) in an archive through the store, the way ``build_people_archive`` does.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.record import Article
from tests.support.query_archive import article_id_of, attendee, person_record
from tests.support.render import load_corpus

# Old-style tone placement (on the first vowel of "oa", "oe", "uy") and its modern form.
_TONES = {"uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
          "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa"}


def norm(text: str) -> str:
    """A written role or name compared loosely: NFC, lower case, one space, modern tone placement."""
    out = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    for old, new in _TONES.items():
        out = out.replace(old, new)
    return out


@dataclass(frozen=True, slots=True)
class GoldOffice:
    """An office as the test asks for it, with every form it is written in in the corpus."""

    ask: str  # what a user types: `kyanh-archive office ASK`
    forms: frozenset[str]  # normalised written forms (see :func:`norm`)
    written: tuple[str, ...]  # the same forms as written


def office(ask: str, *forms: str) -> GoldOffice:
    return GoldOffice(ask, frozenset(norm(f) for f in (ask, *forms)), (ask, *forms))


# The offices checked against the annotations. "Phó Chủ tịch Thường trực UBND huyện" is an
# office of its own (the standing vice-chair), so it is not a form of the vice-chairs.
DISTRICT_SECRETARY = office("Bí thư Huyện ủy", "Bí thư Huyện ủy Kỳ Anh")
DISTRICT_CHAIR = office("Chủ tịch UBND huyện", "Chủ tịch UBND huyện Kỳ Anh", "Chủ tịch Ủy ban nhân dân huyện",
                        "CT UBND huyện")
DISTRICT_VICE_CHAIRS = office("Phó Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện Kỳ Anh",
                              "Phó Chủ tịch Ủy ban nhân dân huyện")
STANDING_VICE_CHAIR = office("Phó Chủ tịch Thường trực UBND huyện", "Phó Chủ tịch TT UBND huyện")
COUNCIL_CHAIR = office("Chủ tịch HĐND huyện", "Chủ tịch HĐND huyện Kỳ Anh", "Chủ tịch Hội đồng nhân dân huyện")
KY_THUONG_SECRETARY = office("Bí thư Đảng ủy xã Kỳ Thượng", "Bí thư Đảng ủy Kỳ Thượng")
KY_PHONG_SECRETARY = office("Bí thư Đảng ủy xã Kỳ Phong", "Bí thư Đảng ủy Kỳ Phong")
KY_XUAN_CHAIR = office("Chủ tịch UBND xã Kỳ Xuân", "Chủ tịch Ủy ban nhân dân xã Kỳ Xuân")

CHECKED = (DISTRICT_SECRETARY, DISTRICT_CHAIR, DISTRICT_VICE_CHAIRS, STANDING_VICE_CHAIR, COUNCIL_CHAIR,
           KY_THUONG_SECRETARY, KY_PHONG_SECRETARY, KY_XUAN_CHAIR)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One attendee of one annotated article."""

    article: str  # the corpus file's id
    day: str | None  # the article's day (YYYY-MM-DD, the portal's local time); None: undated
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoldHolder:
    name: str  # the most written form of the name
    first: str | None  # None: seen only in undated articles
    last: str | None
    articles: int


def sightings(corpus: Iterable[dict[str, Any]] | None = None) -> list[Sighting]:
    out = []
    for art in load_corpus() if corpus is None else corpus:
        day = art["published_at"][:10]
        for a in art["gold"]["attendees"]:
            out.append(Sighting(art["id"], day, a["name"], tuple(a["roles"])))
    return out


def holders(gold: GoldOffice, seen: Sequence[Sighting] | None = None) -> list[GoldHolder]:
    """The holders the annotations show, first seen first (ties by name)."""
    days: dict[str, dict[str, str | None]] = defaultdict(dict)  # person -> article -> day
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for s in sightings() if seen is None else seen:
        if any(norm(r) in gold.forms for r in s.roles):
            days[norm(s.name)][s.article] = s.day
            names[norm(s.name)][s.name] += 1
    out = []
    for person, by_article in days.items():
        dated = sorted(d for d in by_article.values() if d)
        shown = min(names[person], key=lambda n: (-names[person][n], n))
        out.append(GoldHolder(shown, dated[0] if dated else None, dated[-1] if dated else None, len(by_article)))
    return sorted(out, key=lambda h: (h.first is None, h.first or "", h.name))


def sightings_of(records: Iterable[Article]) -> list[Sighting]:
    """The attendees of stored records, as :func:`sightings` gives the annotated ones."""
    return [Sighting(rec.article_id or "", rec.published_at[:10] if rec.published_at else None, a.name,
                     tuple(a.roles)) for rec in records for a in rec.attendees]


_COMMUNE_RE = re.compile(r"\bxã (Kỳ [A-ZĐ]\w*)")


def communes_named() -> set[str]:
    """Every commune a gold role names as "xã Kỳ …"."""
    return {unicodedata.normalize("NFC", m.group(1)) for s in sightings() for r in s.roles
            for m in _COMMUNE_RE.finditer(unicodedata.normalize("NFC", r))}


# -- the archive -------------------------------------------------------------------


def gold_records() -> list[Article]:
    """One record per annotated article: its gold attendees, its day, its title."""
    return [
        person_record(n, art["published_at"][:10], art["title"], [attendee(a["name"], *a["roles"])
                                                                     for a in art["gold"]["attendees"]])
        for n, art in enumerate(load_corpus(), start=1)
    ]


def save_record(archive: Any, rec: Article, fetched_at: str = "2025-06-01T00:00:00Z") -> str:
    with archive.transaction():
        return str(archive.articles.save(rec, article_id=rec.article_id or article_id_of(rec.url or ""),
                                         response_id=None, fetched_at=fetched_at))


def build_gold_archive(path: Path) -> tuple[Path, list[Article]]:
    records = gold_records()
    with open_archive(path) as archive:
        for rec in records:
            save_record(archive, rec)
    return path, records
