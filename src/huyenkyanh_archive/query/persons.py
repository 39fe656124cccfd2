"""``people`` and ``person``: the directory of people and one person's timeline.

Most answers come from the per-person summaries the archive keeps
(:mod:`..archive.people_summary`); a name whose roles place it in two or
more localities may be namesakes and goes through the resolver
(:mod:`.people_index`) over every appearance.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Literal

from ..archive import people_reads, people_summary
from ..archive.people_reads import ArticleRef
from ..archive.store import Archive
from ..clock import day_bound
from ..errors import QueryError, StoreError
from ..vietnamese import collapse_space, fold_key, nfc
from . import people_index
from .names import name_keys_containing, name_keys_for
from .offices import appearance_offices, person_offices
from .people_index import Appearance, Entity, Resolution
from .results import Ambiguous, CoAppearance, PersonSummary, PersonTimeline, RoleSpan

__all__ = ["DEFAULT_ARTICLE_LIMIT", "PeopleSort", "people", "person"]

PeopleSort = Literal["articles", "name", "last-seen"]
DEFAULT_ARTICLE_LIMIT = 50
_LOCALITY_RE = re.compile(r"^(?P<name>.+?)\s*[(@]\s*(?P<place>[^()]+?)\s*\)?\s*$")


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def _ends(items: list[ArticleRef], limit: int | None) -> list[ArticleRef]:
    """All ``items``, or the first and last of them when there are more than ``limit``:
    a long timeline is shown by its two ends, where a role was first and last seen."""
    if limit is None or len(items) <= limit:
        return items
    head = (limit + 1) // 2
    return items[:head] + items[len(items) - (limit - head) :]


def _ref_order(ref: ArticleRef) -> tuple[str, str]:
    return (ref.date or "", ref.article_id)


def _role_spans(
    apps: Sequence[Appearance], refs: dict[int, ArticleRef] | None = None, limit: int | None = None
) -> list[RoleSpan]:
    written: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, dict[int, str | None]] = defaultdict(dict)
    for app in apps:
        for role, key, _expanded in app.roles:
            written[key][role] += 1
            seen[key][app.article] = _day(app.date)
    spans = []
    for key, arts in seen.items():
        dates = sorted(d for d in arts.values() if d)
        role = max(written[key], key=lambda r: (written[key][r], r))
        shown = []
        if refs is not None:
            shown = _ends(sorted((refs[a] for a in arts if a in refs), key=_ref_order), limit)
        spans.append(RoleSpan(role, key, dates[0] if dates else None, dates[-1] if dates else None, len(arts), shown))
    spans.sort(key=lambda s: (s.first_seen or "", s.last_seen or "", s.role_key))
    return spans


def _summary(entity: Entity) -> PersonSummary:
    dates = sorted(d for d in (_day(a.date) for a in entity.appearances) if d)
    return PersonSummary(
        key=entity.key, name=entity.name, locality=entity.locality,
        articles=len({a.article for a in entity.appearances}),
        first_seen=dates[0] if dates else None, last_seen=dates[-1] if dates else None,
        roles=_role_spans(entity.appearances),
    )


def _summary_of(row: people_summary.PersonRow) -> PersonSummary:
    spans = [
        RoleSpan(row.role_written(rkey), rkey, span.first_day, span.last_day, span.articles)
        for rkey, span in row.roles.items()
    ]
    spans.sort(key=lambda r: (r.first_seen or "", r.last_seen or "", r.role_key))
    return PersonSummary(row.name_key, row.name, None, row.span.articles, row.span.first_day, row.span.last_day, spans)


def _require_summaries(archive: Archive) -> None:
    if not people_summary.available(archive.conn):
        raise StoreError(
            f"{archive.path}: this archive predates the people summaries (schema v5); open it once with write"
            " access to upgrade it (any command does), or copy it somewhere writable"
        )


def _directory(archive: Archive) -> list[PersonSummary]:
    """Every person's summary; names the rule may split go through the resolver."""
    _require_summaries(archive)
    out = []
    split = []
    for row in people_summary.load_all(archive.conn):
        if len(row.places()) > 1:
            split.append(row.name_key)
        else:
            out.append(_summary_of(row))
    for key in sorted(split):
        res, _refs = _resolve_key(archive, key)
        out.extend(_summary(e) for e in res.entities)
    return out


