"""Timeline pictures of an office's holders or a person's offices, written as SVG files.

``office … --chart FILE.svg`` draws one bar per holder, ``person … --chart
FILE.svg`` one bar per office, each from the first to the last article that
shows it, with a mark per article (:func:`..charts.timeline_svg`). Files are
written beside their final name and renamed when complete.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from ..archive import office_reads
from ..archive.store import Archive
from ..charts import ChartRow, timeline_svg
from ..errors import QueryError, StoreError
from .offices import appearance_offices
from .results import OfficeTimeline, PersonTimeline

__all__ = ["office_chart", "person_chart", "write_svg"]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _marks(days: list[str | None]) -> list[date]:
    return sorted({d for d in (_day(x) for x in days) if d is not None})


def office_chart(archive: Archive, timeline: OfficeTimeline) -> str:
    """One bar per holder (first seen first), a mark per article that shows them in the office."""
    row = office_reads.office_by_key(archive, timeline.key)
    rows = []
    undated = 0
    for holder in timeline.holders:
        first, last = _day(holder.first_seen), _day(holder.last_seen)
        if first is None or last is None:
            undated += 1
            continue
        days = [d for _a, d in office_reads.evidence(archive, row, holder.name_key)] if row else []
        rows.append(ChartRow(holder.name, first, last, _marks(days), f"{holder.articles} bài"))
    span = f"{timeline.first_seen}–{timeline.last_seen}" if timeline.first_seen else "chưa có ngày"
    subtitle = f"{len(timeline.holders)} người giữ chức, {span}; mỗi vạch là một bài viết"
    if undated:
        subtitle += f"; {undated} người chỉ có trong bài không ghi ngày"
    return timeline_svg(timeline.label, rows, subtitle=subtitle)


def person_chart(archive: Archive, timeline: PersonTimeline) -> str:
    """One bar per office the person is seen holding, a mark per article that shows it."""
    marks: dict[str, list[str | None]] = {}
    if "@" in timeline.key:
        # A namesake the resolver split off: its offices come from its own appearances.
        from .persons import resolve_entity

        entity = resolve_entity(archive, timeline.key)
        if entity is not None:
            marks = {held.key: list(days) for held, days in appearance_offices(entity.appearances)}
    else:
        for held in timeline.offices:
            row = office_reads.office_by_key(archive, held.key)
            marks[held.key] = [d for _a, d in office_reads.evidence(archive, row, timeline.key)] if row else []
    rows = []
    for held in timeline.offices:
        first, last = _day(held.first_seen), _day(held.last_seen)
        if first is not None and last is not None:
            rows.append(ChartRow(held.label, first, last, _marks(marks.get(held.key, [])), f"{held.articles} bài"))
    title = timeline.name + (f" ({timeline.locality})" if timeline.locality else "")
    return timeline_svg(title, rows, subtitle=f"{len(rows)} chức vụ; mỗi vạch là một bài viết")


def write_svg(path: str | Path, svg: str) -> None:
    """Write ``svg`` to ``path`` atomically: a temporary file beside it, renamed when complete."""
    target = Path(path)
    if target.suffix.lower() != ".svg":
        raise QueryError(f"--chart {target}: give a file name ending in .svg")
    parent = target.parent
    if not parent.is_dir():
        raise QueryError(f"--chart {target}: directory {parent} does not exist")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(svg.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
