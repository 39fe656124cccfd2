"""Discovery of a live site: from its home, menus, listings, sitemaps and feeds, not from a list.

The first run reads the home page (the profile's, or the newer
software's ``/`` when the old home redirects there or is gone), every
section its menus and sub-menus name, every section the listing pages'
own menus name, the sitemaps robots.txt names (or ``/sitemap.xml``), and
the feeds pages advertise; the profile's folders are seeds. Each section is
walked page by page (:class:`.walks.Walk`); articles it lists that the
archive does not hold are queued. Later runs walk the sections the archive
knows plus any new one the home's menu names, and stop each walk at the
first page whose articles are all held.

A section that answers 404/410, or redirects to the home page, is *gone*:
recorded, reported, never a failure.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ...archive import HeldArticle, QueuedArticle
from ...archive.sections import FoundBy, SectionKind, SectionRow
from ...clock import vn_today
from ...site.profile import Profile
from ...site.site import Site
from ...site.urls import ArticleRef, KeyIndex, absolute
from ..discover import (
    Listing,
    SectionLink,
    SitemapDoc,
    section_address,
    section_key,
    sitemap_articles,
    sitemaps_in_robots,
)
from ..messages import (
    ArticleFetched,
    Failed,
    Gone,
    NotAnArticle,
    NotModified,
    PageFetched,
    Task,
    TaskResult,
)
from ..plan import Plan, RunContext, SectionFound, SectionGone, SectionWalked
from ..workers import HomePages
from .walks import Walk, WalkStep

__all__ = ["LiveDiscovery"]

_GENERATION_KEY = "generation"
SITEMAP_SLICE = 500  # a sitemap's addresses read into tasks at a time, as the workers need them


@dataclass(slots=True)
class _SitemapBacklog:
    """A sitemap whose addresses are read a slice at a time; its walk ends with the last slice."""

    walk: Walk
    doc: SitemapDoc
    validators: tuple[str | None, str | None]
    next: int = 0


@dataclass(frozen=True, slots=True)
class _SitemapSlice:
    sitemap: _SitemapBacklog
    articles: list[ArticleRef]
    last: bool  # the sitemap's last slice: its walk ends with it


class _Sitemaps:
    """Sitemaps fetched whose articles are not all queued yet (a sitemap may list 50,000)."""

    def __init__(self) -> None:
        self.waiting: deque[_SitemapBacklog] = deque()

    def add(self, walk: Walk, doc: SitemapDoc, validators: tuple[str | None, str | None]) -> None:
        self.waiting.append(_SitemapBacklog(walk, doc, validators))

    def next_slice(self, site: Site) -> _SitemapSlice | None:
        """The articles of the first waiting sitemap's next slice, or None when none waits."""
        if not self.waiting:
            return None
        item = self.waiting[0]
        locs = item.doc.locs[item.next:item.next + SITEMAP_SLICE]
        item.next += len(locs)
        return _SitemapSlice(item, sitemap_articles(locs, site, posts=item.doc.posts), item.next >= len(item.doc.locs))

    def drop_first(self) -> None:
        self.waiting.popleft()


@dataclass(slots=True)
class _Queue:
    """Articles queued this run, by every key, and the budget of ``--max-articles``."""

    keys: KeyIndex = field(default_factory=KeyIndex)
    listed: set[str] = field(default_factory=set)  # with ``--full``: keys every listing showed (the rest is revisited)
    budget: int = -1  # -1: no limit

    def queue(self, ref: ArticleRef, folder: str | None, found_by: str, plan: Plan, *, frontier: bool = True) -> bool:
        """Queue one article not held; False once the budget is spent."""
        if self.budget == 0:
            return False
        if self.keys.names(ref.keys):
            return True
        self.keys.add(ref.keys)
        if self.budget > 0:
            self.budget -= 1
        if frontier:
            plan.frontier.append(QueuedArticle(ref.key, ref.url, folder or ref.folder))
        plan.tasks.append(Task("article", ref.url, ref=ref, found_by=found_by))
        return True

    def revisit(self, held: HeldArticle, why: str, site: Site, plan: Plan) -> None:
        """A held article re-checked with a conditional GET (once per run)."""
        ref = site.article(held.url)
        if ref is None or self.keys.names((held.article_id,)):
            return
        self.keys.add((held.article_id, *ref.keys))
        plan.tasks.append(Task("article", ref.url, ref=ref, found_by=why, revisit=held, etag=held.etag,
                               last_modified=held.last_modified))


