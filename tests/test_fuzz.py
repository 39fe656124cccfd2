"""Property-based fuzzing (hypothesis) of the extractor and the date, byline and people parsers.

The other hypothesis tests check that nothing raises. These check what must
hold of every answer: a date printed in any of the portal's forms, inside
any text, is read back as the same moment; ISO values from meta tags keep
their instant; byline names come back as written; the people found are
named in the text; a portal page rendered from random text gives that text
back.

Bounded in CI (a few seconds each, derandomised). Longer on demand::

    HYPOTHESIS_PROFILE=long python -m pytest -q tests/test_fuzz.py     # 20,000 examples each, random
    FUZZ_EXAMPLES=2000 python -m pytest -q tests/test_fuzz.py          # any count
"""

from __future__ import annotations

import os
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.errors import ExtractError
from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.extract.bylines import parse_byline
from huyenkyanh_archive.extract.dates import VN_TZ, find_date, find_dates, parse_iso
from huyenkyanh_archive.extract.people import extract_attendees
from huyenkyanh_archive.vietnamese import collapse_space, compare_key, nfc
from tests.support.render import load_corpus, render_portal_article

_LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (20_000 if _LONG else 0))


def fuzz(ci_examples: int) -> settings:
    return settings(
        max_examples=_EXAMPLES or ci_examples,
        deadline=None,
        derandomize=not _LONG,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
words = st.text(alphabet=VIET + VIET.upper()[:40], min_size=1, max_size=8)
prose = st.lists(words, min_size=0, max_size=12).map(" ".join)
noise = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)

# -- dates -------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2040, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0))
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


def printed(d: datetime, form: int) -> tuple[str, str]:
    """(text as a portal prints it, expected iso)."""
    iso_time = d.replace(tzinfo=VN_TZ).isoformat()
    dd, mm, yy, hh, mi = d.day, d.month, d.year, d.hour, d.minute
    return [
        (f"{hh:02d}:{mi:02d} {dd:02d}/{mm:02d}/{yy}", iso_time),
        (f"{WEEKDAYS[d.weekday()]}, {dd:02d}/{mm:02d}/{yy} - {hh:02d}:{mi:02d}", iso_time),
        (f"{dd}/{mm}/{yy} {hh}h{mi:02d}", iso_time),
        (f"{dd:02d}-{mm:02d}-{yy} | {hh:02d}:{mi:02d}", iso_time),
        (f"ngày {dd} tháng {mm} năm {yy}", d.date().isoformat()),
        (f"{dd:02d}/{mm:02d}/{yy}", d.date().isoformat()),
    ][form]


@fuzz(300)
@given(moments, st.integers(0, 5), prose, prose)
def test_a_printed_date_inside_any_text_reads_back_as_the_same_moment(d: datetime, form: int, before: str,
                                                                     after: str) -> None:
    text_date, iso = printed(d, form)
    # A word AM/PM/SA/CH right after a time is its meridiem ("09:33 PM"), not other text.
    assume(not after.split() or after.split()[0].upper() not in ("AM", "PM", "SA", "CH"))
    text = f"{before} {text_date} {after}".strip()
    found = find_date(text)
    assert found is not None, text
    assert found.iso == iso, (text, found)
    assert text[found.start:].lstrip().startswith(found.text)


@fuzz(300)
@given(st.text(max_size=200))
def test_every_date_found_is_real_and_is_where_it_says(text: str) -> None:
    for found in find_dates(text):
        assert found.text and found.text in text[found.start:]
        if "T" in found.iso:
            moment = datetime.fromisoformat(found.iso)
            assert moment.utcoffset() == timedelta(hours=7)
        else:
            datetime.strptime(found.iso, "%Y-%m-%d")


@fuzz(300)
@given(st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2040, 12, 31),
                    timezones=st.sampled_from([UTC, VN_TZ, timezone(timedelta(hours=-5)),
                                               timezone(timedelta(hours=9, minutes=30))])),
       st.sampled_from(["iso", "z", "compact-offset", "space"]))
def test_an_iso_value_keeps_its_instant_in_vietnam_time(d: datetime, style: str) -> None:
    d = d.replace(microsecond=0)
    value = d.isoformat()
    if style == "z" and d.utcoffset() == timedelta(0):
        value = value.replace("+00:00", "Z")
    elif style == "compact-offset":
        value = value[:-3] + value[-2:]  # +07:00 -> +0700
    elif style == "space":
        value = value.replace("T", " ", 1)
    out = parse_iso(value)
    assert out is not None, value
    moment = datetime.fromisoformat(out)
    assert moment.utcoffset() == timedelta(hours=7) and moment == d, (value, out)


# -- bylines -----------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Hồ", "Dương"]
GIVEN = ["Trà Giang", "Anh Đức", "Thu Hà", "Minh Tuấn", "Hồng Nhung", "Quang Huy", "Ngọc Lan", "Đình Nhật",
         "Thanh Hương", "Hữu Thắng", "Thảo", "Phương", "Thị Thu Hà", "Văn Chung"]
