"""One section's walk, page by page, and when it stops.

A walk stops:

- at the last page (no next page): the section has been walked to its end;
- on a later run (the section was walked to its end once, and not
  ``--full``), at the first page whose articles are all held: nothing older
  can be new;
- on a loop or an endless pager: a page that lists nothing new to this walk
  and links no unseen page (nothing new: the same list as an earlier page, or
  only articles the last pages listed; a walk remembers its pages' addresses
  and lists as hashes and the keys of its last pages only, so a section of
  100,000 articles costs little memory);
- with ``--since``, at the first page whose articles are all older;
- at ``max_pages``, or when ``--max-articles`` is spent.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ...archive.sections import FoundBy, SectionKind

__all__ = ["Walk", "WalkStep"]

RECENT_PAGES = 64  # pages whose article keys a walk keeps: a pager that slides back is caught


@dataclass(slots=True)
class _RecentKeys:
    """The article keys of a walk's last :data:`RECENT_PAGES` pages."""

    pages: deque[tuple[str, ...]] = field(default_factory=deque)
    counts: dict[str, int] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.counts

    def add_page(self, keys: tuple[str, ...]) -> None:
        self.pages.append(keys)
        for k in keys:
            self.counts[k] = self.counts.get(k, 0) + 1
        if len(self.pages) > RECENT_PAGES:
            for k in self.pages.popleft():
                left = self.counts[k] - 1
                if left:
                    self.counts[k] = left
                else:
                    del self.counts[k]


@dataclass(frozen=True, slots=True)
class WalkStep:
    """After a page: the next page to fetch, or why the walk stops."""

    next_url: str | None = None
    stop: str = ""  # end | known | loop | since | max-pages | max-articles | empty | gone | error …
    complete: bool = False  # the walk reached the section's last page


@dataclass(slots=True)
class Walk:
    key: str  # the section's identity: its first page's path and query
    url: str  # its first page, on the site's own host
    name: str | None
    kind: SectionKind
    found_by: FoundBy
    walked_before: bool  # an earlier walk reached the last page: this one may stop early
    full: bool = False
    max_pages: int = 100_000
    since: str | None = None
    pages: int = 0
    listed_total: int = 0
    done: bool = False
    seen_pages: set[int] = field(default_factory=set)  # hashes of the pages' addresses
    seen_lists: set[int] = field(default_factory=set)  # hashes of the pages' article lists
    recent: _RecentKeys = field(default_factory=_RecentKeys)
    address: str = ""  # the first page's path and query as the site links it (the archive's name of it)

    def __post_init__(self) -> None:
        self.address = self.address or self.key

    def after_page(self, url: str, keys: list[str], dates: list[str | None], next_url: str | None, *,
                   all_held: bool, new: int, budget_left: bool) -> WalkStep:
        self.pages += 1
        self.seen_pages.add(hash(url))
        listed = hash(tuple(sorted(keys)))
        fresh = [] if listed in self.seen_lists else [k for k in keys if k not in self.recent]
        self.seen_lists.add(listed)
        self.recent.add_page(tuple(dict.fromkeys(keys)))
        self.listed_total += len(keys)
        if not budget_left:
            return WalkStep(stop="max-articles")
        if not keys:
            return WalkStep(stop="empty" if self.pages == 1 else "end", complete=True)
        if self.since and all(d is not None and d < self.since for d in dates):
            return WalkStep(stop="since")
        if self.walked_before and not self.full and all_held:
            return WalkStep(stop="known")
        if next_url is None:
            return WalkStep(stop="end", complete=True)
        if hash(next_url) in self.seen_pages:
            # A pager pointing back: the end if this page brought nothing new, else a loop cut.
            return WalkStep(stop="end" if not fresh else "loop", complete=not fresh)
        if not fresh:
            return WalkStep(stop="loop", complete=True)
        if self.pages >= self.max_pages:
            return WalkStep(stop="max-pages")
        return WalkStep(next_url=next_url)
