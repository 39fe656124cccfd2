"""``office``, ``offices`` and ``person --chart`` as a user runs them, on the crawled corpus.

Answers are checked against the gold annotations (:mod:`tests.support.office_oracle`);
charts are rendered with resvg (a real SVG renderer) and the pixels looked at.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive.cli import app
from tests.support import office_oracle as gold
from tests.support.crawl_support import cli as cli_process
from tests.support.office_oracle import CHECKED, GoldOffice, holders, norm
from tests.support.png import is_dark, is_ink, pixel, render

SVG_NS = "{http://www.w3.org/2000/svg}"
runner = CliRunner()


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def db(page_archive: Any) -> str:
    return str(page_archive[0])


def one_line_error(stderr: str) -> None:
    assert stderr.count("\n") == 1 and stderr.startswith("kyanh-archive: "), stderr
    assert "Traceback" not in stderr


# -- --json -----------------------------------------------------------------------------


@pytest.mark.parametrize("g", CHECKED, ids=[g.ask for g in CHECKED])
def test_office_json_has_the_annotated_holders(db: str, g: GoldOffice) -> None:
    done = cli("office", g.ask, "--db", db, "--json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind_of_answer"] == "office" and data["kind"] == "office"
    got = sorted((h["name"], h["first_seen"], h["last_seen"], h["articles"]) for h in data["holders"])
    assert got == sorted((h.name, h.first, h.last, h.articles) for h in holders(g))
    for h in data["holders"]:
        assert h["first_article"]["date"][:10] == h["first_seen"] and h["last_article"]["url"].startswith("http")
    # The forms it is written in are among the forms the annotations use.
    assert data["forms"] and all(norm(f["role"]) in g.forms for f in data["forms"])


def test_office_json_for_a_text_naming_several_offices_lists_them(db: str) -> None:
    done = cli("office", "Bí thư Đảng ủy xã", "--db", db, "--json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind_of_answer"] == "ambiguous"
    assert {"Kỳ Thượng", "Kỳ Phong"} <= {c["locality"] for c in data["candidates"]}


def test_offices_json_is_the_directory(db: str) -> None:
    done = cli("offices", "--db", db, "--json")
    assert done.exit_code == 0, done.stderr
    entries = json.loads(done.stdout)
    by_key = {e["key"]: e for e in entries}
    assert len(by_key) == len(entries)
    for g in CHECKED:
        key = json.loads(cli("office", g.ask, "--db", db, "--json").stdout)["key"]
        entry = by_key[key]
        hs = holders(g)
        assert entry["holder_count"] == len(hs)
        latest = max(hs, key=lambda h: h.last or "")
        assert entry["current"]["name"] == latest.name and entry["current"]["last_seen"] == latest.last
    assert all(e["kind"] == "office" for e in entries)  # the default kind
    every = json.loads(cli("offices", "--db", db, "--json", "--kind", "all").stdout)
    assert {"rank", "membership", "delegate"} <= {e["kind"] for e in every}


def test_offices_filters_on_the_command_line(db: str) -> None:
    got = json.loads(cli("offices", "--db", db, "--json", "--organ", "UBND", "--level", "huyen").stdout)
    # Offices of the UBND (the joint office of HĐND and UBND too), at the district.
    assert got and all("UBND" in e["organ"].split() and e["level"] == "huyện" for e in got)
    labels = {e["label"] for e in got}
    assert "Chủ tịch UBND huyện Kỳ Anh" in labels and "Phó Chủ tịch UBND huyện Kỳ Anh" in labels
    commune = json.loads(cli("offices", "--db", db, "--json", "--locality", "xã Kỳ Xuân").stdout)
    assert commune and all(e["locality"] == "Kỳ Xuân" for e in commune)
    listed = json.loads(cli("offices", "--db", db, "--json", "--level", "xã").stdout)
    table = cli("offices", "--db", db, "--level", "xã")
    assert table.exit_code == 0 and table.stdout.rstrip().endswith(f"{len(listed)} offices")


def test_office_table_shows_the_holders_and_their_days(db: str) -> None:
    done = cli("office", "Chủ tịch HĐND huyện", "--db", db)
    assert done.exit_code == 0
    for h in holders(gold.COUNCIL_CHAIR):
        assert h.name in done.stdout and (h.first or "") in done.stdout and (h.last or "") in done.stdout


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["office", "Không có chức vụ này"],
    ["office", "Giám đốc Sở Ngoại giao Sao Hỏa"],
    ["office", ""],
    ["office", "x" * 400],
    ["office", "Bí thư Huyện ủy", "--at", "2024-02-30"],
    ["office", "Bí thư Huyện ủy", "--kind", "chức"],
    ["offices", "--kind", "chức"],
])
def test_a_bad_request_is_one_line_and_a_nonzero_exit(db: str, args: list[str]) -> None:
    done = cli(*args, "--db", db)
    assert done.exit_code != 0
    one_line_error(done.stderr)
    assert done.stdout == ""


def test_an_unknown_office_in_a_real_process_has_no_traceback(db: str) -> None:
    done = cli_process("office", "Chủ tịch Hội đồng Vũ trụ", "--db", db, "--json")
    assert done.returncode == 2
    one_line_error(done.stderr)
    assert "Chủ tịch Hội đồng Vũ trụ" in done.stderr and done.stdout == ""


def test_a_missing_archive(tmp_path: Path) -> None:
    done = cli("office", "Bí thư Huyện ủy", "--db", str(tmp_path / "nope.db"))
    assert done.exit_code != 0
    one_line_error(done.stderr)


# -- charts -----------------------------------------------------------------------------


def svg_root(path: Path) -> ElementTree.Element:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    return ElementTree.fromstring(raw)


def texts(root: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


def bars(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [el for el in root.iter(f"{SVG_NS}rect") if el.get("class") == "bar"]


def check_renders(svg: str, root: ElementTree.Element) -> None:
    """Rendered, the picture is not blank: each bar is inked where it is, text is dark."""
    width, height, rows = render(svg)
    assert (width, height) == (round(float(root.get("width", "0"))), round(float(root.get("height", "0"))))
    inked = sum(is_ink(pixel(rows, x, y)) for y in range(0, height, 2) for x in range(0, width, 2))
    assert inked > 0.01 * (width * height / 4)
    for bar in bars(root):
        x, w = float(bar.get("x", "0")), float(bar.get("width", "0"))
        y = float(bar.get("y", "0")) + float(bar.get("height", "0")) / 2
        assert is_ink(pixel(rows, x + w / 2, y))
        # Its label, left of the plot, is drawn as dark text.
        y0 = int(float(bar.get("y", "0")))
        first_x = min(float(b.get("x", "0")) for b in bars(root))
        assert sum(is_dark(pixel(rows, px, yy)) for yy in range(y0, y0 + 14) for px in range(int(first_x) - 10)) > 30


def test_office_chart_is_an_svg_that_renders_one_bar_per_holder(db: str, tmp_path: Path) -> None:
    out = tmp_path / "chu-tich.svg"
    done = cli("office", "Phó Chủ tịch UBND huyện", "--db", db, "--chart", str(out))
    assert done.exit_code == 0, done.stderr
    assert f"to {out}" in done.stderr
    root = svg_root(out)
    hs = holders(gold.DISTRICT_VICE_CHAIRS)
    drawn = {(b.get("data-first"), b.get("data-last")) for b in bars(root)}
    assert drawn == {(h.first, h.last) for h in hs}
    words = " ".join(texts(root))
    assert "Phó Chủ tịch UBND huyện Kỳ Anh" in words  # the title, NFC
    for h in hs:
        assert h.name in texts(root)
    # A mark per article: the days of the marks in each holder's row are the annotated days.
    for row in root.iter(f"{SVG_NS}g"):
        if row.get("class") != "row":
            continue
        name = next(t.text for t in row.iter(f"{SVG_NS}text"))
        marks = sorted({m.get("data-day") for m in row.iter(f"{SVG_NS}line") if m.get("class") == "mark"})
        days = sorted({s.day for s in gold.sightings() if s.name == name and s.day
                       and any(norm(r) in gold.DISTRICT_VICE_CHAIRS.forms for r in s.roles)})
        assert marks == days, name
    check_renders(out.read_text("utf-8"), root)


def test_person_chart_is_an_svg_that_renders_one_bar_per_office(db: str, tmp_path: Path) -> None:
    out = tmp_path / "ho-huy-thanh.svg"
    done = cli("person", "Hồ Huy Thành", "--db", db, "--chart", str(out), "--json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    offices = {o["label"]: o for o in data["offices"]}
    # The offices the annotations show him in, with their spans.
    for g in (gold.DISTRICT_SECRETARY, gold.COUNCIL_CHAIR):
        (h,) = [h for h in holders(g) if h.name == "Hồ Huy Thành"]
        label = json.loads(cli("office", g.ask, "--db", db, "--json").stdout)["label"]
        assert (offices[label]["first_seen"], offices[label]["last_seen"]) == (h.first, h.last)
    root = svg_root(out)
    assert len(bars(root)) == len([o for o in data["offices"] if o["first_seen"]])
    words = texts(root)
    assert "Hồ Huy Thành" in words
    assert "Bí thư Huyện ủy Kỳ Anh" in words and "Chủ tịch HĐND huyện Kỳ Anh" in words
    check_renders(out.read_text("utf-8"), root)


def test_nfd_input_draws_the_same_chart(db: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    assert cli("office", "Chủ tịch UBND huyện", "--db", db, "--chart", str(a)).exit_code == 0
    nfd = unicodedata.normalize("NFD", "Chủ tịch Ủy ban nhân dân huyện")
    assert cli("office", nfd, "--db", db, "--chart", str(b)).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("name", ["chart.png", "no-such-dir/chart.svg"])
def test_a_bad_chart_path_is_refused_and_nothing_is_written(db: str, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    done = cli("office", "Bí thư Huyện ủy", "--db", db, "--chart", str(target))
    assert done.exit_code != 0
    one_line_error(done.stderr)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_a_chart_of_a_text_naming_several_offices_is_refused(db: str, tmp_path: Path) -> None:
    target = tmp_path / "x.svg"
    done = cli("office", "Bí thư Đảng ủy xã", "--db", db, "--chart", str(target))
    assert done.exit_code == 2
    assert "names" in done.stderr and not target.exists()
