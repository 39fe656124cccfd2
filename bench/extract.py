"""Extraction benchmark: kyanh-archive against trafilatura on the same portal pages, in one run.

    python -m bench.extract                   # in-process, then whole processes over 600 files
    python -m bench.extract --seconds 5       # longer in-process timing, steadier figures
    python -m bench.extract --files 1000 --rounds 5
    python -m bench.extract --json            # the figures as one JSON object
    python -m bench.extract --accuracy        # per layout: exact fields and people F1, no timing

The baseline is trafilatura's ``bare_extraction(html, url=..., with_metadata=True)``
with its defaults otherwise (its usual metadata extraction: title, date,
author, categories, text; no ``include_images``, no ``fast``). Its ``fast=True``
mode (no fallback extractors) with metadata is timed too, as a stricter
in-process baseline. Both sides run
in one process, single-threaded, and get the raw bytes and decode them
themselves. Two measurements, each interleaved so that other work on the
machine slows both sides alike:

- in-process: the annotated corpus rendered in the portal's markup (header
  menu with its sub-menus, sidebar, footer: 46-50 KB a page, like live
  pages); each extractor is warmed up on every page, then whole passes of
  each run in turn until each has had ``--seconds``;
- whole process: ``--files`` pages (the corpus varied into that many
  articles with new ids, titles and dates, same markup) written to a
  temporary folder; ``kyanh-archive extract --json FILE...`` in a subprocess
  against a Python script in a subprocess that runs ``bare_extraction`` on
  each file and prints its result as one JSON line; start-up, reading the
  files and writing the records included; ``--rounds`` runs of each in turn.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.render import load_corpus, render_portal_article
from tests.support.replica import synthetic_articles

from huyenkyanh_archive.extract import default_profile, extract_article
from huyenkyanh_archive.extract.decode import decode_html
from huyenkyanh_archive.extract.page import extract_page

ROOT = Path(__file__).resolve().parent.parent

GOAL = 10.0
TRAFILATURA_SETTINGS = "bare_extraction(html, url=..., with_metadata=True), defaults otherwise"

# The trafilatura side of the whole-process run: what a user of trafilatura would write.
TRAFILATURA_SCRIPT = """\
import json, sys
import trafilatura

with open(sys.argv[1], encoding="utf-8") as manifest:
    jobs = [line.rstrip("\\n").split("\\t") for line in manifest]