class _Assets:
    """With ``--assets``: one task per asset address; the articles that link it wait on it."""

    def __init__(self) -> None:
        self.tasks: dict[str, Task] = {}

    def plan_for(self, result: ArticleFetched, ctx: RunContext, plan: Plan) -> None:
        article_id = result.keys[0] if result.keys else result.task.url
        for url in result.assets:
            # Stored already (by an earlier run, or by this one's task, written before this
            # article): linked now. Only a task still in flight takes the article to link later.
            if ctx.archive.state.has_asset(url):
                plan.asset_links.append((article_id, url))
                continue
            if url in self.tasks:
                self.tasks[url].waiting.append(article_id)
                continue
            asset = Task("asset", url, found_by="article", waiting=[article_id])
            self.tasks[url] = asset
            plan.tasks.append(asset)


class LiveDiscovery:
    """The live source's planner."""

    def __init__(self, homes: HomePages) -> None:
        self.homes = homes
        self.walks: dict[str, Walk] = {}
        self.known: dict[str, SectionRow] = {}
        self.queue = _Queue()
        self.home_tries: list[str] = []
        self._address: dict[str, str] = {}  # section key -> its first page as found this run
        self.home_keys: set[str] = set()  # the homes' addresses: read as the home every run, never a section
        self.generation: Profile | None = None
        self._full_revisits_done = False
        self.assets = _Assets()
        self.sitemaps = _Sitemaps()

    # -- the start -----------------------------------------------------------------
    def start(self, ctx: RunContext) -> Plan:
        o, site, archive = ctx.options, ctx.site, ctx.archive
        plan = Plan()
        self.queue.budget = o.max_articles if o.max_articles is not None else -1
        self.known = {section_key(row.url): row for row in archive.sections.all()}
        # 1. What earlier runs discovered and did not finish.
        for q in archive.state.frontier(None if o.full else o.max_attempts):
            ref = site.article(q.url)
            if ref is not None and not self.queue.queue(ref, q.folder, "frontier", plan, frontier=False):
                break
        # 2. The home of the generation the site was last served by, then the others.
        self.home_tries = _home_addresses(site, archive.state.get_meta(_GENERATION_KEY))
        self.home_keys = {section_key(site.canonical(u)) for u in self.home_tries}
        if not o.folders:
            plan.tasks.append(Task("home", self.home_tries.pop(0), found_by="home"))
        # 3. The profile's folders: seeds (and with --folder, the only sections).
        for profile in site.generations:
            if "folder" not in profile.urls:
                continue
            for name in o.folders or profile.folders:
                url = profile.url_for("folder", folder=name)
                self._add_section(url, name, "listing", "profile", ctx, plan)
        if o.folders:
            return plan
        # 4. The sections earlier runs found, and the sitemaps.
        for key, row in self.known.items():
            if row.kind == "page" and not o.full or key in self.home_keys:
                continue
            if row.gone_at and not o.full:
                continue
            self._walk(key, row.name, row.kind, row.found_by, ctx, plan, row=row)
        robots_maps = _robots_sitemaps(ctx)
        for url in robots_maps:
            self._add_section(url, None, "sitemap", "robots", ctx, plan)
        if not robots_maps and not any(r.kind == "sitemap" for r in self.known.values()):
            self._add_section(site.base_url + "/sitemap.xml", None, "sitemap", "probe", ctx, plan)
        # 5. Recent articles, re-checked with a conditional GET.
        if o.revisit_days > 0:
            for held in archive.state.revisit_candidates(vn_today(o.revisit_days).isoformat()):
                self.queue.revisit(held, "revisit", ctx.site, plan)
        return plan

    # -- sections ------------------------------------------------------------------
    def _add_section(self, url: str, name: str | None, kind: SectionKind, found_by: FoundBy, ctx: RunContext,
                     plan: Plan) -> None:
        key = section_key(ctx.site.canonical(url))
        if key in self.walks or key in self.home_keys or len(self.walks) >= ctx.options.max_sections:
            return
        row = self.known.get(key)
        if row is not None and not ctx.options.full and (row.gone_at or row.kind == "page"):
            return
        if row is None:
            row_address = section_address(ctx.site.canonical(url))
            plan.found.append(SectionFound(row_address, name, kind, found_by))
            self._address[key] = row_address
        self._walk(key, name, kind, row.found_by if row else found_by, ctx, plan, row=row)

    def _walk(self, key: str, name: str | None, kind: SectionKind, found_by: FoundBy, ctx: RunContext, plan: Plan,
              *, row: SectionRow | None = None) -> Walk | None:
        if key in self.walks:
            return None
        address = row.url if row is not None else self._address.get(key, key)  # as the site links it
        walk, task = _first_page(key, address, name, kind, found_by, ctx, row)
        self.walks[key] = walk
        plan.tasks.append(task)
        return walk

    def _candidates(self, links: list[SectionLink], feeds: list[str], ctx: RunContext, plan: Plan) -> None:
        for link in links:
            self._add_section(link.url, link.text or None, "listing", "menu" if link.via == "menu" else "listing",
                              ctx, plan)
        for feed in feeds:
            self._add_section(feed, None, "feed", "feed", ctx, plan)

    # -- articles ------------------------------------------------------------------
    def _listed(self, refs: list[ArticleRef], dates: list[str | None], found_by: str, folder: str | None,
                ctx: RunContext, plan: Plan) -> tuple[int, bool]:
        """Queue the listed articles the archive does not hold: (how many were new, budget left?)."""
        since = ctx.options.since.isoformat() if ctx.options.since else None
        held = ctx.archive.keys.held(r.keys for r in refs)
        # A link from an article to a page that answered 404 is not followed again: the
        # listings, not stale related links, say what the site serves (--full re-asks).
        dead = set() if ctx.options.full or found_by != "article" else ctx.archive.bodies.answered_gone(
            [r.url for r in refs])
        new = 0
        listed = self.queue.listed if ctx.options.full else None  # only --full asks what no listing showed
        for ref, day, is_held in zip(refs, dates, held, strict=True):
            if listed is not None:
                listed.update(ref.keys)
            if is_held or self.queue.keys.names(ref.keys) or ref.url in dead:
                continue
            if since and day and day < since:
                continue
            if not ctx.allowed(ref.url):
                ctx.summary.disallowed += 1
                plan.events.append(("disallowed", {"url": ref.url}))
                continue
            if not self.queue.queue(ref, folder, found_by, plan):
                return new, False
            new += 1
        return new, True

    # -- results -------------------------------------------------------------------
    def plan(self, result: TaskResult, ctx: RunContext) -> Plan:
        plan = Plan()
        task = result.task
        if task.kind == "home":
            self._home(result, ctx, plan)
        elif task.section is not None and task.section in self.walks:
            self._section(result, self.walks[task.section], ctx, plan)
        elif isinstance(result, ArticleFetched):
            # An article's links to others find what no listing shows any more; with
            # --since they are not followed (their dates are unknown until fetched).
            refs = [] if ctx.options.since else list(result.links)
            self._listed(refs, [None] * len(refs), "article", None, ctx, plan)
            if ctx.options.assets:
                self.assets.plan_for(result, ctx, plan)
        elif isinstance(result, NotAnArticle) and result.listing is not None:
            # An article's address that serves a listing: a section, read as its first page.
            key = section_key(result.response.url)
            if key not in self.walks and len(self.walks) < ctx.options.max_sections:
                walk = self.walks[key] = _walk_of_listing(key, result.response.url, ctx)
                plan.found.append(SectionFound(walk.address, None, "listing", "listing"))
                self._listing_page(walk, task, result.listing, result.response.url, ctx, plan)
        return plan

    def _home(self, result: TaskResult, ctx: RunContext, plan: Plan) -> None:
        site = ctx.site
        if isinstance(result, PageFetched) and result.listing is not None:
            self.homes.add(result.response)
            self.home_keys.add(section_key(result.response.url))
            final = urlsplit(result.response.url).path.rstrip("/") or "/"
            generation = next((p for p in site.generations if (urlsplit(p.home_url).path.rstrip("/") or "/") == final),
                              site.main)
            self.generation = generation
            plan.meta[_GENERATION_KEY] = generation.name
            plan.events.append(("site", {"home": result.response.url, "generation": generation.name,
                                         "asked": result.task.url, "moved": bool(result.response.redirects)}))
            ctx.summary.generation = generation.name
            listing = result.listing
            refs = [a.ref for a in listing.articles]
            self._listed(refs, [a.date for a in listing.articles], "home", None, ctx, plan)
            self._candidates(listing.sections, listing.feeds, ctx, plan)
            return
        # The home is gone or unreachable: the next generation's, then "/".
        reason = result.reason if isinstance(result, Gone) else getattr(result, "error", "no answer")
        plan.events.append(("site", {"home": result.task.url, "gone": reason}))
        if isinstance(result, (Gone, Failed, NotModified)) and self.home_tries:
            plan.tasks.append(Task("home", self.home_tries.pop(0), found_by="home"))

    def _section(self, result: TaskResult, walk: Walk, ctx: RunContext, plan: Plan) -> None:
        task = result.task
        if isinstance(result, Gone):
            if task.page == 1:
                plan.gone.append(SectionGone(walk.address, result.reason))
                if walk.found_by != "probe":  # a guessed /sitemap.xml that is not there was never the site's
                    ctx.summary.sections_gone.append(walk.url)
                _finish(walk, WalkStep(stop="gone", complete=False), ctx, plan, gone=result.reason)
            else:
                _finish(walk, WalkStep(stop="end", complete=True), ctx, plan)
            return
        if isinstance(result, Failed):
            _finish(walk, WalkStep(stop="error", complete=False), ctx, plan, record=False)
            return
        if isinstance(result, NotModified):
            walk.pages += 1
            _finish(walk, WalkStep(stop="not-modified", complete=True), ctx, plan,
                    validators=(result.response.header("etag"), result.response.header("last-modified")))
            return
        if not isinstance(result, PageFetched):
            return
        validators = (result.response.header("etag"), result.response.header("last-modified"))
        if result.kind == "sitemap" and result.sitemap is not None:
            walk.pages += 1
            doc = result.sitemap
            for child in doc.sitemaps:
                self._add_section(child, None, "sitemap", "sitemap", ctx, plan)
            self.sitemaps.add(walk, doc, validators)  # its articles: see more()
        elif result.kind == "feed":
            walk.pages += 1
            self._listed(result.feed, [None] * len(result.feed), "feed", None, ctx, plan)
            _finish(walk, WalkStep(stop="end", complete=True), ctx, plan, validators=validators)
        elif result.listing is not None:
            if task.page == 1 and result.response.redirects:
                moved = section_key(result.response.url)
                if moved != walk.key and moved in self.walks:
                    _finish(walk, WalkStep(stop="same-as-another", complete=True), ctx, plan)
                    return
            self._listing_page(walk, task, result.listing, result.response.url, ctx, plan)

    def _listing_page(self, walk: Walk, task: Task, listing: Listing, url: str, ctx: RunContext, plan: Plan) -> None:
        refs = [a.ref for a in listing.articles]
        keys = [r.key for r in refs]
        all_held = bool(refs) and all(ctx.archive.keys.held(r.keys for r in refs))
        new, budget_left = self._listed(refs, [a.date for a in listing.articles], "listing", walk.name, ctx, plan)
        self._candidates(listing.sections, listing.feeds, ctx, plan)
        step = walk.after_page(url, keys, [a.date for a in listing.articles], listing.next_url, all_held=all_held,
                               new=new, budget_left=budget_left)
        plan.events.append(("listing", {"section": walk.key, "page": task.page, "url": url, "new": new}))
        if step.next_url is not None:
            plan.tasks.append(Task("listing", step.next_url, section=walk.key, page=task.page + 1,
                                   found_by=walk.found_by))
        else:
            _finish(walk, step, ctx, plan)

    def more(self, ctx: RunContext) -> Plan | None:
        """The next slice of a sitemap's articles, or None when no sitemap waits.

        The walk (and the validators a later run sends) is recorded with the last
        slice: a crawl killed before then reads the whole sitemap again."""
        part = self.sitemaps.next_slice(ctx.site)
        if part is None:
            return None
        plan = Plan()
        refs = part.articles
        _, budget_left = self._listed(refs, [None] * len(refs), "sitemap", None, ctx, plan)
        if part.last or not budget_left:
            self.sitemaps.drop_first()
            done = part.sitemap
            _finish(done.walk, WalkStep(stop="end", complete=True), ctx, plan, validators=done.validators)
        return plan

    # -- the end ---------------------------------------------------------------------
    def idle(self, ctx: RunContext) -> Plan:
        plan = Plan()
        o = ctx.options
        if o.full and not o.folders and not self._full_revisits_done and self.queue.budget != 0:
            self._full_revisits_done = True
            for held in ctx.archive.state.articles_not_in(self.queue.listed):
                self.queue.revisit(held, "full", ctx.site, plan)
        return plan


