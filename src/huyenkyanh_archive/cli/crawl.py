"""``kyanh-archive crawl`` and ``kyanh-archive reextract``.

Exit codes (README "crawl"): 0 done; 3 done, but some pages failed after
their retries (they stay queued for the next run); 69 the site could not be
reached; 70 an internal error (a bug; the archive stays consistent); 74 the
database cannot be written; 75 another crawl holds the database; 78 bad site
profile; 2 bad option; 130 interrupted.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..clock import parse_day
from ..crawl import CrawlOptions, CrawlSummary, Event, crawl, reextract, resolve_site
from ..crawl.fetch import DEFAULT_USER_AGENT
from ..errors import QueryError
from . import app, errors_as_exit, fail, stderr, stdout

DEFAULT_DB = "kyanh-archive.db"
DEFAULT_WAYBACK = "https://web.archive.org"
EXIT_PARTIAL = 3


def _parse_since(text: str | None) -> date | None:
    try:
        return parse_day(text, option="--since")
    except QueryError as exc:
        fail(str(exc), 2)


class _Progress:
    """Folders walked and articles new/changed/unchanged/failed, with the rate, on stderr."""

    def __init__(self) -> None:
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=stderr, transient=True
        )
        self.task = self.progress.add_task("starting", total=None)
        self.counts = {"new": 0, "changed": 0, "unchanged": 0, "removed": 0, "gone": 0, "failed": 0}
        self.sections = 0
        self.pages = 0
        self.retries = 0
        self.started = time.monotonic()

    def __call__(self, event: Event) -> None:
        d = event.data
        if event.kind == "article":
            self.counts[d["outcome"]] = self.counts.get(d["outcome"], 0) + 1
        elif event.kind == "listing":
            self.pages += 1
        elif event.kind == "section":
            self.sections += 1
        elif event.kind == "retry":
            self.retries += 1
        elif event.kind == "error":
            self.progress.console.print(f"[yellow]listing failed:[/yellow] {d.get('message')}")
        elif event.kind == "warning":
            self.progress.console.print(f"[yellow]warning:[/yellow] {d.get('message')}")
        c = self.counts
        done = sum(c.values())
        rate = done / max(1e-3, time.monotonic() - self.started)
        self.progress.update(
            self.task,
            description=(
                f"sections {self.sections} pages {self.pages} | [green]{c['new']} new[/green] {c['changed']} changed "
                f"{c['unchanged']} same {c['removed']} removed [red]{c['failed']} failed[/red] | {rate:.1f}/s"
                f" | retries {self.retries}"
            ),
        )


def _summary_line(s: CrawlSummary) -> str:
    found = ", ".join(f"{n} by {how}" for how, n in sorted(s.sections_found.items(), key=lambda kv: -kv[1]))
    gone = f", {len(s.sections_gone)} gone" if s.sections_gone else ""
    return (
        f"{s.new} new, {s.changed} changed, {s.unchanged} unchanged, {s.removed} removed, {s.failed} failed"
        f" ({s.sections} sections{f': {found}' if found else ''}{gone}; {s.listing_pages} listing pages,"
        f" {s.listing_failures} failed; {s.requests} requests, {s.retries} retries, {s.elapsed:.1f}s)"
    )


def _print_json_event(ev: Event) -> None:
    sys.stdout.write(ev.to_json() + "\n")
    sys.stdout.flush()


def _finish(what: str, summary: CrawlSummary, line: str, db: Path, *, quiet: bool, as_json: bool) -> None:
    """One line on stderr and exit 3 when pages failed; else the summary line (unless quiet)."""
    if not summary.ok:
        first = f"; first: {summary.errors[0]}" if summary.errors else ""
        print(f"kyanh-archive: {what} incomplete: {line}{first}", file=sys.stderr)
        raise typer.Exit(EXIT_PARTIAL)
    if not quiet and not as_json:
        stdout.print(f"[bold]{db}[/bold]: {line}")


@app.command("crawl")
def crawl_cmd(
    db: Annotated[Path, typer.Option("--db", help="The archive file (created if missing).")] = Path(DEFAULT_DB),
    site: Annotated[
        str | None, typer.Option("--site", help="Profile name, NAME:SITE (another portal of the platform) or a .toml file.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Fetch the same site from another address (a mirror, a local copy).")
    ] = None,
    folder: Annotated[list[str] | None, typer.Option("--folder", help="Only this folder (repeatable).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only articles published on or after YYYY-MM-DD.")] = None,
    max_articles: Annotated[int | None, typer.Option("--max-articles", min=1, help="Fetch at most N new articles.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Walk every listing page, not only up to known articles.")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight.")] = 1,
    delay: Annotated[float, typer.Option("--delay", min=0.0, help="Seconds between requests to the site.")] = 1.0,
    revisit_days: Annotated[
        float, typer.Option("--revisit-days", min=0.0, help="Re-check articles published this recently (0: never).")
    ] = 14.0,
    assets: Annotated[bool, typer.Option("--assets", help="Also archive same-host images and attachments.")] = False,
    user_agent: Annotated[str, typer.Option("--user-agent", help="User-Agent header (name a contact).")] = DEFAULT_USER_AGENT,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Retries per request.")] = 5,
    backoff: Annotated[float, typer.Option("--backoff", min=0.0, help="First backoff, seconds (doubles).")] = 1.0,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Read timeout, seconds.")] = 30.0,
    source: Annotated[str, typer.Option(
        "--source", help="live: the site itself; wayback: the Wayback Machine's captures of it.")] = "live",
    wayback_url: Annotated[str, typer.Option(
        "--wayback-url", help="The web archive (a Wayback-compatible CDX server and replay).")] = DEFAULT_WAYBACK,
    captured_from: Annotated[str | None, typer.Option(
        "--from", help="wayback: captures from this time on (yyyy[MM[dd[hhmmss]]]).")] = None,
    captured_to: Annotated[str | None, typer.Option(
        "--to", help="wayback: captures up to this time (yyyy[MM[dd[hhmmss]]]).")] = None,
    cdx_interval: Annotated[float | None, typer.Option(
        "--cdx-interval", min=0.0, help="wayback: seconds between index requests (default 3).")] = None,
    replay_interval: Annotated[float | None, typer.Option(
        "--replay-interval", min=0.0, help="wayback: seconds between capture fetches (default 1).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing but errors (for cron).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON event per line on stdout.")] = False,
) -> None:
    """Archive the portal into one SQLite file, or bring the archive up to date."""
    if source not in ("live", "wayback"):
        fail(f"--source {source!r}: choose live or wayback", 2)
    for name, stamp in (("--from", captured_from), ("--to", captured_to)):
        if stamp is not None and not (stamp.isdigit() and 1 <= len(stamp) <= 14):
            fail(f"{name} {stamp!r}: give 1 to 14 digits of yyyyMMddhhmmss", 2)
    options = CrawlOptions(
        folders=tuple(folder or ()),
        since=_parse_since(since),
        max_articles=max_articles,
        full=full,
        concurrency=concurrency,
        delay=delay,
        user_agent=user_agent,
        base_url=base_url.rstrip("/") if base_url else None,
        revisit_days=revisit_days,
        assets=assets,
        retries=retries,
        backoff_base=backoff,
        read_timeout=timeout,
        source="wayback" if source == "wayback" else "live",
        wayback_url=wayback_url.rstrip("/"),
        wayback_from=captured_from,
        wayback_to=captured_to,
        cdx_interval=cdx_interval,
        replay_interval=replay_interval,
    )
    progress: _Progress | None = None
    events: Callable[[Event], None] | None
    if as_json:
        events = _print_json_event
    elif not quiet and stderr.is_terminal:
        progress = _Progress()
        events = progress
    else:
        events = None
    with errors_as_exit():
        if base_url and not base_url.startswith(("http://", "https://")):
            fail(f"--base-url {base_url!r}: give an http:// or https:// address", 2)
        resolved = resolve_site(site, options.base_url)  # a bad --site fails here, before the lock
        if progress is not None:
            with progress.progress:
                summary = crawl(db, resolved, options, events)
        else:
            summary = crawl(db, resolved, options, events)
    _finish("crawl", summary, _summary_line(summary), db, quiet=quiet, as_json=as_json)


@app.command("reextract")
def reextract_cmd(
    db: Annotated[Path, typer.Option("--db", help="The archive file.")] = Path(DEFAULT_DB),
    site: Annotated[str | None, typer.Option("--site", help="Profile name, NAME:SITE or a .toml file.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing but errors.")] = False,
) -> None:
    """Re-run the current extractor over every stored raw page (no network)."""
    with errors_as_exit():
        summary = reextract(db, resolve_site(site))
    if summary.failed:
        print(f"kyanh-archive: {summary.failed} article(s) could not be re-extracted; first: {summary.errors[0]}",
              file=sys.stderr)
        raise typer.Exit(EXIT_PARTIAL)
    if not quiet:
        stdout.print(f"{db}: {summary.articles} articles re-extracted, {summary.changed} records changed")


@app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="WARC (.warc, .warc.gz) or WACZ files, read in order.")],
    db: Annotated[Path, typer.Option("--db", help="The archive file (created if missing).")] = Path(DEFAULT_DB),
    site: Annotated[
        str | None, typer.Option("--site", help="Profile name, NAME:SITE, a .toml file or the site's address.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing but errors (for cron).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON event per line on stdout.")] = False,
) -> None:
    """Archive the site's articles from WARC/WACZ files (other tools' crawls, web-archive downloads)."""
    options = CrawlOptions(source="warc", warc_files=tuple(str(f) for f in files), concurrency=2)
    events: Callable[[Event], None] | None = None
    if as_json:
        events = _print_json_event
    with errors_as_exit():
        summary = crawl(db, resolve_site(site), options, events)
    line = (f"{summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, {summary.failed} failed"
            f" ({summary.captures} article records read, {summary.captures_skipped} other or known records skipped)")
    _finish("import", summary, line, db, quiet=quiet, as_json=as_json)
