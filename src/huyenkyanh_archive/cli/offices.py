"""Office commands: office (who held it when), offices (the directory)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..query import offices as qo
from ..query.results import OfficeAmbiguous, OfficeEntry, OfficeHolder, OfficeTimeline
from ..query.timelines import office_chart, write_svg
from . import app, errors_as_exit, fail, stdout
from .query import DEFAULT_DB, DbOpt, JsonOpt, _open, _print_json, _print_why

ChartOpt = Annotated[Path | None, typer.Option("--chart", help="Also draw the timeline into this SVG file.")]
KindOpt = Annotated[list[str] | None, typer.Option(
    "--kind", help="office (default), rank, membership, delegate, other, or all; repeat or comma-separate.")]


def _seen(first: str | None, last: str | None) -> str:
    return f"{first or '?'}..{last or '?'}"


def _article_cell(holder: OfficeHolder) -> str:
    ends = [a for a in (holder.first_article, holder.last_article) if a is not None]
    if len(ends) == 2 and ends[0].article_id == ends[1].article_id:
        ends = ends[:1]
    return "\n".join(f"{a.date or '?'} {escape(a.title or a.article_id)}" for a in ends)


def _print_timeline(result: OfficeTimeline) -> None:
    holders = len(result.holders)
    stdout.print(f"[bold]{escape(result.label)}[/bold] — {result.articles} articles, {holders}"
                 f" holder{'s' if holders != 1 else ''}, seen {_seen(result.first_seen, result.last_seen)}")
    table = Table()
    for col in ("holder", "first seen", "last seen", "articles", "first and last article"):
        table.add_column(col, overflow="fold", justify="right" if col == "articles" else "left")
    for h in result.holders:
        table.add_row(escape(h.name), h.first_seen or "?", h.last_seen or "?", str(h.articles), _article_cell(h))
    stdout.print(table)
    if result.forms:
        shown = ", ".join(f"{escape(f.role)} ({f.articles})" for f in result.forms[:8])
        more = f", +{len(result.forms) - 8} more" if len(result.forms) > 8 else ""
        stdout.print(f"[dim]written as: {shown}{more}[/dim]")
    if result.at is not None:
        stdout.print(f"[bold]{result.at.day}:[/bold] {escape(result.at.statement)}")
    for note in result.notes:
        stdout.print(f"[dim]note: {escape(note)}[/dim]")


def _holders_cell(entry: OfficeEntry, limit: int = 3) -> str:
    past = [f"{escape(h.name)} [dim]{_seen(h.first_seen, h.last_seen)}[/dim]" for h in entry.past[:limit]]
    if len(entry.past) > limit:
        past.append(f"[dim]+{len(entry.past) - limit} more[/dim]")
    return "\n".join(past)


def _directory_table(entries: list[OfficeEntry], *, key_column: bool = False) -> Table:
    table = Table()
    table.add_column("office", overflow="fold")
    if key_column:
        table.add_column("ask for (key)", overflow="fold")
    table.add_column("articles", justify="right")
    table.add_column("seen", no_wrap=True)
    table.add_column("last seen holder", overflow="fold")
    table.add_column("before", overflow="fold")
    for e in entries:
        label = escape(e.label) + (" [dim](không rõ địa bàn)[/dim]" if e.unplaced else "")
        current = f"{escape(e.current.name)} [dim]{_seen(e.current.first_seen, e.current.last_seen)}[/dim]" if e.current else "-"
        cells = [label] + ([escape(e.key)] if key_column else []) + [
            str(e.articles), _seen(e.first_seen, e.last_seen), current, _holders_cell(e)]
        table.add_row(*cells)
    return table


def _print_ambiguous(result: OfficeAmbiguous) -> None:
    total = len(result.candidates) + result.more
    stdout.print(f"{escape(result.query)} matches {total} offices; ask for one of them (by its label or key):")
    stdout.print(_directory_table(result.candidates, key_column=True))
    if result.more:
        stdout.print(f"[dim]… and {result.more} more: add words, or see `kyanh-archive offices`[/dim]")


@app.command("office")
def office_cmd(
    text: Annotated[str, typer.Argument(help='The office as written, e.g. "Chủ tịch UBND huyện", or its key.')],
    db: DbOpt = Path(DEFAULT_DB),
    at: Annotated[str | None, typer.Option("--at", help="Who held it on this day (YYYY-MM-DD).")] = None,
    why: Annotated[bool, typer.Option("--why", help="Show how the text was read into an office key.")] = False,
    chart: ChartOpt = None,
    kind: KindOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who held an office, in the order they were first seen, with dates and articles."""
    with errors_as_exit():
        kinds = qo.kinds_of(kind)
        with _open(db) as archive:
            result = qo.office(archive, text, at=at, why=why, kinds=kinds)
            svg = office_chart(archive, result) if chart is not None and isinstance(result, OfficeTimeline) else None
        if svg is not None and chart is not None:
            write_svg(chart, svg)
    if as_json:
        data = result.to_dict()
        data["kind_of_answer"] = "ambiguous" if isinstance(result, OfficeAmbiguous) else "office"
        _print_json(data)
    else:
        if isinstance(result, OfficeAmbiguous):
            _print_ambiguous(result)
        else:
            _print_timeline(result)
        _print_why(result.why)
    if chart is not None:
        if isinstance(result, OfficeAmbiguous):
            fail(f"--chart {chart}: the text names {len(result.candidates) + result.more} offices; ask for one", 2)
        print(f"wrote the timeline of {len(result.holders)} holders to {chart}", file=sys.stderr)


@app.command("offices")
def offices_cmd(
    db: DbOpt = Path(DEFAULT_DB),
    organ: Annotated[str | None, typer.Option("--organ", help='Offices of this organ, e.g. "UBND", "Huyện ủy".')] = None,
    level: Annotated[str | None, typer.Option("--level", help='tỉnh, huyện, xã, thôn, … (diacritics optional).')] = None,
    locality: Annotated[str | None, typer.Option("--locality", help='A place, e.g. "Kỳ Tân" or "xã Kỳ Tân".')] = None,
    kind: KindOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The directory of offices: each with the holder last seen in it and the ones before."""
    with errors_as_exit():
        kinds = qo.kinds_of(kind)
        with _open(db) as archive:
            found = qo.offices(archive, organ=organ, level=level, locality=locality, kinds=kinds)
    if as_json:
        _print_json([e.to_dict() for e in found])
        return
    stdout.print(_directory_table(found))
    stdout.print(f"[dim]{len(found)} offices[/dim]")
