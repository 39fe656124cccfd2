"""Extraction benchmark: kyanh-archive against trafilatura on the same portal pages, in one run.

    python -m bench.extract                 # ~2 s of timing per extractor
    python -m bench.extract --seconds 5     # longer, steadier figures
    python -m bench.extract --json          # the figures as one JSON object
    python -m bench.extract --accuracy      # per layout: exact fields and people F1, no timing

The pages are the annotated corpus rendered in the portal's markup (header
menu with its sub-menus, sidebar, footer: 40-80 KB each, like live pages).
Both extractors get the raw bytes and the URL and decode them themselves.
trafilatura runs ``bare_extraction`` with metadata and images (title, date,
author, categories, text, image captions: the nearest to the fields
kyanh-archive gives); its plain text-only ``fast`` mode is timed too.
Each is warmed up on every page first, then timed in whole passes over
the pages, one pass of each in turn, until each has run ``--seconds``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.render import load_corpus, render_portal_article

from huyenkyanh_archive.extract import default_profile, extract_article
from huyenkyanh_archive.extract.decode import decode_html
from huyenkyanh_archive.extract.page import extract_page

ROOT = Path(__file__).resolve().parent.parent

GOAL = 10.0


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


def accuracy() -> None:
    """Per layout, over the annotated corpus: exact title/time/body and the people F1 (tests/scoring.py)."""
    from tests.support import render
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
    }
    corpus = load_corpus()
    print(f"{len(corpus)} annotated articles per layout")
    print(f"{'layout':32} {'title':>7} {'time':>7} {'body':>7} {'names F1':>9} {'pairs F1':>9} {'authors F1':>11}")
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
        print(f"{name:32} {title:>3}/{n:<3} {time_ok:>3}/{n:<3} {body:>3}/{n:<3} "
              f"{score.name.f1:9.3f} {score.pair.f1:9.3f} {score.author.f1:11.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum timing per extractor")
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

    def ours(body: bytes, url: str) -> object:
        return extract_article(body, url)

    profile = default_profile()

    def ours_page_only(body: bytes, url: str) -> object:
        # Decoding and the page fields, without the byline and people parsers.
        return extract_page(decode_html(body), url, profile)

    def traf_full(body: bytes, url: str) -> object:
        return trafilatura.bare_extraction(body, url=url, with_metadata=True, include_images=True)

    def traf_fast(body: bytes, url: str) -> object:
        return trafilatura.bare_extraction(body, url=url, fast=True)

    # What each gives on these pages: fields with a value, and whether the title is right.
    sample = [extract_article(b, u) for b, u in work]
    ours_fields = statistics.mean(
        sum(1 for k, v in a.to_dict().items() if v not in (None, "", []) and k not in ("source", "extractor_version"))
        for a in sample
    )
    titles_ok = sum(a.title == c["title"] for a, c in zip(sample, load_corpus(), strict=True))
    traf_docs = [traf_full(b, u) for b, u in work]
    traf_fields = statistics.mean(
        sum(1 for k in ("title", "date", "author", "categories", "text", "url", "sitename", "description", "tags")
            if getattr(d, k, None)) for d in traf_docs if d is not None
    )

    measured = rates({"ours": ours, "page": ours_page_only, "full": traf_full, "fast": traf_fast}, work, args.seconds)
    ours_rate, page_rate, full_rate, fast_rate = (measured[k] for k in ("ours", "page", "full", "fast"))
    result = {
        "pages": len(work),
        "page_kb_min": round(min(sizes) / 1024, 1),
        "page_kb_mean": round(statistics.mean(sizes) / 1024, 1),
        "page_kb_max": round(max(sizes) / 1024, 1),
        "kyanh_archive_pages_per_s": round(ours_rate, 1),
        "kyanh_archive_page_fields_only_pages_per_s": round(page_rate, 1),
        "trafilatura_pages_per_s": round(full_rate, 1),
        "trafilatura_fast_text_only_pages_per_s": round(fast_rate, 1),
        "ratio": round(ours_rate / full_rate, 1),
        "ratio_vs_fast_text_only": round(ours_rate / fast_rate, 1),
        "goal_ratio": GOAL,
        "kyanh_archive_fields_per_page": round(ours_fields, 1),
        "trafilatura_fields_per_page": round(traf_fields, 1),
        "kyanh_archive_titles_exact": f"{titles_ok}/{len(work)}",
        "trafilatura_version": trafilatura.__version__,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{len(work)} portal pages, {result['page_kb_min']}-{result['page_kb_max']} KB "
          f"(mean {result['page_kb_mean']} KB); Python {result['python']}, trafilatura {result['trafilatura_version']}")
    print(f"  kyanh-archive extract_article         {ours_rate:8.1f} pages/s  "
          f"({1000 / ours_rate:6.2f} ms/page, {ours_fields:.1f} fields/page, titles exact {titles_ok}/{len(work)})")
    print(f"    of which page fields (no people)    {page_rate:8.1f} pages/s  ({1000 / page_rate:6.2f} ms/page)")
    print(f"  trafilatura bare_extraction metadata  {full_rate:8.1f} pages/s  "
          f"({1000 / full_rate:6.2f} ms/page, {traf_fields:.1f} fields/page)")
    print(f"  trafilatura bare_extraction fast      {fast_rate:8.1f} pages/s  "
          f"({1000 / fast_rate:6.2f} ms/page, text only)")
    verdict = "meets" if ours_rate / full_rate >= GOAL else "is short of"
    print(f"  ratio {ours_rate / full_rate:.1f}x (vs text-only fast mode {ours_rate / fast_rate:.1f}x): "
          f"{verdict} the {GOAL:.0f}x goal")


if __name__ == "__main__":
    main()