author = st.builds(lambda f, g, full: f"{f} {g}" if full else g, st.sampled_from(FAMILY), st.sampled_from(GIVEN),
                   st.booleans()).filter(lambda n: len(n.split()) >= 2)
SEPARATORS = [" - ", " – ", ", ", "; ", " và ", "-"]
LABELS = ["", "Bài và ảnh: ", "Tin, ảnh: ", "Bài, ảnh: "]


@fuzz(300)
@given(st.lists(author, min_size=1, max_size=4, unique_by=compare_key), st.sampled_from(SEPARATORS),
       st.sampled_from(LABELS), st.booleans())
def test_byline_names_come_back_as_written(names: list[str], sep: str, label: str, decompose: bool) -> None:
    text = label + sep.join(names)
    if decompose:
        text = unicodedata.normalize("NFD", text)
    got = parse_byline(text)
    assert [compare_key(a) for a in got.authors] == [compare_key(n) for n in names], text
    assert all(a == nfc(a) for a in got.authors)


@fuzz(300)
@given(st.text(max_size=120))
def test_byline_authors_are_taken_from_the_text(text: str) -> None:
    got = parse_byline(text)
    whole = compare_key(text)
    for name in got.authors:
        assert name and name == collapse_space(nfc(name))
        assert compare_key(name) in whole, (text, name)
    if got.source_name:
        assert compare_key(got.source_name) in whole


# -- people ------------------------------------------------------------------------

ROLES = ["Bí thư Huyện ủy", "Chủ tịch UBND huyện", "Phó Chủ tịch UBND xã Kỳ Tân", "Trưởng phòng Tài chính"]
sentence = st.one_of(
    prose,
    st.builds(lambda n, r, p: f"Đồng chí {n}, {r} {p}.", author, st.sampled_from(ROLES), prose),
    st.builds(lambda r, n: f"{r} {n} phát biểu.", st.sampled_from(ROLES), author),
    noise,
)


@fuzz(200)
@given(prose, st.lists(sentence, max_size=6))
def test_every_person_found_is_named_in_the_text(title: str, paragraphs: list[str]) -> None:
    people = extract_attendees(title, paragraphs)
    whole = compare_key(" ".join([title, *paragraphs]))
    keys = [compare_key(p.name) for p in people]
    assert len(keys) == len(set(keys))  # each person once
    for p in people:
        assert p.name == nfc(p.name) and compare_key(p.name) in whole, p.name
        for role in p.roles:
            assert compare_key(role) in whole, role


# -- the whole extractor -----------------------------------------------------------

SEED = load_corpus()[0]
# Real prose: the corpus's own words in random order (random letters trip the clutter filters,
# which rightly drop junk lines), with markup-like text slipped in.
VOCAB = sorted({w for a in load_corpus() for b in a["blocks"] if b["type"] == "p"
                for w in b["text"].split() if w.isalpha()})
real_words = st.lists(st.sampled_from(VOCAB), min_size=8, max_size=40)
MARKUP = ["<b>", "&amp;", "a<b", "\"x\"", "'", "&", "</p>", "<script>"]


@st.composite
def real_prose(draw: st.DrawFn) -> str:
    ws = draw(real_words)
    for at, token in draw(st.lists(st.tuples(st.integers(0, len(ws)), st.sampled_from(MARKUP)), max_size=2)):
        ws.insert(at, token)
    return " ".join(ws).capitalize() + "."


title_text = st.lists(st.sampled_from(VOCAB), min_size=4, max_size=14).map(lambda ws: " ".join(ws).capitalize())
markup_prose = real_prose()


@fuzz(120)
@given(title_text, markup_prose, st.lists(markup_prose, min_size=1, max_size=5), moments)
def test_a_portal_page_of_random_text_gives_that_text_back(title: str, lead: str, paragraphs: list[str],
                                                           when: datetime) -> None:
    texts = [collapse_space(t) for t in (title, lead, *paragraphs)]
    # A paragraph repeating the title or another paragraph is page furniture the extractor may drop.
    assume(len(set(texts)) == len(texts))
    # Nor a paragraph that is another's beginning: a summary cut short, which the extractor drops.
    stems = [t.rstrip(".") for t in texts]
    assume(not any(a != b and b.startswith(a) for a in stems for b in stems))
    article = dict(
        SEED, title=title, lead=lead, blocks=[{"type": "p", "text": t} for t in paragraphs], byline=None,
        related=[], published_at=when.replace(tzinfo=VN_TZ).isoformat(),
        date_text=f"{when.hour:02d}:{when.minute:02d} {when.day:02d}/{when.month:02d}/{when.year}",
    )
    try:
        rec = extract_article(render_portal_article(article).encode("utf-8"), SEED["url"])
    except ExtractError as exc:  # pragma: no cover - would fail below anyway
        raise AssertionError(f"a well-formed page was refused: {exc}") from None
    assert rec.title == collapse_space(title)
    assert rec.published_at == article["published_at"]
    body = rec.body or ""
    for text in [lead, *paragraphs]:
        assert collapse_space(text) in body, (text, body[:300])
    assert rec.body == nfc(body)  # markup-like text ("a<b", "&amp;", "</p>") came back as text, above