def _role_matcher(role: str) -> tuple[str, ...]:
    from ..extract.roles import expand_role

    return tuple({fold_key(role), fold_key(expand_role(nfc(role)))})


def people(
    archive: Archive,
    *,
    sort: PeopleSort = "articles",
    role: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[PersonSummary]:
    """The directory of people: one entry per person (see :mod:`.people_index`)."""
    if sort not in ("articles", "name", "last-seen"):
        raise QueryError(f"--sort {sort!r}: choose articles, name or last-seen")
    if limit is not None and limit < 1:
        raise QueryError(f"--limit {limit}: give a number of at least 1")
    lo = day_bound(since, upper=False, option="--since")
    archive.tune_for_reading()
    summaries = _directory(archive)
    if role:
        wanted = _role_matcher(role)
        # A role matches from its start on whole words: "Bí thư" is not "Phó Bí thư".
        summaries = [
            s for s in summaries
            if any(fold_key(r.role_key) == w or fold_key(r.role_key).startswith(w + " ")
                   or fold_key(r.role) == w or fold_key(r.role).startswith(w + " ")
                   for r in s.roles for w in wanted)
        ]
    if lo:
        summaries = [s for s in summaries if s.last_seen and s.last_seen >= lo]
    if sort == "articles":
        summaries.sort(key=lambda s: (-s.articles, fold_key(s.name), s.key))
    elif sort == "name":
        summaries.sort(key=lambda s: (_sort_name(s.name), s.key))
    else:
        summaries.sort(key=lambda s: (s.last_seen or "", s.articles), reverse=True)
    return summaries[:limit] if limit else summaries


def _sort_name(name: str) -> tuple[str, str]:
    # Vietnamese directories sort by given name (the last syllable), then the full name.
    folded = fold_key(name)
    return (folded.rsplit(" ", 1)[-1], folded)


def person(
    archive: Archive,
    name: str,
    *,
    why: bool = False,
    co_limit: int = 10,
    article_limit: int | None = DEFAULT_ARTICLE_LIMIT,
) -> PersonTimeline | Ambiguous:
    """One person's timeline, or the candidates when ``name`` means several people.

    ``name`` may carry a locality to pick one of several namesakes:
    "Nguyễn Văn Hải (xã Kỳ Tân)". The timeline lists every article up to
    ``article_limit`` (None: no limit); beyond, the earliest and latest of them,
    and so for each role.
    """
    if article_limit is not None and article_limit < 2:
        raise QueryError(f"--articles {article_limit}: give at least 2 (the first and the last), or 0 for all")
    name = collapse_space(nfc(name))
    if not name or len(name) > 200:
        raise QueryError("give a person's full name (at most 200 characters)")
    archive.tune_for_reading()
    place = None
    m = _LOCALITY_RE.match(name)
    if m:
        name, place = m.group("name"), m.group("place")
    keys = name_keys_for(archive, name) or name_keys_containing(archive, name)
    if not keys:
        raise QueryError(f"nobody named {name!r} in the archive; see `kyanh-archive people`")
    _require_summaries(archive)
    # A name whose roles name at most one locality is one person, read from its summary;
    # the others go through the resolver, which reads every appearance.
    summarised: list[people_summary.PersonRow] = []
    resolved: list[tuple[Resolution, dict[int, ArticleRef]]] = []
    for key in keys:
        row = people_summary.load(archive.conn, key)
        if row is not None and len(row.places()) <= 1:
            summarised.append(row)
        else:
            resolved.append(_resolve_key(archive, key))
    entities = [(res, e) for res, _refs in resolved for e in res.entities]
    reasons = [_one_person_reason(row) for row in summarised]
    reasons += [reason for res, _refs in resolved for reason in res.reasons]
    if place is not None:
        chosen = [(r, e) for r, e in entities if e.locality and fold_key(e.locality) == fold_key(place)]
        if not chosen:
            places = ", ".join(["-"] * len(summarised) + [e.locality or "-" for _r, e in entities])
            raise QueryError(f"{name!r} has no entry in {place!r}; entries: {places}")
        entities, summarised = chosen, []
    if len(entities) + len(summarised) > 1:
        candidates = [_summary_of(row) for row in summarised] + [_summary(e) for _r, e in entities]
        return Ambiguous(name, candidates, reasons if why else [])
    if summarised:
        return _summary_timeline(archive, summarised[0], why=reasons if why else [], co_limit=co_limit,
                                 limit=article_limit)
    res, entity = entities[0]
    refs = next(refs for r, refs in resolved if r is res)
    return _timeline(archive, entity, refs, split=len(res.entities) > 1, why=reasons if why else [],
                     co_limit=co_limit, limit=article_limit)


def _one_person_reason(row: people_summary.PersonRow) -> str:
    # The resolver's words for the same decision (people_index.resolve), from the summary.
    labels = row.localities()
    head = f"one person: all {row.span.articles} articles share the name key {row.name_key!r}; "
    if labels:
        return head + f"the only locality named in the roles is {max(labels, key=lambda p: (labels[p], p))}"
    return head + "no role names a commune, so nothing suggests namesakes"


def _summary_timeline(
    archive: Archive, row: people_summary.PersonRow, *, why: list[str], co_limit: int, limit: int | None
) -> PersonTimeline:
    listed = people_reads.person_articles(archive, row.name_key, None, limit)
    by_role = {rkey: people_reads.person_articles(archive, row.name_key, rkey, limit) for rkey in row.roles}
    mates = people_summary.co_appearing(archive.conn, row.id, co_limit)
    refs = people_reads.article_refs(archive, sorted({a for ids in [listed, *by_role.values()] for a in ids}))
    summary = _summary_of(row)
    for span in summary.roles:
        span.shown_in = sorted((refs[a] for a in by_role[span.role_key] if a in refs), key=_ref_order)
    return PersonTimeline(
        key=row.name_key, name=row.name, locality=None,
        articles=sorted((refs[a] for a in listed if a in refs), key=_ref_order),
        roles=summary.roles,
        appears_with=[CoAppearance(name, key, n) for key, name, n in mates],
        why=why, article_count=row.span.articles,
        offices=person_offices(archive, row.name_key),
    )


def _resolve_key(archive: Archive, key: str) -> tuple[Resolution, dict[int, ArticleRef]]:
    rows = people_reads.appearance_rows(archive, key)
    refs = {r.article: ArticleRef(r.article_id, _day(r.published_at), r.title, r.url) for r in rows}
    apps = people_index.group_rows(
        (r.article, r.position, r.published_at, r.name, r.name_key, r.role, r.role_key, r.role_expanded, r.article_id)
        for r in rows
    )[key]
    mates = None
    if len({p for a in apps for p in a.localities}) > 1:
        mates = people_reads.co_attendees(archive, sorted({a.article for a in apps}))
    res = people_index.resolve(key, apps, {a: {k for k, _n in names} for a, names in mates.items()} if mates else None)
    return res, refs


def resolve_entity(archive: Archive, key: str) -> Entity | None:
    """The entity with this key ("name key" or "name key@locality"), as the resolver makes it."""
    res, _refs = _resolve_key(archive, key.split("@", 1)[0])
    return next((e for e in res.entities if e.key == key), None)


def _co_appearances(archive: Archive, entity: Entity, split: bool, limit: int) -> list[CoAppearance]:
    if not split:
        # The whole name is this person: let SQLite count over the name index.
        return [CoAppearance(nm, k, n) for k, nm, n in people_reads.co_appearing_by_name(archive, entity.name_key, limit)]
    counts: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for _art, pairs in people_reads.co_attendees(archive, sorted({a.article for a in entity.appearances})).items():
        for key in {k for k, _n in pairs if k != entity.name_key}:
            counts[key] += 1
        for key, nm in pairs:
            names[key][nm] += 1
    return [
        CoAppearance(names[k].most_common(1)[0][0], k, n)
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    ]


def _timeline(
    archive: Archive, entity: Entity, refs: dict[int, ArticleRef], *, split: bool, why: list[str], co_limit: int,
    limit: int | None,
) -> PersonTimeline:
    mine = {a.article for a in entity.appearances}
    refs = {k: v for k, v in refs.items() if k in mine}
    ordered = sorted(refs.values(), key=_ref_order)
    return PersonTimeline(
        key=entity.key, name=entity.name, locality=entity.locality,
        articles=_ends(ordered, limit),
        roles=_role_spans(entity.appearances, refs, limit),
        appears_with=_co_appearances(archive, entity, split, co_limit),
        why=why, article_count=len(ordered),
        offices=[held for held, _days in appearance_offices(entity.appearances)],
    )
