"""Every annotated article, rendered in all three layouts (and with page clutter), extracted.

Asserted over the whole set, per layout: title and published_at exact on
every page; the body is the lead and every paragraph and nothing else (no
captions, menus, sidebar, footer, related links, byline, ticker or comment
form); images absolute with their captions; related links; and the people:
attendee-name F1 >= 0.97, (name, role) F1 >= 0.93, author F1 >= 0.97.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.record import Article
from huyenkyanh_archive.vietnamese import collapse_space, nfc
from tests.support import render
from tests.support.render_plain import render_plain_article
from tests.support.scoring import Score

CORPUS = render.load_corpus()


def _portal(a: dict[str, Any]) -> tuple[bytes, str | None]:
    return render.render_portal_article(a).encode("utf-8"), a["url"]


def _portal_clutter(a: dict[str, Any]) -> tuple[bytes, str | None]:
    return render.render_portal_cluttered(a).encode("utf-8"), a["url"]


def _newspaper(a: dict[str, Any]) -> tuple[bytes, str | None]:
    # No URL given: the page's own og:url / canonical link is the address.
    return render.render_newspaper_article(a).encode("utf-8"), None


def _newspaper_clutter(a: dict[str, Any]) -> tuple[bytes, str | None]:
    return render.render_newspaper_article(a, clutter=True).encode("utf-8"), None


def _newspaper_printed_byline(a: dict[str, Any]) -> tuple[bytes, str | None]:
    # No author in the JSON-LD: the byline printed above the lead is all there is.
    return render.render_newspaper_article(a, ld_author=False).encode("utf-8"), None


def _table(a: dict[str, Any]) -> tuple[bytes, str | None]:
    return render.render_table_article(a), a["url"]


def _table_clutter(a: dict[str, Any]) -> tuple[bytes, str | None]:
    return render.render_table_article(a, clutter=True), a["url"]


def _table_undeclared(a: dict[str, Any]) -> tuple[bytes, str | None]:
    # windows-1258 bytes with no charset anywhere: recognised from the bytes.
    return render.render_table_article(a, declare_charset=False), a["url"]


LAYOUTS: dict[str, Callable[[dict[str, Any]], tuple[bytes, str | None]]] = {
    "portal": _portal,
    "portal+clutter": _portal_clutter,
    "newspaper": _newspaper,
    "newspaper+clutter": _newspaper_clutter,
    "newspaper+printed-byline": _newspaper_printed_byline,
    "table": _table,
    "table+clutter": _table_clutter,
    "table+undeclared-charset": _table_undeclared,
}

_cache: dict[str, list[tuple[dict[str, Any], Article]]] = {}


def extracted(layout: str) -> list[tuple[dict[str, Any], Article]]:
    if layout not in _cache:
        out = []
        for a in CORPUS:
            body, url = LAYOUTS[layout](a)
            out.append((a, extract_article(body, url, source=f"{layout}:{a['id']}")))
        _cache[layout] = out
    return _cache[layout]


def _norm(text: str) -> str:
    return collapse_space(nfc(text))


def expected_paragraphs(a: dict[str, Any]) -> list[str]:
    return [_norm(a["lead"])] + [_norm(b["text"]) for b in a["blocks"] if b["type"] == "p"]


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 30
    assert all(a.get("gold") for a in CORPUS)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_title_and_time_exact_on_every_page(layout: str) -> None:
    wrong = [
        (a["id"], art.title, art.published_at)
        for a, art in extracted(layout)
        if art.title != _norm(a["title"]) or art.published_at != a["published_at"]
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("layout", LAYOUTS)
def test_date_text_is_what_the_page_prints(layout: str) -> None:
    printed = {
        "portal": lambda a: a["date_text"],
        "newspaper": render.newspaper_date,
        "table": render.table_date,
    }[layout.split("+")[0]]
    wrong = [(a["id"], art.date_text) for a, art in extracted(layout) if art.date_text != printed(a)]
    assert not wrong, wrong


@pytest.mark.parametrize("layout", LAYOUTS)
def test_body_is_lead_and_every_paragraph_and_nothing_else(layout: str) -> None:
    for a, art in extracted(layout):
        paragraphs = expected_paragraphs(a)
        assert art.lead == paragraphs[0], a["id"]
        assert art.body == "\n\n".join(paragraphs), a["id"]
        # What must never leak into the body, named so a failure says which.
        leaks = [b["caption"] for b in a["blocks"] if b["type"] == "img" and b.get("caption")]
        leaks += [r["title"] for r in a["related"]] + ["Tin liên quan"]
        leaks += list(render.FOLDER_NAMES.values()) + ["Tin mới nhất", "Thủ tục hành chính", "Cơ quan chủ quản",
                                                       "Đọc nhiều", "Ngày đăng", "Trang chủ", "In bài viết"]
        leaks += [render.TICKER[:30], *render.COMMENT_FORM]
        if a["byline"]:
            leaks.append(a["byline"])
        for leak in leaks:
            # A caption may also be said in a paragraph; only text absent from them counts.
            if not any(_norm(leak) in p for p in paragraphs):
                assert _norm(leak) not in art.body, (a["id"], leak)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_images_absolute_with_captions(layout: str) -> None:
    for a, art in extracted(layout):
        imgs = [b for b in a["blocks"] if b["type"] == "img"]
        assert [i.caption for i in art.images] == [_norm(b["caption"]) if b.get("caption") else None for b in imgs], a["id"]
        for image, block in zip(art.images, imgs, strict=True):
            assert image.src.startswith(("http://", "https://")), image.src
            assert image.src.endswith(block["src"]), (image.src, block["src"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_related_links_category_byline(layout: str) -> None:
    for a, art in extracted(layout):
        assert [(r.url, r.title) for r in art.related] == [(r["url"], _norm(r["title"])) for r in a["related"]], a["id"]
        assert art.category == a["category"], a["id"]
        assert (art.byline or "") == _norm(a["byline"] or ""), a["id"]


@pytest.mark.parametrize("layout", ["portal", "table"])
def test_url_id_and_site_from_the_portal_address(layout: str) -> None:
    for a, art in extracted(layout):
        assert art.url == a["url"]
        assert art.article_id == a["url"].rsplit("/", 1)[1]
        assert art.site == "Cổng thông tin điện tử huyện Kỳ Anh"
        assert art.source == f"{layout}:{a['id']}"


def test_newspaper_url_and_site_from_its_metadata() -> None:
    for a, art in extracted("newspaper"):
        assert art.url == render.newspaper_url(a)
        assert art.article_id is None  # not an address of the portal
        assert art.site == render.NEWSPAPER_SITE


@pytest.mark.parametrize("layout", LAYOUTS)
def test_people_f1(layout: str) -> None:
    score = Score()
    for a, art in extracted(layout):
        score.add(a, art.attendees, art.authors)
    report = f"{layout}:\n{score.report()}"
    assert score.name.f1 >= 0.97, report
    assert score.pair.f1 >= 0.93, report
    assert score.author.f1 >= 0.97, report


@pytest.mark.parametrize("layout", LAYOUTS)
def test_all_text_fields_nfc(layout: str) -> None:
    import unicodedata

    for _, art in extracted(layout):
        for value in (art.title, art.lead, art.body, art.byline, art.category, *art.captions):
            if value:
                assert unicodedata.is_normalized("NFC", value)


# -- bare paragraphs, the byline unmarked (issue 11) -----------------------------------

PLAIN_LAYOUTS: dict[str, Callable[[dict[str, Any]], tuple[bytes, str | None]]] = {
    "plain": lambda a: (render_plain_article(a).encode("utf-8"), a["url"]),
    "plain+period": lambda a: (render_plain_article(a, byline_period=True).encode("utf-8"), a["url"]),
    "plain+comment-form": lambda a: (render_plain_article(a, comment_form=True).encode("utf-8"), a["url"]),
}


@pytest.mark.parametrize("layout", PLAIN_LAYOUTS)
def test_plain_paragraphs_last_name_line_is_the_byline(layout: str) -> None:
    score = Score()
    for a in CORPUS:
        body, url = PLAIN_LAYOUTS[layout](a)
        art = extract_article(body, url)
        assert art.body == "\n\n".join(expected_paragraphs(a)), a["id"]
        assert (art.byline or "").rstrip(".") == _norm(a["byline"] or "").rstrip("."), a["id"]
        score.add(a, art.attendees, art.authors)
    report = f"{layout}:\n{score.report()}"
    assert score.name.f1 >= 0.97 and score.pair.f1 >= 0.93 and score.author.f1 >= 0.97, report
