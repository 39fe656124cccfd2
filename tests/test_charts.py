"""The SVG timeline: valid XML, one bar per row in date order, escaped labels, and it renders.

Rendering uses resvg (the ``resvg-py`` wheel: no system library needed) and
the pixels are read back with a small PNG decoder (tests/support/png.py), so the checks are on
what a person would see: bars where the dates say, dark text in the label
column.
"""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from huyenkyanh_archive.charts import FONT_FAMILY, ChartRow, timeline_svg
from tests.support.png import is_dark, is_ink, pixel, render

SVG_NS = "{http://www.w3.org/2000/svg}"

ROWS = [
    ChartRow("Nguyễn Văn Một", date(2019, 3, 1), date(2020, 12, 31), [date(2019, 3, 1), date(2020, 6, 1)], "2 bài"),
    ChartRow("Trần Thị Hai", date(2021, 1, 1), date(2021, 1, 1), [date(2021, 1, 1)], "1 bài"),
    ChartRow("Lê Ba & <Bốn>", date(2021, 6, 1), date(2023, 6, 30), [date(2021, 6, 1), date(2023, 6, 30)], None),
    ChartRow("Phạm Năm " + "rất dài " * 12, date(2023, 7, 1), date(2025, 4, 30), [], "0 bài"),
]


def bars(svg: str) -> list[ElementTree.Element]:
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return [el for el in root.iter(f"{SVG_NS}rect") if el.get("class") == "bar"]


def test_svg_is_xml_with_one_bar_per_row_in_date_order() -> None:
    svg = timeline_svg("Chủ tịch UBND huyện Kỳ Anh", ROWS, subtitle="2019–2025")
    root = ElementTree.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG_NS}svg"
    assert float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0
    found = bars(svg)
    assert len(found) == len(ROWS)
    xs = [float(b.get("x", "nan")) for b in found]
    ends = [float(b.get("x", "nan")) + float(b.get("width", "nan")) for b in found]
    assert xs == sorted(xs) and ends == sorted(ends)
    # x is linear in the date: the same px/day for every bar that is wider than the minimum.
    scale = [
        (ends[i] - xs[i]) / ((r.last - r.first).days + 1)
        for i, r in enumerate(ROWS)
        if r.last - r.first > timedelta(30)
    ]
    assert max(scale) - min(scale) < 0.01
    assert [b.get("data-first") for b in found] == [r.first.isoformat() for r in ROWS]
    assert float(found[1].get("width", "0")) >= 2  # one day, still visible
    assert FONT_FAMILY.startswith("DejaVu Sans") and FONT_FAMILY in svg
    years = [el.text for el in root.iter(f"{SVG_NS}text") if el.get("class") == "year"]
    assert years == [str(y) for y in range(2019, 2026)]
    # Each bar starts at its first day on the year axis: the grid line of 1 January
    # of its year plus the part of the year gone by.
    grid = sorted(float(el.get("x1", "0")) for el in root.iter(f"{SVG_NS}line") if el.get("class") != "mark")
    year_x = dict(zip(range(2019, 2027), grid, strict=True))
    for bar, row in zip(found, ROWS, strict=True):
        y0, y1 = year_x[row.first.year], year_x[row.first.year + 1]
        gone = (row.first - date(row.first.year, 1, 1)).days / (
            date(row.first.year + 1, 1, 1) - date(row.first.year, 1, 1)
        ).days
        assert abs(float(bar.get("x", "0")) - (y0 + gone * (y1 - y0))) < 1.0
    ticks = [el for el in root.iter(f"{SVG_NS}line") if el.get("class") == "mark"]
    assert len(ticks) == sum(len(set(r.marks)) for r in ROWS)


def test_labels_are_escaped_nfc_and_elided() -> None:
    svg = timeline_svg("A < B & C", ROWS)
    assert "A &lt; B &amp; C" in svg and "Lê Ba &amp; &lt;Bốn&gt;" in svg
    root = ElementTree.fromstring(svg.encode("utf-8"))
    labels = [el.text or "" for el in root.iter(f"{SVG_NS}text") if el.get("class") == "label"]
    assert labels[2] == "Lê Ba & <Bốn>"
    assert labels[3].endswith("…") and len(labels[3]) < len(ROWS[3].label)
    titles = [el.text or "" for el in root.iter(f"{SVG_NS}title")]
    assert any(t.startswith("Phạm Năm rất dài rất dài") and t.count("rất dài") == 12 for t in titles)
    decomposed = timeline_svg(
        "Chu\u0309 ti\u0323ch", [ChartRow("Nguye\u0302\u0303n", date(2020, 1, 1), date(2020, 2, 1))]
    )
    assert "Chủ tịch" in decomposed and "Nguyễn" in decomposed
    # Control characters cannot be in XML; they are dropped, not passed through.
    ElementTree.fromstring(timeline_svg("x\x00\x1by", [ChartRow("a\x07b", date(2020, 1, 1), date(2020, 1, 1))]))