def _finish(walk: Walk, step: WalkStep, ctx: RunContext, plan: Plan, *, gone: str | None = None,
            record: bool = True, validators: tuple[str | None, str | None] = (None, None)) -> None:
    """A walk ended: its record, the summary's counts, and the event."""
    walk.done = True
    kind: SectionKind = walk.kind
    if walk.kind == "listing" and walk.listed_total == 0 and step.stop in ("end", "empty") and walk.pages <= 1:
        kind = "page"  # lists nothing: not a section (skipped by later syncs)
    if record and gone is None:
        plan.walked.append(SectionWalked(walk.address, kind, walk.pages, step.complete, *validators))
    if gone is None and kind != "page" and step.stop != "error":
        ctx.summary.sections += 1
        found = ctx.summary.sections_found
        found[walk.found_by] = found.get(walk.found_by, 0) + 1
    plan.events.append(("section", {
        "url": walk.url, "name": walk.name, "walk": kind, "found_by": walk.found_by, "pages": walk.pages,
        "reached_end": step.complete, "stopped": step.stop, "gone": gone,
    }))


def _walk_of_listing(key: str, url: str, ctx: RunContext) -> Walk:
    """The walk of a section met at an article's address (its first page already fetched)."""
    return Walk(key, url, _section_name(ctx.site, url), "listing", "listing", walked_before=False,
                full=ctx.options.full, max_pages=ctx.options.max_pages, since=None, address=section_address(url))


