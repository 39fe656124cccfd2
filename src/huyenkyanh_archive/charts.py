"""Timeline charts as SVG: who held an office when, or one person's offices.

``timeline_svg(title, rows)`` draws one horizontal bar per row, from the day
the holder (or office) was first seen to the day last seen, a tick for each
article that is evidence, and a year axis. Pure: the SVG is returned as a
``str``, the same input always gives the same bytes (no clock, no random),
so a chart can be checked into a test or diffed.

Labels are Vietnamese: the font list starts with families that carry its
glyphs (DejaVu Sans, Noto Sans), text is NFC and XML-escaped, and a label too
long for its column is cut with "…" (the full label stays in the bar's
tooltip). The size follows the content: the label column fits the longest
label, the time axis gets a fixed width per year, the height one band per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from .vietnamese import collapse_space, nfc

__all__ = ["ChartRow", "timeline_svg", "FONT_FAMILY"]

FONT_FAMILY = "DejaVu Sans, Noto Sans, Arial, sans-serif"

# Geometry, in SVG user units (= pixels at 1:1).
_LABEL_FONT = 13
_CHAR_W = 7.6  # a generous average advance of DejaVu Sans at 13 px, so estimated widths do not overflow
_MAX_LABEL_CHARS = 44
_NOTE_FONT = 11
_NOTE_CHAR_W = 6.5
_MAX_NOTE_CHARS = 40
_ROW_H = 26
_BAR_H = 14
_YEAR_W = 96  # horizontal room per year of the time axis
_MIN_PLOT_W = 360
_MAX_PLOT_W = 1400
_MIN_BAR_W = 3.0  # a holder seen on one day is still a visible bar
_PAD = 16
_GAP = 10
_AXIS_H = 28
# Colour-blind-safe, saturated enough to read against the white ground (Okabe-Ito).
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7A5195", "#B8860B")
_MARK_COLOUR = "#1a1a1a"
_GRID_COLOUR = "#d9d9d9"
_TEXT_COLOUR = "#1a1a1a"
_MUTED_COLOUR = "#595959"

# Characters XML 1.0 cannot carry, and bidi controls that would reorder a label.
_BAD_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class ChartRow:
    """One bar: a holder of an office (or an office of a person) from first to last seen."""

    label: str
    first: date
    last: date
    marks: Sequence[date] = field(default_factory=tuple)  # one per article that is evidence
    note: str | None = None  # shown right of the plot, e.g. "19 bài"


def _clean(text: str | None) -> str:
    return collapse_space(_BAD_XML_RE.sub(" ", nfc(text or "")))


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(x: float) -> str:
    """Fixed formatting: deterministic output, no "-0.0"."""
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


@dataclass(frozen=True, slots=True)
class _Scale:
    start: date  # 1 January of the first year shown
    end: date  # 1 January after the last year shown
    x0: float
    width: float

    def x(self, d: date) -> float:
        span = (self.end - self.start).days
        return self.x0 + (d - self.start).days / span * self.width

    def years(self) -> range:
        return range(self.start.year, self.end.year)


def _scale(rows: Sequence[ChartRow], x0: float) -> _Scale:
    days = [d for r in rows for d in (r.first, r.last, *r.marks)]
    first = min(days) if days else date(2000, 1, 1)
    last = max(days) if days else date(2000, 12, 31)
    start, end = date(first.year, 1, 1), date(last.year + 1, 1, 1)
    width = min(_MAX_PLOT_W, max(_MIN_PLOT_W, _YEAR_W * (end.year - start.year)))
    return _Scale(start, end, x0, float(width))


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int,
    anchor: str = "start",
    fill: str = _TEXT_COLOUR,
    weight: str | None = None,
    cls: str | None = None,
) -> str:
    attrs = [f'x="{_num(x)}"', f'y="{_num(y)}"', f'font-size="{size}"', f'fill="{fill}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if weight:
        attrs.append(f'font-weight="{weight}"')
    if cls:
        attrs.append(f'class="{cls}"')
    return f"<text {' '.join(attrs)}>{escape(content)}</text>"


def timeline_svg(title: str, rows: Sequence[ChartRow], *, subtitle: str | None = None) -> str:
    """The rows as an SVG timeline: one bar each, evidence ticks, a year axis."""
    title_text = _elide(_clean(title), 120)
    subtitle_text = _elide(_clean(subtitle), 160) if subtitle else ""
    labels = [_clean(r.label) for r in rows]
    shown = [_elide(label, _MAX_LABEL_CHARS) for label in labels]
    notes = [_elide(_clean(r.note), _MAX_NOTE_CHARS) for r in rows]
    # A row whose dates came in the wrong order still spans them.
    spans = [(min(r.first, r.last), max(r.first, r.last)) for r in rows]

    label_w = max([len(s) for s in shown] + [8]) * _CHAR_W
    note_w = max([len(n) for n in notes] + [0]) * _NOTE_CHAR_W
    x0 = _PAD + label_w + _GAP
    scale = _scale(rows, x0)
    header_h = _PAD + 20 + (18 if subtitle_text else 0) + 8
    plot_top = header_h + _AXIS_H
    plot_h = max(1, len(rows)) * _ROW_H
    width = x0 + scale.width + (_GAP + note_w if note_w else 0) + _PAD
    title_w = _PAD * 2 + len(title_text) * 9.5
    width = max(width, title_w)
    height = plot_top + plot_h + _PAD

    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" font-family="{FONT_FAMILY}">',
        f"<title>{escape(title_text)}</title>",
        f'<rect class="background" x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
        _text(_PAD, _PAD + 16, title_text, size=16, weight="bold", cls="title"),
    ]
    if subtitle_text:
        out.append(_text(_PAD, _PAD + 34, subtitle_text, size=12, fill=_MUTED_COLOUR, cls="subtitle"))

    # Year axis: a grid line at each 1 January, the year centred over its span.
    out.append('<g class="axis">')
    for year in scale.years():
        gx = scale.x(date(year, 1, 1))
        mid = (gx + scale.x(date(year + 1, 1, 1))) / 2
        out.append(
            f'<line x1="{_num(gx)}" y1="{_num(plot_top - 6)}" x2="{_num(gx)}" '
            f'y2="{_num(plot_top + plot_h)}" stroke="{_GRID_COLOUR}" stroke-width="1"/>'
        )
        out.append(_text(mid, plot_top - 10, str(year), size=11, anchor="middle", fill=_MUTED_COLOUR, cls="year"))
    end_x = scale.x(scale.end)
    out.append(
        f'<line x1="{_num(end_x)}" y1="{_num(plot_top - 6)}" x2="{_num(end_x)}" '
        f'y2="{_num(plot_top + plot_h)}" stroke="{_GRID_COLOUR}" stroke-width="1"/>'
    )
    out.append("</g>")

    if not rows:
        out.append(_text(x0, plot_top + _ROW_H * 0.65, "(không có dữ liệu)", size=_LABEL_FONT, fill=_MUTED_COLOUR))

    for i, (row, (first, last)) in enumerate(zip(rows, spans, strict=True)):
        top = plot_top + i * _ROW_H
        bar_y = top + (_ROW_H - _BAR_H) / 2
        colour = _PALETTE[i % len(_PALETTE)]
        bx = scale.x(first)
        true_w = scale.x(last + timedelta(days=1)) - bx
        bw = max(_MIN_BAR_W, true_w)
        marks = sorted(set(row.marks))
        tip = f"{labels[i]}: {first.isoformat()} – {last.isoformat()}, {len(marks)} bài"
        out.append(f'<g class="row" data-row="{i}">')
        out.append(_text(x0 - _GAP, top + _ROW_H / 2 + 4.5, shown[i], size=_LABEL_FONT, anchor="end", cls="label"))
        out.append(
            f'<rect class="bar" x="{_num(bx)}" y="{_num(bar_y)}" width="{_num(bw)}" height="{_BAR_H}" rx="2" '
            f'fill="{colour}" data-first="{first.isoformat()}" data-last="{last.isoformat()}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        for m in marks:
            # The middle of the mark's day; on a bar widened to be visible, its middle.
            mx = scale.x(m) + (scale.x(m + timedelta(days=1)) - scale.x(m)) / 2 if true_w >= bw else bx + bw / 2
            out.append(
                f'<line class="mark" x1="{_num(mx)}" y1="{_num(bar_y - 3)}" x2="{_num(mx)}" '
                f'y2="{_num(bar_y + _BAR_H + 3)}" stroke="{_MARK_COLOUR}" stroke-width="1.5" '
                f"data-day={quoteattr(m.isoformat())}/>"
            )
        if notes[i]:
            out.append(
                _text(
                    x0 + scale.width + _GAP,
                    top + _ROW_H / 2 + 4,
                    notes[i],
                    size=_NOTE_FONT,
                    fill=_MUTED_COLOUR,
                    cls="note",
                )
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
