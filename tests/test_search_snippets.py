"""Search snippets: the original text of a hit, its query terms marked.

Unit tests call :func:`snippets.snippet` on texts written here; the search tests
read the snippets of the crawled corpus (tests/query_archive.py) and check them
against the stored article text with an independent fold (``plain``).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.query.ftsquery import parse
from huyenkyanh_archive.query.snippets import snippet
from huyenkyanh_archive.vietnamese import fold
from tests.support.query_archive import plain

MARK_RE = re.compile("«(.*?)»", re.S)


def snip(query_text: str, *fields: str | None, tokens: int = 24) -> str:
    return snippet(fields, parse(query_text).positive, tokens=tokens)


def marked(text: str) -> list[str]:
    return MARK_RE.findall(text)


def unmarked(text: str) -> str:
    return text.replace("«", "").replace("»", "").strip("…")


# -- the snippet function --------------------------------------------------------


def test_a_query_without_diacritics_marks_the_original_words() -> None:
    text = "Bí thư Đảng ủy xã Kỳ Tân dự hội nghị"
    assert snip("dang uy", text) == "Bí thư «Đảng» «ủy» xã Kỳ Tân dự hội nghị"
    assert snip("ĐẢNG ỦY", text) == snip("dang uy", text)


def test_old_and_new_tone_placement_are_the_same_word() -> None:
    assert snip("huyen uy", "Thường trực Huyện uỷ họp") == "Thường trực «Huyện» «uỷ» họp"
    assert snip("hoà", "thôn Hòa Lạc và thôn Hoà Bình") == "thôn «Hòa» Lạc và thôn «Hoà» Bình"


def test_only_whole_words_are_marked() -> None:
    assert snip("hoa", "Khoa học, hoan nghênh, hoa") == "Khoa học, hoan nghênh, «hoa»"
    assert snip("uy", "Huy hiệu, uy tín") == "Huy hiệu, «uy» tín"


def test_a_prefix_marks_every_word_it_begins() -> None:
    text = "Ngày thành lập Đoàn thanh niên; Kỳ Thanh, Thạnh, nthanh"
    assert marked(snip("thanh*", text)) == ["thành", "thanh", "Thanh", "Thạnh"]
    assert marked(snip('"doan thanh"*', text)) == ["Đoàn thanh"]


def test_a_phrase_is_marked_whole_and_its_words_alone_are_not() -> None:
    text = "Đảng bộ xã; Bí thư Đảng uỷ xã Kỳ Xuân; uỷ ban"
    assert marked(snip('"Đảng ủy xã"', text)) == ["Đảng uỷ xã"]
    # Separators inside a phrase are the text's own: the tokenizer splits on them.
    assert marked(snip('"ky xuan"', "xã Kỳ-Xuân")) == ["Kỳ-Xuân"]
    # Occurrences that overlap are one mark.
    assert marked(snip('"xa xa"', "một xa xa xa hai")) == ["xa xa xa"]


def test_terms_under_not_are_never_marked() -> None:
    text = "Hội đồng nhân dân huyện và tỉnh; huyện Kỳ Anh"
    out = snip("huyen NOT tinh", text)
    assert marked(out) == ["huyện", "huyện"] and "tỉnh" in out
    assert marked(snip("(huyen OR ky) NOT (tinh OR anh)", text)) == ["huyện", "huyện", "Kỳ"]


def test_the_window_with_most_distinct_terms_wins_and_cut_ends_show_an_ellipsis() -> None:
    filler = " ".join(f"từ{i}" for i in range(60))
    body = f"{filler}. Huyện đoàn tổ chức. {filler} đoàn thanh niên huyện Kỳ Anh ra quân. {filler}"
    out = snip("thanh nien huyen", "Tiêu đề khác", "Huyện", body)
    assert out.startswith("…") and out.endswith("…")
    assert marked(out) == ["thanh", "niên", "huyện"]
    assert len(re.findall(r"[^\W_]+", unmarked(out))) == 24
    assert unmarked(out) in body


def test_a_hit_after_words_of_many_tokens_is_in_the_window() -> None:
    # Six words, eighteen tokens: counted by white space, the sentence's start looks near enough.
    text = "Tin ngắn. " + " ".join(["3/2/1930"] * 6) + " huyện Kỳ Anh. " + "Kết thúc " * 20
    out = snip("huyen", text, tokens=10)
    assert marked(out) == ["huyện"] and unmarked(out) in text


def test_the_title_wins_a_tie_and_a_short_field_is_shown_whole() -> None:
    out = snip("bao lu", "Khắc phục hậu quả bão lũ", "Người dân chống bão lũ")
    assert out == "Khắc phục hậu quả «bão» «lũ»"


def test_text_in_another_normal_form_is_shown_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân")
    out = snip("uy ban", decomposed)
    assert out == "«Ủy» «ban» nhân dân" and unicodedata.is_normalized("NFC", out)


def test_letters_beyond_latin_are_matched_as_the_index_folds_them() -> None:
    assert marked(snip("αθηναι", "ΑΘΗΝΑΙ và Ἀθῆναι, Αθήνα")) == ["ΑΘΗΝΑΙ", "Ἀθῆναι"]
    assert [fold(m) for m in marked(snip("ΑΘΗΝΑΙ", "Ἀθῆναι"))] == ["αθηναι"]
    # "ß" is its own letter: capitalised it is "SS", which folds to "ss".
    assert marked(snip("straße", "Straße, STRASE, strasse")) == ["Straße"]


def test_without_any_term_the_first_field_opens_the_snippet() -> None:
    assert snip("zzz", None, "Lời dẫn ngắn", "Thân bài") == "Lời dẫn ngắn"
    assert snip("zzz", None, None, None, None) == ""


WORDS = ["Đảng", "ủy", "uỷ", "xã", "Kỳ", "Tân", "huyện", "Hòa", "hoà", "thành", "Thanh", "niên", "2024", "Covid-19"]
# Words of several tokens: positions are counted by white space while the window is chosen.
TEXT = WORDS + [".", ",", ":", " - ", "\n", "(3/2/1930 - 3/2/2020),", "UBND-huyện", "18/11"]


def occurs(tokens: list[str], phrase: list[str], prefix: bool) -> bool:
    n = len(phrase)
    return any(
        tokens[i : i + n - 1] == phrase[:-1] and (tokens[i + n - 1].startswith(phrase[-1]) if prefix else tokens[i + n - 1] == phrase[-1])
        for i in range(len(tokens) - n + 1)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(TEXT), min_size=1, max_size=80),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.booleans(),
)
def test_any_snippet_is_the_text_with_marks_around_terms(words: list[str], terms: list[str], prefix: bool) -> None:
    text = " ".join(words)
    q = " ".join(t[:2] + "*" if prefix else t for t in terms)
    out = snippet([text], parse(q).positive, tokens=10)
    assert unmarked(out) in text
    phrases = [re.findall(r"[^\W_]+", plain(t[:2] if prefix else t)) for t in terms]
    tokens = re.findall(r"[^\W_]+", plain(text))
    if any(occurs(tokens, p, prefix) for p in phrases):
        assert marked(out), (out, q)  # the window holds a hit, however many tokens a word has
    wanted = [w for p in phrases for w in p]
    for m in marked(out):
        for word in re.findall(r"[^\W_]+", plain(m)):
            assert any(word.startswith(w) if prefix else word == w for w in wanted), (m, q)


# -- search results over the crawled corpus -------------------------------------------


@pytest.fixture(scope="module")
def archive(page_archive):  # type: ignore[no-untyped-def]
    with open_archive(page_archive[0], readonly=True) as arc:
        yield arc


@pytest.fixture(scope="module")
def texts(page_archive) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out = {}
    for p in page_archive[1]:
        r = p.record
        out[r.article_id or ""] = "\n".join([r.title or "", r.lead or "", r.body, "\n".join(r.captions)])
    return out


def check_hits(hits: list[query.SearchHit], texts: dict[str, str], ok: object) -> None:
    assert hits
    for hit in hits:
        assert marked(hit.snippet), (hit.article_id, hit.snippet)
        assert unmarked(hit.snippet) in unicodedata.normalize("NFC", texts[hit.article_id])
        for m in marked(hit.snippet):
            assert ok(plain(m)), (m, hit.snippet)  # type: ignore[operator]


def test_search_snippets_show_the_articles_diacritics(archive, texts) -> None:  # type: ignore[no-untyped-def]
    hits = query.search(archive, "dang uy", limit=50)
    check_hits(hits, texts, lambda m: m in {"dang", "uy"})
    shown = {m for h in hits for m in marked(h.snippet)}
    assert "Đảng" in shown and shown & {"ủy", "uỷ"}


def test_search_snippets_of_prefix_and_phrase_queries(archive, texts) -> None:  # type: ignore[no-untyped-def]
    check_hits(query.search(archive, "nong*", limit=50), texts, lambda m: m.startswith("nong"))
    hits = query.search(archive, '"hop tac xa"', limit=50)
    check_hits(hits, texts, lambda m: re.findall(r"[a-z0-9]+", m) == ["hop", "tac", "xa"])


def test_search_snippets_of_a_query_with_not(archive, texts) -> None:  # type: ignore[no-untyped-def]
    # Every hit has its snippet (FTS5's snippet() lost most of them with a NOT).
    hits = query.search(archive, 'huyen NOT "quoc phong"', limit=100)
    check_hits(hits, texts, lambda m: m == "huyen")
