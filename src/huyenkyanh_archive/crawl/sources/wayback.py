"""The Wayback Machine as a source: a site that is gone, archived from its captures.

The plan, made once at the start of a run:

1. list every capture of every host the site was served under (one CDX
   ``matchType=host`` query per host, paged by resume key, paced);
2. keep the captures of article addresses (any software generation's form)
   whose status is 200 (or a revisit); redirects, error pages and captures
   whose payload is the home page's (a soft 404) are counted as skipped and
   never asked for;
3. drop repeats: one request per distinct (article, payload digest), and
   none for a capture an earlier run kept (the archive remembers the
   addresses and digests of what it fetched), so a rerun asks the CDX server
   and fetches only the new captures;
4. replay each as ``id_`` (the bytes as captured). The engine extracts and
   stores it like a live page: every distinct content of an article becomes
   a version, in capture-time order, with the capture's address and time as
   its provenance.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from ...site.site import Site
from ...site.urls import ArticleRef
from ..fetch import FetchEvent
from ..messages import Task, TaskResult
from ..options import CrawlOptions
from ..plan import Fetching, Plan, Planner, RunContext
from ..workers import HomePages
from .cdx import Capture, CdxQuery, parse_replay_url, site_queries, surt
from .wayback_client import WaybackClient, WaybackFetching

__all__ = ["WaybackDiscovery", "wayback_source"]

_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar)(?:$|\?)", re.IGNORECASE)
_MAX_CDX_PAGES = 10_000  # per host: a resume key that never ends


class WaybackDiscovery:
    """The planning half of the Wayback source."""

    def __init__(self, client: WaybackClient, captures: dict[str, list[Capture]]) -> None:
        self.client = client
        self.captures = captures

    def start(self, ctx: RunContext) -> Plan:
        plan = Plan()
        o, site = ctx.options, ctx.site
        template = CdxQuery(url="", from_ts=o.wayback_from, to_ts=o.wayback_to)
        rows: list[Capture] = []
        for query in site_queries(sorted(site.hosts()), template):
            for page_no in range(1, _MAX_CDX_PAGES + 1):
                page = self.client.cdx_page(query)
                rows.extend(page.rows)
                ctx.emit("cdx", host=query.url, page=page_no, rows=len(page.rows), malformed=page.malformed)
                if page.resume_key is None or not page.rows:
                    break
                query = query.resumed(page.resume_key)
        chosen, skipped = self._choose(rows, site, ctx)
        budget = o.max_articles if o.max_articles is not None else -1
        for copies, ref in chosen:
            if budget == 0:
                break
            budget -= 1
            capture = copies[0]
            url = capture.replay_url(self.client.base)
            self.captures[url] = copies
            plan.tasks.append(Task("capture", ref.url, ref=ref, found_by="wayback", capture_url=url,
                                   captured_at=capture.captured_at))
        if o.assets:
            plan.tasks += self._assets(rows, ctx)
        plan.tasks += self._pages(rows, ctx)
        ctx.summary.captures += len(plan.tasks)
        ctx.summary.captures_skipped += skipped
        plan.events.append(("captures", {"listed": len(rows), "to_fetch": len(plan.tasks), "skipped": skipped}))
        return plan

    def _choose(self, rows: list[Capture], site: Site, ctx: RunContext
                ) -> tuple[list[tuple[list[Capture], ArticleRef]], int]:
        """The captures worth a request, oldest first, each with the other copies of the same
        content (tried in turn when the archive cannot replay the first), and how many were not."""
        homes = {surt(p.home_url) for p in site.generations} | {surt(site.base_url + "/")}
        home_digests = {r.digest for r in rows if r.digest and r.urlkey in homes and r.statuscode == 200}
        held: set[tuple[str, str]] = set()
        held_at: set[tuple[str, str]] = set()  # (timestamp, site address) of captures kept before
        for url, digest, archive_url in ctx.archive.bodies.captures_held():
            ref = site.article(url)
            if ref is not None and digest:
                held.add((ref.key, digest))
            parsed = _replay_key(archive_url)
            if parsed:
                held_at.add((parsed[0], site.canonical(parsed[1])))
        chosen: list[tuple[list[Capture], ArticleRef]] = []
        copies: dict[tuple[str, str], list[Capture]] = {}
        seen: set[tuple[str, str]] = set(held)
        skipped = 0
        for row in sorted(rows, key=lambda r: r.timestamp):
            ref = site.article(row.site_url) if _on_site(row.site_url, site) else None
            worth = ref is not None and (row.is_revisit or row.statuscode == 200) and row.digest not in home_digests
            if not worth or ref is None:
                skipped += 1
                continue
            key = (ref.key, row.digest) if row.digest else (ref.key, row.timestamp)
            if key in seen or (row.timestamp, site.canonical(row.site_url)) in held_at:
                if key in copies:
                    copies[key].append(row)  # a spare: the same bytes, another capture
                skipped += 1
                continue
            seen.add(key)
            copies[key] = [row]
            chosen.append((copies[key], ref))
        return chosen, skipped

    def _assets(self, rows: list[Capture], ctx: RunContext) -> list[Task]:
        """With ``--assets``: the captured images and attachments of the site, each content once."""
        site, tasks, seen = ctx.site, [], set()
        for row in sorted(rows, key=lambda r: r.timestamp):
            kind = row.mimetype.split("/", 1)[0]
            if row.statuscode != 200 or not (kind == "image" or _ATTACHMENT.search(row.original)):
                continue
            if not _on_site(row.site_url, site) or site.article(row.site_url) is not None:
                continue
            url = site.canonical(row.site_url)
            if (url, row.digest) in seen or ctx.archive.state.has_asset(url):
                continue
            seen.add((url, row.digest))
            replay = row.replay_url(self.client.base)
            self.captures[replay] = [row]
            tasks.append(Task("asset", url, found_by="wayback", capture_url=replay, captured_at=row.captured_at))
        return tasks

    def _pages(self, rows: list[Capture], ctx: RunContext) -> list[Task]:
        """The site's other captured pages (home, listings, robots.txt), each content once and
        none kept before: stored raw as captured, read for nothing (the CDX listing named
        every article already)."""
        site, tasks, seen = ctx.site, [], set()
        held = {(parsed[0], site.canonical(parsed[1])) for _u, _d, archive_url in ctx.archive.bodies.captures_held()
                if (parsed := _replay_key(archive_url))}
        for row in sorted(rows, key=lambda r: r.timestamp):
            kind = row.mimetype.split("/", 1)[0]
            if row.statuscode != 200 or kind not in ("text", "application") or _ATTACHMENT.search(row.original):
                continue
            if not _on_site(row.site_url, site) or site.article(row.site_url) is not None:
                continue
            url = site.canonical(row.site_url)
            if (row.urlkey, row.digest) in seen or (row.timestamp, url) in held:
                continue
            seen.add((row.urlkey, row.digest))
            replay = row.replay_url(self.client.base)
            self.captures[replay] = [row]
            tasks.append(Task("listing", url, found_by="wayback", capture_url=replay, captured_at=row.captured_at))
        return tasks

    def plan(self, result: TaskResult, ctx: RunContext) -> Plan:
        return Plan()  # captures link nothing new: the CDX listing already named every address

    def more(self, ctx: RunContext) -> Plan | None:
        return None  # nothing held back: every capture is queued as it is listed

    def idle(self, ctx: RunContext) -> Plan:
        return Plan()


def _on_site(url: str, site: Site) -> bool:
    return urlsplit(url).scheme in ("http", "https") and site.on_site(url)


def _replay_key(archive_url: str) -> tuple[str, str] | None:
    target = parse_replay_url(archive_url)
    if target is None:
        return None
    return target.timestamp, target.original


def wayback_source(site: Site, options: CrawlOptions, *, on_event: Callable[[FetchEvent], None] | None, stop: threading.Event,
                   homes: HomePages) -> tuple[Fetching, Planner]:
    """The fetch and planning halves of the Wayback source, sharing one paced client."""
    client = WaybackClient(options, on_event=on_event, stop=stop)
    captures: dict[str, list[Capture]] = {}
    return WaybackFetching(site, client, captures), WaybackDiscovery(client, captures)