def test_output_is_deterministic_and_sized_by_content() -> None:
    assert timeline_svg("T", ROWS) == timeline_svg("T", ROWS)
    few = ElementTree.fromstring(timeline_svg("T", ROWS[:1]))
    many = ElementTree.fromstring(timeline_svg("T", ROWS * 5))
    assert float(many.get("height", "0")) > float(few.get("height", "0"))
    short = ElementTree.fromstring(timeline_svg("T", [ChartRow("A", date(2020, 1, 1), date(2020, 5, 1))]))
    long = ElementTree.fromstring(timeline_svg("T", [ChartRow("A", date(2000, 1, 1), date(2020, 5, 1))]))
    assert float(long.get("width", "0")) > float(short.get("width", "0"))


def test_empty_and_reversed_rows() -> None:
    ElementTree.fromstring(timeline_svg("Không có ai", []))
    reversed_row = ChartRow("Đảo ngược", date(2022, 5, 1), date(2021, 5, 1))
    (bar,) = bars(timeline_svg("T", [reversed_row]))
    assert bar.get("data-first") == "2021-05-01" and float(bar.get("width", "0")) > 50


def test_it_renders_bars_where_the_dates_say_and_readable_labels() -> None:
    svg = timeline_svg("Chủ tịch UBND huyện Kỳ Anh", ROWS, subtitle="người giữ chức")
    width, height, rows = render(svg)
    root = ElementTree.fromstring(svg.encode("utf-8"))
    assert (width, height) == (round(float(root.get("width", "0"))), round(float(root.get("height", "0"))))
    grid = [float(el.get("x1", "0")) for el in root.iter(f"{SVG_NS}line") if el.get("class") != "mark"]
    plot = range(int(min(grid)), int(max(grid)) + 1)  # from 1 January of the first year to the end of the last
    for bar in bars(svg):
        x, w = float(bar.get("x", "0")), float(bar.get("width", "0"))
        y = float(bar.get("y", "0")) + float(bar.get("height", "0")) / 2
        inked = [px for px in plot if is_ink(pixel(rows, px, y))]
        # In this row's band of the plot the ink starts and ends where the bar's
        # dates put it (ticks may stand 1 px out; nothing else is drawn there).
        assert abs(min(inked) - x) <= 2 and abs(max(inked) - (x + w)) <= 2, (bar.get("data-first"), min(inked), x)
        assert is_ink(pixel(rows, x + w / 2, y))
        assert not is_ink(pixel(rows, x - 6, y))
    # The label column holds dark text beside every bar, ending before the plot.
    first_bar_x = min(float(b.get("x", "0")) for b in bars(svg))
    for bar in bars(svg):
        y0 = int(float(bar.get("y", "0")))
        dark = [px for yy in range(y0, y0 + 14) for px in range(int(first_bar_x) - 10) if is_dark(pixel(rows, px, yy))]
        assert len(dark) > 30
    # The title is drawn (dark pixels in its line), not left empty.
    assert sum(is_dark(pixel(rows, px, yy)) for yy in range(16, 34) for px in range(16, 200)) > 100


def test_a_one_day_holder_is_visible_when_rendered() -> None:
    rows = [ChartRow("Một ngày", date(2024, 5, 5), date(2024, 5, 5), [date(2024, 5, 5)])]
    svg = timeline_svg("T", [ChartRow("Dài", date(2015, 1, 1), date(2024, 12, 31)), *rows])
    (_, one_day) = bars(svg)
    width, _, pixels = render(svg)
    y = float(one_day.get("y", "0")) + 7
    x = float(one_day.get("x", "0"))
    inked = [px for px in range(int(x) - 20, int(x) + 20) if is_ink(pixel(pixels, px, y))]
    assert inked and max(inked) - min(inked) >= 2 and abs(min(inked) - x) <= 2
    assert width > x + 20