out = sys.stdout
for path, url in jobs:
    with open(path, "rb") as f:
        html = f.read()
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    out.write(json.dumps(doc.as_dict() if doc is not None else None, ensure_ascii=False, default=str) + "\\n")
"""


def pages() -> list[tuple[bytes, str]]:
    return [(render_portal_article(a).encode("utf-8"), a["url"]) for a in load_corpus()]


def rates(fns: dict[str, Callable[[bytes, str], object]], work: list[tuple[bytes, str]], seconds: float) -> dict[str, float]:
    """Pages per second of each extractor over whole passes of ``work``.

    The passes are interleaved (one pass of each in turn, until each has run
    for ``seconds``), so a machine busy with other work slows all of them
    alike and the ratio stays fair.
    """
    for fn in fns.values():
        for body, url in work:
            fn(body, url)
    gc.collect()
    spent = dict.fromkeys(fns, 0.0)
    done = dict.fromkeys(fns, 0)
    while min(spent.values()) < seconds:
        for name, fn in fns.items():
            start = time.perf_counter()
            for body, url in work:
                fn(body, url)
            spent[name] += time.perf_counter() - start
            done[name] += len(work)
    return {name: done[name] / spent[name] for name in fns}


def write_pages(folder: Path, count: int) -> tuple[list[str], Path, list[int]]:
    """``count`` portal pages as files, and a manifest (path TAB url) for the trafilatura script."""
    files: list[str] = []
    sizes: list[int] = []
    lines: list[str] = []
    for i, art in enumerate(synthetic_articles(count, load_corpus())):
        data = render_portal_article(art).encode("utf-8")
        path = folder / f"page-{i:05d}.html"
        path.write_bytes(data)
        files.append(str(path))
        sizes.append(len(data))
        lines.append(f"{path}\t{art['url']}\n")
    manifest = folder / "manifest.tsv"
    manifest.write_text("".join(lines), "utf-8")
    return files, manifest, sizes


def _run(argv: list[str], expect_lines: int) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    lines = proc.stdout.count(b"\n")
    if proc.returncode != 0 or lines != expect_lines:
        sys.exit(f"{argv[0]} failed (exit {proc.returncode}, {lines} records of {expect_lines}): "
                 f"{proc.stderr.decode('utf-8', 'replace')[-500:]}")
    return elapsed


def whole_process(count: int, rounds: int) -> dict[str, float | int | str]:
    """Pages per second of whole processes over ``count`` files, ``rounds`` runs of each in turn."""
    cli = shutil.which("kyanh-archive", path=str(Path(sys.executable).parent)) or shutil.which("kyanh-archive")
    if cli is None:
        sys.exit("the kyanh-archive command is not installed: python -m pip install -e .")
    with tempfile.TemporaryDirectory(prefix="kyanh-bench-") as tmp:
        folder = Path(tmp)
        files, manifest, sizes = write_pages(folder, count)
        script = folder / "trafilatura_extract.py"
        script.write_text(TRAFILATURA_SCRIPT, "utf-8")
        ours_argv = [cli, "extract", "--json", *files]
        traf_argv = [sys.executable, str(script), str(manifest)]
        one = folder / "one.tsv"
        one.write_text(manifest.read_text("utf-8").splitlines(keepends=True)[0], "utf-8")
        # Warm the file cache and the bytecode caches once, untimed.
        _run(ours_argv[:4], 1)
        _run([sys.executable, str(script), str(one)], 1)
        ours: list[float] = []
        traf: list[float] = []
        ours_one: list[float] = []
        traf_one: list[float] = []
        for _ in range(rounds):
            ours.append(_run(ours_argv, count))
            traf.append(_run(traf_argv, count))
            ours_one.append(_run(ours_argv[:4], 1))
            traf_one.append(_run([sys.executable, str(script), str(one)], 1))
    return {
        "files": count,
        "rounds": rounds,
        "file_kb_mean": round(statistics.mean(sizes) / 1024, 1),
        "file_kb_min": round(min(sizes) / 1024, 1),
        "file_kb_max": round(max(sizes) / 1024, 1),
        "kyanh_archive_pages_per_s": round(count * rounds / sum(ours), 1),
        "trafilatura_pages_per_s": round(count * rounds / sum(traf), 1),
        "ratio": round(sum(traf) / sum(ours), 1),
        "kyanh_archive_one_page_s": round(min(ours_one), 3),
        "trafilatura_one_page_s": round(min(traf_one), 3),
    }


def accuracy() -> None:
    """Per layout, over the annotated corpus: exact title/time/body and the people F1 (tests/support/scoring.py)."""
    from tests.support import render
    from tests.support.render_plain import render_plain_article
    from tests.support.scoring import Score

    from huyenkyanh_archive.vietnamese import collapse_space

    layouts = {
        "portal": lambda a: (render.render_portal_article(a).encode(), a["url"]),
        "portal+clutter": lambda a: (render.render_portal_cluttered(a).encode(), a["url"]),
        "newspaper": lambda a: (render.render_newspaper_article(a).encode(), None),
        "newspaper+clutter": lambda a: (render.render_newspaper_article(a, clutter=True).encode(), None),
        "newspaper, byline only printed": lambda a: (render.render_newspaper_article(a, ld_author=False).encode(), None),
        "table (windows-1258)": lambda a: (render.render_table_article(a), a["url"]),
        "table+clutter": lambda a: (render.render_table_article(a, clutter=True), a["url"]),
        "table, charset undeclared": lambda a: (render.render_table_article(a, declare_charset=False), a["url"]),
        "plain paragraphs, byline unmarked": lambda a: (render_plain_article(a).encode(), a["url"]),
        "plain + comment-form text": lambda a: (render_plain_article(a, comment_form=True).encode(), a["url"]),
    }
    corpus = load_corpus()
    print(f"{len(corpus)} annotated articles per layout")
    print(f"{'layout':34} {'title':>7} {'time':>7} {'body':>7} {'names F1':>9} {'pairs F1':>9} {'authors F1':>11}")
    for name, make in layouts.items():
        score = Score()
        title = time_ok = body = 0
        for a in corpus:
            page, url = make(a)
            art = extract_article(page, url)
            title += art.title == collapse_space(a["title"])
            time_ok += art.published_at == a["published_at"]
            expected = [a["lead"]] + [b["text"] for b in a["blocks"] if b["type"] == "p"]
            body += art.body == "\n\n".join(collapse_space(t) for t in expected)
            score.add(a, art.attendees, art.authors)
        n = len(corpus)
        print(f"{name:34} {title:>3}/{n:<3} {time_ok:>3}/{n:<3} {body:>3}/{n:<3} "
              f"{score.name.f1:9.3f} {score.pair.f1:9.3f} {score.author.f1:11.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum in-process timing per extractor")
    parser.add_argument("--files", type=int, default=600, help="pages in the whole-process run (at least 1)")
    parser.add_argument("--rounds", type=int, default=3, help="whole-process runs of each side, in turn")
    parser.add_argument("--no-process", action="store_true", help="in-process figures only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--accuracy", action="store_true", help="per-layout exactness and people F1 instead of timing")
    args = parser.parse_args()
    if args.accuracy:
        accuracy()
        return
    try:
        import trafilatura
    except ImportError as exc:
        sys.exit(f"trafilatura is needed for the baseline: python -m pip install '.[bench]' ({exc})")

    work = pages()
    sizes = [len(b) for b, _ in work]
    profile = default_profile()

    def ours(body: bytes, url: str) -> object:
        return extract_article(body, url)

    def ours_page_only(body: bytes, url: str) -> object:
        # Decoding and the page fields, without the byline and people parsers.
        return extract_page(decode_html(body), url, profile)

    def traf(body: bytes, url: str) -> object:
        return trafilatura.bare_extraction(body, url=url, with_metadata=True)

    def traf_fast(body: bytes, url: str) -> object:
        return trafilatura.bare_extraction(body, url=url, with_metadata=True, fast=True)

    # What each gives on these pages: fields with a value, and whether the title is right.
    sample = [extract_article(b, u) for b, u in work]
    ours_fields = statistics.mean(
        sum(1 for k, v in a.to_dict().items() if v not in (None, "", []) and k not in ("source", "extractor_version"))
        for a in sample
    )
    titles_ok = sum(a.title == c["title"] for a, c in zip(sample, load_corpus(), strict=True))
    traf_docs = [traf(b, u) for b, u in work]
    traf_fields = statistics.mean(
        sum(1 for k in ("title", "date", "author", "categories", "text", "url", "sitename", "description", "tags")
            if getattr(d, k, None)) for d in traf_docs if d is not None
    )

    measured = rates({"ours": ours, "page": ours_page_only, "traf": traf, "fast": traf_fast}, work, args.seconds)
    ours_rate, page_rate, traf_rate, fast_rate = (measured[k] for k in ("ours", "page", "traf", "fast"))
    result: dict[str, object] = {
        "trafilatura_settings": TRAFILATURA_SETTINGS,
        "single_process_both": True,
        "in_process": {
            "pages": len(work),
            "page_kb_min": round(min(sizes) / 1024, 1),
            "page_kb_mean": round(statistics.mean(sizes) / 1024, 1),
            "page_kb_max": round(max(sizes) / 1024, 1),
            "kyanh_archive_pages_per_s": round(ours_rate, 1),
            "kyanh_archive_page_fields_only_pages_per_s": round(page_rate, 1),
            "trafilatura_pages_per_s": round(traf_rate, 1),
            "trafilatura_fast_with_metadata_pages_per_s": round(fast_rate, 1),
            "ratio": round(ours_rate / traf_rate, 1),
            "ratio_vs_fast_with_metadata": round(ours_rate / fast_rate, 1),
            "kyanh_archive_fields_per_page": round(ours_fields, 1),
            "trafilatura_fields_per_page": round(traf_fields, 1),
            "kyanh_archive_titles_exact": f"{titles_ok}/{len(work)}",
        },
        "goal_ratio": GOAL,
        "trafilatura_version": trafilatura.__version__,
        "python": platform.python_version(),
    }
    if not args.no_process:
        result["whole_process"] = whole_process(max(1, args.files), max(1, args.rounds))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    inp = result["in_process"]
    assert isinstance(inp, dict)
    print(f"Python {result['python']}, trafilatura {result['trafilatura_version']} ({TRAFILATURA_SETTINGS}); "
          "both single-process")
    print(f"in-process: {len(work)} portal pages, {inp['page_kb_min']}-{inp['page_kb_max']} KB "
          f"(mean {inp['page_kb_mean']} KB), interleaved passes, >= {args.seconds:g} s each")
    print(f"  kyanh-archive extract_article          {ours_rate:8.1f} pages/s  "
          f"({1000 / ours_rate:6.2f} ms/page, {ours_fields:.1f} fields/page, titles exact {titles_ok}/{len(work)})")
    print(f"    of which page fields (no people)     {page_rate:8.1f} pages/s  ({1000 / page_rate:6.2f} ms/page)")
    print(f"  trafilatura with_metadata=True         {traf_rate:8.1f} pages/s  "
          f"({1000 / traf_rate:6.2f} ms/page, {traf_fields:.1f} fields/page)")
    print(f"  trafilatura with_metadata, fast=True   {fast_rate:8.1f} pages/s  ({1000 / fast_rate:6.2f} ms/page)")
    verdict = "meets" if ours_rate / traf_rate >= GOAL else "is short of"
    print(f"  ratio {ours_rate / traf_rate:.1f}x: {verdict} the {GOAL:.0f}x goal "
          f"(vs fast=True: {ours_rate / fast_rate:.1f}x)")
    whole = result.get("whole_process")
    if isinstance(whole, dict):
        print(f"whole process: {whole['files']} files, {whole['file_kb_min']}-{whole['file_kb_max']} KB "
              f"(mean {whole['file_kb_mean']} KB), {whole['rounds']} runs of each in turn, start-up included")
        print(f"  kyanh-archive extract --json FILE...   {whole['kyanh_archive_pages_per_s']:8.1f} pages/s  "
              f"(one page: {whole['kyanh_archive_one_page_s']:.3f} s)")
        print(f"  trafilatura script, one JSON line/page {whole['trafilatura_pages_per_s']:8.1f} pages/s  "
              f"(one page: {whole['trafilatura_one_page_s']:.3f} s)")
        ratio = float(whole["ratio"])
        verdict = "meets" if ratio >= GOAL else "is short of"
        print(f"  ratio {ratio:.1f}x: {verdict} the {GOAL:.0f}x goal")


if __name__ == "__main__":
    main()
