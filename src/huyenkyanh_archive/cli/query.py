"""Query commands: search, people, person, stats, export (office and offices: :mod:`.offices`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from .. import query as q
from ..archive.export import FORMATS, UNITS, export, export_to_path
from ..archive.export_parquet import TABLES as PARQUET_TABLES
from ..archive.optimize import optimize
from ..archive.store import Archive, open_for_reading
from ..query.timelines import person_chart, write_svg
from . import app, errors_as_exit, fail, stdout

DEFAULT_DB = "kyanh-archive.db"

DbOpt = Annotated[Path, typer.Option("--db", help="The archive file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this date, inclusive.")]


def _open(db: Path) -> Archive:
    return open_for_reading(db, on_upgrade=_say_upgrade)


def _say_upgrade(old: int, new: int) -> None:
    print(f"kyanh-archive: upgrading the archive from schema v{old} to v{new}"
          " (once; about a minute per 100,000 articles)", file=sys.stderr)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _highlight(snippet: str) -> str:
    text = escape(snippet)
    return text.replace(q.HIGHLIGHT_OPEN, "[bold yellow]").replace(q.HIGHLIGHT_CLOSE, "[/bold yellow]")


def _roles_cell(roles: list[q.RoleSpan], limit: int = 4) -> str:
    parts = [f"{escape(r.role)} [dim]{r.first_seen or '?'}..{r.last_seen or '?'}[/dim]" for r in roles[:limit]]
    if len(roles) > limit:
        parts.append(f"[dim]+{len(roles) - limit} more[/dim]")
    return "\n".join(parts)


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help='Words, "a phrase", prefix*, AND/OR/NOT, ( ); diacritics optional.')],
    db: DbOpt = Path(DEFAULT_DB),
    since: SinceOpt = None,
    until: UntilOpt = None,
    category: Annotated[str | None, typer.Option("--category", help="Category name or folder slug.")] = None,
    person: Annotated[str | None, typer.Option("--person", help="Only articles this person attends.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many hits.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search over titles, leads, bodies and captions, best first."""
    with errors_as_exit(), _open(db) as archive:
        hits = q.search(archive, query, since=since, until=until, category=category, person=person, limit=limit)
    if as_json:
        _print_json([h.to_dict() for h in hits])
        return
    if not hits:
        stdout.print("No matches.")
        return
    table = Table(show_lines=True)
    for col in ("date", "title / snippet", "url"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(h.date or "-", f"[bold]{escape(h.title or '')}[/bold]\n{_highlight(h.snippet)}", escape(h.url))
    stdout.print(table)
    if not hits.exhaustive:
        stdout.print(
            f"[dim]More than {q.RANK_CAP:,} articles match: ranked by the words in titles and leads"
            f" (the {q.RANK_CAP:,} most recent such). Add words or a \"phrase\" to rank every match.[/dim]"
        )
    elif hits.matches is not None:
        stdout.print(f"[dim]{len(hits)} of {hits.matches:,} matching articles[/dim]")


@app.command("people")
def people_cmd(
    db: DbOpt = Path(DEFAULT_DB),
    sort: Annotated[str, typer.Option("--sort", help="articles, name or last-seen.")] = "articles",
    role: Annotated[str | None, typer.Option("--role", help='People who held a role starting so, e.g. "Bí thư".')] = None,
    since: Annotated[str | None, typer.Option("--since", help="People seen on or after this date.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many people.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The directory of people: articles, roles and when each role was seen."""
    with errors_as_exit(), _open(db) as archive:
        found = q.people(archive, sort=sort, role=role, since=since, limit=limit)  # type: ignore[arg-type]
    if as_json:
        _print_json([p.to_dict() for p in found])
        return
    table = Table()
    table.add_column("name")
    table.add_column("articles", justify="right")
    table.add_column("seen")
    table.add_column("roles (first..last seen)", overflow="fold")
    for p in found:
        label = escape(p.name) + (f" [dim]({escape(p.locality)})[/dim]" if p.locality else "")
        table.add_row(label, str(p.articles), f"{p.first_seen or '?'}..{p.last_seen or '?'}", _roles_cell(p.roles))
    stdout.print(table)
    stdout.print(f"[dim]{len(found)} people[/dim]")


@app.command("person")
def person_cmd(
    name: Annotated[str, typer.Argument(help='Full name, any case, diacritics optional; "Name (xã …)" picks a namesake.')],
    db: DbOpt = Path(DEFAULT_DB),
    why: Annotated[bool, typer.Option("--why", help="Explain how appearances were grouped into this person.")] = False,
    articles: Annotated[int, typer.Option(
        "--articles", help="List at most this many articles (the earliest and the latest), per role too; 0: all.")
    ] = q.DEFAULT_ARTICLE_LIMIT,
    chart: Annotated[Path | None, typer.Option(
        "--chart", help="Also draw the person's offices as a timeline into this SVG file.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """One person's timeline: roles and offices with dates and articles, and who they appear with."""
    with errors_as_exit():
        with _open(db) as archive:
            result = q.person(archive, name, why=why, article_limit=articles or None)
            svg = person_chart(archive, result) if chart is not None and isinstance(result, q.PersonTimeline) else None
        if svg is not None and chart is not None:
            write_svg(chart, svg)
    _print_person(result, as_json)
    if chart is not None:
        if isinstance(result, q.Ambiguous):
            fail(f"--chart {chart}: {result.query!r} names {len(result.candidates)} people; name one of them", 2)
        print(f"wrote the timeline of {len(result.offices)} offices to {chart}", file=sys.stderr)


def _print_person(result: q.PersonTimeline | q.Ambiguous, as_json: bool) -> None:
    if as_json:
        data = result.to_dict()
        data["kind"] = "ambiguous" if isinstance(result, q.Ambiguous) else "person"
        _print_json(data)
        return
    if isinstance(result, q.Ambiguous):
        stdout.print(f"{escape(result.query)!s} matches {len(result.candidates)} people; name one of them:")
        table = Table()
        table.add_column("ask for", no_wrap=True)
        for col in ("articles", "seen", "roles"):
            table.add_column(col, overflow="fold")
        for c in result.candidates:
            ask = f"{c.name} ({c.locality})" if c.locality else c.name
            table.add_row(escape(ask), str(c.articles), f"{c.first_seen or '?'}..{c.last_seen or '?'}", _roles_cell(c.roles))
        stdout.print(table)
        _print_why(result.why)
        return
    title = escape(result.name) + (f" ({escape(result.locality)})" if result.locality else "")
    stdout.print(f"[bold]{title}[/bold] — {result.article_count} articles")
    roles = Table(title="Roles")
    for col in ("role", "first seen", "last seen", "articles"):
        roles.add_column(col, overflow="fold")
    for r in result.roles:
        roles.add_row(escape(r.role), r.first_seen or "?", r.last_seen or "?", _ends_cell(r.shown_in, r.articles))
    stdout.print(roles)
    if result.offices:
        offices = Table(title="Offices (roles grouped by office)")
        for col in ("office", "first seen", "last seen", "articles", "written as"):
            offices.add_column(col, overflow="fold", justify="right" if col == "articles" else "left")
        for o in result.offices:
            kind = "" if o.kind == "office" else f" [dim]({escape(o.kind)})[/dim]"
            offices.add_row(escape(o.label) + kind, o.first_seen or "?", o.last_seen or "?", str(o.articles),
                            "\n".join(escape(f) for f in o.forms))
        stdout.print(offices)
    if result.appears_with:
        co = Table(title="Appears most often with")
        co.add_column("name")
        co.add_column("articles together", justify="right")
        for partner in result.appears_with:
            co.add_row(escape(partner.name), str(partner.articles))
        stdout.print(co)
    _print_why(result.why)


def _ends_cell(shown: list[q.ArticleRef], total: int, limit: int = 2) -> str:
    # A role's first and last articles are its evidence; the middle is elided.
    lines = [f"{a.date or '?'} {escape(a.title or a.article_id)}" for a in shown]
    if len(lines) > limit:
        lines = lines[: limit // 2] + lines[-(limit // 2) :]
    if total > len(lines):
        lines.insert(len(lines) // 2 + len(lines) % 2, f"[dim]… {total - len(lines)} more …[/dim]")
    return "\n".join(lines)


def _print_why(reasons: list[str]) -> None:
    if reasons:
        stdout.print("[bold]Why:[/bold]")
        for reason in reasons:
            stdout.print(f"  - {escape(reason)}")


@app.command("stats")
def stats_cmd(db: DbOpt = Path(DEFAULT_DB), as_json: JsonOpt = False) -> None:
    """What the archive holds, and how the last crawl went."""
    with errors_as_exit(), _open(db) as archive:
        s = q.stats(archive)
    if as_json:
        _print_json(s.to_dict())
        return
    table = Table(show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("articles", str(s.articles))
    table.add_row("by year", ", ".join(f"{y}: {n}" for y, n in s.by_year.items()) or "-")
    table.add_row("by folder", ", ".join(f"{escape(f)}: {n}" for f, n in s.by_folder.items()) or "-")
    table.add_row("people (distinct names)", str(s.people))
    table.add_row("versions", f"{s.versions} ({s.changed_articles} articles changed since first seen)")
    table.add_row("removed articles", str(s.removed_articles))
    table.add_row("responses kept", f"{s.responses} ({s.raw_bytes / 1e6:.1f} MB raw, {s.stored_bytes / 1e6:.1f} MB stored)")
    table.add_row("by source", ", ".join(
        f"{escape(k)}: {s.articles_by_source.get(k, 0)} articles, {s.versions_by_source.get(k, 0)} versions, {n} responses"
        for k, n in s.responses_by_source.items())
        or "-")
    table.add_row("sections", ", ".join(f"{k}: {n}" for k, n in s.sections.items() if n) or "-")
    if s.last_crawl:
        c = s.last_crawl
        shown = ("new", "changed", "unchanged", "removed", "failed", "requests")
        counts = ", ".join(f"{k}: {v}" for k, v in (c.stats or {}).items() if k in shown)
        table.add_row("last crawl", f"#{c.id} {c.started_at} .. {c.finished_at or '(not finished)'}: {escape(c.status)}"
                      + (f" ({escape(counts)})" if counts else ""))
    else:
        table.add_row("last crawl", "none recorded")
    stdout.print(table)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv, warc, graphml or parquet.")] = "jsonl",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write (default: stdout); .warc.gz compresses; parquet: a directory.")] = None,
    db: DbOpt = Path(DEFAULT_DB),
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Export articles as JSONL (the `extract --json` records) or CSV, raw responses as WARC 1.1, people and
    offices as a GraphML graph, or the main tables as Parquet files."""
    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}", 2)
    with errors_as_exit(), _open(db) as archive:
        if output is None:
            count = export(archive, fmt, sys.stdout.buffer, since=since, until=until)
            sys.stdout.buffer.flush()
        else:
            count = export_to_path(archive, fmt, output, since=since, until=until)
    if output is not None:
        tables = f" in {len(PARQUET_TABLES)} tables" if fmt == "parquet" else ""
        print(f"wrote {count} {UNITS[fmt]}{tables} to {output}", file=sys.stderr)


@app.command("optimize")
def optimize_cmd(db: DbOpt = Path(DEFAULT_DB), as_json: JsonOpt = False) -> None:
    """Merge the search index and refresh statistics: faster searches after a large crawl."""
    with errors_as_exit():
        summary = optimize(db)
    if as_json:
        _print_json(summary.to_dict())
        return
    stdout.print(
        f"search index: {summary.index_pages_before:,} -> {summary.index_pages_after:,} pages in {summary.seconds:.1f} s"
    )
