"""Scoring extracted people against the annotated corpus (GOLD.md).

Three micro-averaged F1 figures over a set of articles, every name and role
compared through ``vietnamese.compare_key`` (NFC, lower case, collapsed
space, new-style tone placement; abbreviations as written):

- attendee-name F1: the set of attendee names per article;
- (name, role) pair F1: one pair per role of each attendee (a gold attendee
  with no role contributes nothing here);
- author F1: the set of byline authors per article.

Usage::

    total = Score()
    for article in load_corpus():
        total.add(article, predicted_attendees, predicted_authors)
    total.name.f1, total.pair.f1, total.author.f1, total.report()

``predicted_attendees`` may be ``Attendee`` objects or dicts with ``name`` and
``roles``. ``gold_inputs(article)`` gives the text a people extractor is fed
when the gold text is used directly (title, lead + paragraphs, captions,
byline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from huyenkyanh_archive.vietnamese import compare_key

__all__ = ["Counts", "Score", "gold_inputs", "name_set", "pair_set"]


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 1.0

    def add_sets(self, gold: set[Any], pred: set[Any]) -> tuple[set[Any], set[Any]]:
        """Count one article; returns (missed, spurious)."""
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        return gold - pred, pred - gold

    def __str__(self) -> str:
        return f"F1 {self.f1:.3f} (P {self.precision:.3f}, R {self.recall:.3f}; tp {self.tp}, fp {self.fp}, fn {self.fn})"


def _get(obj: Any, attr: str) -> Any:
    return obj[attr] if isinstance(obj, dict) else getattr(obj, attr)


def name_set(attendees: Iterable[Any]) -> set[str]:
    return {compare_key(_get(a, "name")) for a in attendees}


def pair_set(attendees: Iterable[Any]) -> set[tuple[str, str]]:
    return {(compare_key(_get(a, "name")), compare_key(r)) for a in attendees for r in _get(a, "roles")}


def gold_inputs(article: dict[str, Any]) -> dict[str, Any]:
    """The text of an annotated article, as a people extractor is fed it."""
    blocks = article.get("blocks") or []
    return {
        "title": article.get("title") or "",
        "paragraphs": [article.get("lead") or ""] + [b["text"] for b in blocks if b.get("type") == "p"],
        "captions": [b["caption"] for b in blocks if b.get("type") == "img" and b.get("caption")],
        "byline": article.get("byline") or "",
    }


@dataclass
class Score:
    name: Counts = field(default_factory=Counts)
    pair: Counts = field(default_factory=Counts)
    author: Counts = field(default_factory=Counts)
    misses: list[str] = field(default_factory=list)

    def add(self, article: dict[str, Any], attendees: Iterable[Any], authors: Iterable[str]) -> None:
        attendees = list(attendees)
        gold = article["gold"]
        aid = article.get("id", "?")
        lines = []
        missed, spurious = self.name.add_sets(name_set(gold["attendees"]), name_set(attendees))
        if missed:
            lines.append(f"  missed attendees: {sorted(missed)}")
        if spurious:
            lines.append(f"  spurious attendees: {sorted(spurious)}")
        missed, spurious = self.pair.add_sets(pair_set(gold["attendees"]), pair_set(attendees))
        if missed:
            lines.append(f"  missed (name, role): {sorted(missed)}")
        if spurious:
            lines.append(f"  spurious (name, role): {sorted(spurious)}")
        missed, spurious = self.author.add_sets(
            {compare_key(a) for a in gold["authors"]}, {compare_key(a) for a in authors}
        )
        if missed or spurious:
            lines.append(f"  authors: missed {sorted(missed)}, spurious {sorted(spurious)}")
        if lines:
            self.misses.append(f"{aid}:\n" + "\n".join(lines))

    def report(self) -> str:
        head = f"attendee names {self.name}\n(name, role) pairs {self.pair}\nauthors {self.author}"
        return head + ("\n" + "\n".join(self.misses) if self.misses else "")
