"""People as entities: which attendee rows are the same person.

The rule, in order (``person NAME --why`` prints how it applied):

1. **Name.** Rows whose full names have the same :func:`~.vietnamese.compare_key`
   (NFC, lower case, new-style tones) are candidates for one person. A role
   change over time ("Phó Chủ tịch" -> "Chủ tịch") never splits a person.
2. **Locality.** Each appearance (one attendee in one article) is placed by
   the commune-level unit its roles name: ``xã``, ``phường``, ``thị trấn``,
   ``thôn``, ``xóm``, ``tổ dân phố`` followed by a capitalised place name
   ("Chủ tịch UBND xã Kỳ Tân" -> "xã Kỳ Tân"). Roles at district or province
   level, and people without a role, leave the appearance unplaced.
3. **Split.** A name stays one person unless its placed appearances name two
   or more different localities. Then each locality is a separate person —
   a commune official and a namesake in another commune are far more common
   than one official moving between communes — except that localities tied
   by evidence are merged again: one article that gives the person roles in
   both, or the same name listed twice in one article (then they are surely
   two people, and stay apart).
4. **Unplaced appearances of a split name** go to the locality whose people
   they appear with most (co-attendees in the same article); with no shared
   co-attendee, or a tie, they form one more entry, "(không rõ địa bàn)".

Each entity has a stable key: the name key, plus ``@`` and the folded
locality when the name was split.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..vietnamese import compare_key, fold_key, locality_of

UNPLACED_LABEL = "không rõ địa bàn"


@dataclass(slots=True)
class Appearance:
    """One attendee in one article."""

    article: int
    position: int
    date: str | None
    name: str
    roles: list[tuple[str, str, str]] = field(default_factory=list)  # (role, role_key, role_expanded)
    ref: str | None = None  # the portal's article id, for explanations

    @property
    def where(self) -> str:
        return f"article {self.ref or self.article} ({self.date[:10] if self.date else 'undated'})"

    @property
    def localities(self) -> set[str]:
        out = set()
        for role, _key, expanded in self.roles:
            place = locality_of(expanded) or locality_of(role)
            if place:
                out.add(place)
        return out


@dataclass(slots=True)
class Entity:
    key: str
    name: str
    name_key: str
    locality: str | None
    appearances: list[Appearance]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.locality})" if self.locality else self.name


@dataclass(slots=True)
class Resolution:
    """How one name was resolved into entities, with the reasons in words."""

    name_key: str
    entities: list[Entity]
    reasons: list[str]


def _most_common_name(apps: Iterable[Appearance]) -> str:
    counts = Counter(a.name for a in apps)
    return max(counts, key=lambda n: (counts[n], n))


def _span(apps: Sequence[Appearance]) -> tuple[str, str]:
    dates = sorted(a.date[:10] for a in apps if a.date)
    return (dates[0], dates[-1]) if dates else ("?", "?")


def resolve(
    name_key: str,
    appearances: Sequence[Appearance],
    coattendees: dict[int, set[str]] | None = None,
) -> Resolution:
    """Apply the rule above to every appearance of one name key.

    ``coattendees`` maps an article to the name keys of everyone in it; it is
    only needed when unplaced appearances of a split name must be assigned.
    """
    reasons: list[str] = []
    by_place: dict[str, list[Appearance]] = defaultdict(list)
    unplaced: list[Appearance] = []
    # Union-find over localities, merged by articles that name two of them.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for app in appearances:
        places = sorted(app.localities, key=fold_key)
        if not places:
            unplaced.append(app)
            continue
        for p in places:
            parent.setdefault(fold_key(p), fold_key(p))
        first = fold_key(places[0])
        for p in places[1:]:
            a, b = find(first), find(fold_key(p))
            if a != b:
                parent[b] = a
                reasons.append(
                    f"{places[0]} and {p} are one person: {app.where} gives this name roles in both"
                )
        by_place[find(first)].append(app)

    groups: dict[str, list[Appearance]] = defaultdict(list)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for place_key, apps in by_place.items():
        root = find(place_key)
        groups[root].extend(apps)
        for app in apps:
            for p in app.localities:
                if find(fold_key(p)) == root:
                    labels[root][p] += 1

    name = _most_common_name(appearances) if appearances else name_key
    if len(groups) <= 1:
        if groups:
            named = ", ".join(p for p, _n in next(iter(labels.values())).most_common())
            reasons.append(
                f"one person: all {len(appearances)} appearances share the name key {name_key!r}; "
                f"the localities their roles name ({named}) are one person's by the evidence above"
                if "," in named
                else f"one person: all {len(appearances)} appearances share the name key {name_key!r}; "
                f"the only locality named in the roles is {named}"
            )
        else:
            reasons.append(
                f"one person: all {len(appearances)} appearances share the name key {name_key!r}; "
                "no role names a commune, so nothing suggests namesakes"
            )
        return Resolution(name_key, [Entity(name_key, name, name_key, None, sorted(appearances, key=_order))], reasons)

    names = {root: labels[root].most_common(1)[0][0] for root in groups}
    parts = []
    for root, apps in sorted(groups.items(), key=lambda kv: _span(kv[1])):
        lo, hi = _span(apps)
        parts.append(f"{names[root]} ({len(apps)} appearances, {lo}..{hi})")
    reasons.append(
        f"split: the roles of {name!r} name {len(groups)} different localities and no article ties them: "
        + "; ".join(parts)
    )
    spans = sorted((_span(apps), names[root]) for root, apps in groups.items())
    for (a_span, a_name), (b_span, b_name) in zip(spans, spans[1:], strict=False):
        if b_span[0] <= a_span[1]:
            reasons.append(f"{a_name} and {b_name} overlap in time ({b_span[0]} <= {a_span[1]}): one person cannot hold both")
    same_article = Counter(a.article for a in appearances)
    twice = sorted(a for a, n in same_article.items() if n > 1)
    if twice:
        reasons.append(f"the name is listed twice in article(s) {', '.join(map(str, twice[:5]))}: two people for sure")

    leftover: list[Appearance] = []
    for app in unplaced:
        mates = (coattendees or {}).get(app.article, set()) - {name_key}
        scores = {
            root: sum(len(mates & (coattendees or {}).get(o.article, set())) for o in apps)
            for root, apps in groups.items()
        }
        best_score = max(scores.values())
        winners = [root for root, score in scores.items() if score == best_score]
        # A tie is no evidence either way: better an extra entry than a wrong merge.
        best = winners[0] if best_score > 0 and len(winners) == 1 else None
        if best is None:
            leftover.append(app)
        else:
            groups[best].append(app)
            reasons.append(
                f"{app.where} names no locality; "
                f"assigned to {names[best]} by {best_score} shared co-attendee appearance(s)"
            )
    if leftover:
        reasons.append(
            f"{len(leftover)} appearance(s) name no locality and share no co-attendee with any of them: "
            f"kept apart as {name} ({UNPLACED_LABEL})"
        )
    entities = [
        Entity(f"{name_key}@{root}", _most_common_name(apps), name_key, names[root], sorted(apps, key=_order))
        for root, apps in groups.items()
    ]
    if leftover:
        entities.append(
            Entity(f"{name_key}@?", _most_common_name(leftover), name_key, UNPLACED_LABEL, sorted(leftover, key=_order))
        )
    entities.sort(key=lambda e: (e.appearances[0].date or "", e.key))
    return Resolution(name_key, entities, reasons)


def _order(app: Appearance) -> tuple[str, int, int]:
    return (app.date or "", app.article, app.position)


def group_rows(rows: Iterable[Sequence[object]]) -> dict[str, list[Appearance]]:
    """Attendee rows (article, position, date, name, name_key, role, role_key, role_expanded[, article_id])
    -> appearances grouped by name key. Rows must come ordered by (article, position)."""
    out: dict[str, list[Appearance]] = defaultdict(list)
    last: tuple[object, object] | None = None
    current: Appearance | None = None
    for article, position, date, name, name_key, role, role_key, role_expanded, *ref in rows:
        if (article, position) != last or current is None:
            current = Appearance(int(str(article)), int(str(position)), date, str(name), ref=str(ref[0]) if ref else None)  # type: ignore[arg-type]
            out[str(name_key)].append(current)
            last = (article, position)
        if role:
            current.roles.append((str(role), str(role_key or compare_key(str(role))), str(role_expanded or role)))
    return out