def _home_addresses(site: Site, remembered: str | None) -> list[str]:
    """The homes to try, in order: the generation the site was last served by first, then "/"."""
    order = sorted(site.generations, key=lambda p: 0 if p.name == remembered else 1)
    tries = [p.home_url for p in order]
    if not site.generic and "/" not in [urlsplit(u).path for u in tries]:
        tries.append(site.base_url + "/")
    return tries


def _robots_sitemaps(ctx: RunContext) -> list[str]:
    """The site's sitemaps robots.txt names, on the site's own host."""
    robots = ctx.robots
    if robots is None or robots.status != 200:
        return []
    out = []
    for url in sitemaps_in_robots(robots.body.decode("utf-8", "replace")):
        url = absolute(url, ctx.site.fetch_base + "/robots.txt") or ""  # "Sitemap: /sitemap.xml" is seen too
        if ctx.site.on_site(url):
            out.append(ctx.site.canonical(url))
    return out


def _first_page(key: str, address: str, name: str | None, kind: SectionKind, found_by: FoundBy, ctx: RunContext,
                row: SectionRow | None) -> tuple[Walk, Task]:
    """A section's walk, and the task for its first page (conditional for sitemaps and feeds)."""
    site, o = ctx.site, ctx.options
    first = site.base_url + address if address.startswith("/") else site.canonical(address)
    walk = Walk(key, first, name or _section_name(site, first), kind if kind != "page" else "listing", found_by,
                walked_before=bool(row and row.complete_at), full=o.full,
                max_pages=o.max_pages, since=o.since.isoformat() if o.since else None, address=address)
    task_kind = {"sitemap": "sitemap", "feed": "feed"}.get(walk.kind, "listing")
    validators = (row.etag, row.last_modified) if row and walk.kind in ("sitemap", "feed") else (None, None)
    task = Task(task_kind, first, section=key, page=1, found_by=found_by,  # type: ignore[arg-type]
                etag=validators[0], last_modified=validators[1])
    return walk, task


def _section_name(site: Site, url: str) -> str | None:
    ref = site.section(url)
    if ref is not None:
        return ref.name
    path = urlsplit(url).path.strip("/")
    return path.rsplit("/", 1)[-1] or None
