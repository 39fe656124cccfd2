"""Printed Vietnamese dates and ISO meta values -> Vietnam time."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huyenkyanh_archive.extract.dates import VN_TZ, find_date, find_dates, parse_iso


@pytest.mark.parametrize(
    ("text", "iso", "printed"),
    [
        ("09:33 03/02/2023", "2023-02-03T09:33:00+07:00", "09:33 03/02/2023"),
        ("Thứ Sáu, 03/02/2023 - 09:33", "2023-02-03T09:33:00+07:00", "Thứ Sáu, 03/02/2023 - 09:33"),
        ("Ngày đăng: 03/02/2023 09:33", "2023-02-03T09:33:00+07:00", "03/02/2023 09:33"),
        ("Cập nhật 03/02/2023 09:33:41", "2023-02-03T09:33:41+07:00", "03/02/2023 09:33:41"),
        ("09:33 | 03/02/2023", "2023-02-03T09:33:00+07:00", "09:33 | 03/02/2023"),
        ("(03-02-2023)", "2023-02-03", "03-02-2023"),
        ("3/2/2023", "2023-02-03", "3/2/2023"),
        ("Chủ Nhật, 5/2/2023, 07:05 PM", "2023-02-05T19:05:00+07:00", "Chủ Nhật, 5/2/2023, 07:05 PM"),
        ("Thứ 6, 03/02/2023 | 9h33", "2023-02-03T09:33:00+07:00", "Thứ 6, 03/02/2023 | 9h33"),
        ("Hà Tĩnh, ngày 3 tháng 2 năm 2023", "2023-02-03", "ngày 3 tháng 2 năm 2023"),
        ("Đăng lúc 23:59 31/12/2019 bởi BBT", "2019-12-31T23:59:00+07:00", "23:59 31/12/2019"),
        # A 24-hour time with a stray AM/PM marker: the hour says it all; the date is kept.
        ("13:00 AM 03/02/2023", "2023-02-03T13:00:00+07:00", "13:00 AM 03/02/2023"),
        ("03/02/2023 - 21:15 PM", "2023-02-03T21:15:00+07:00", "03/02/2023 - 21:15 PM"),
        ("12:10 AM 03/02/2023", "2023-02-03T00:10:00+07:00", "12:10 AM 03/02/2023"),
    ],
)
def test_printed_forms(text: str, iso: str, printed: str) -> None:
    found = find_date(text)
    assert found is not None
    assert (found.iso, found.text) == (iso, printed)


@pytest.mark.parametrize(
    "text",
    ["", "Kỳ họp thứ 8, HĐND huyện khóa XX", "31/02/2023", "12/2023", "10:30", "03/13/2023", "1.2.3.2023", "2023/02/03x"],
)
def test_no_date_where_there_is_none(text: str) -> None:
    assert find_date(text) is None


def test_invalid_dates_are_skipped_not_fatal() -> None:
    assert [d.iso for d in find_dates("31/02/2023 rồi 01/03/2023 09:00")] == ["2023-03-01T09:00:00+07:00"]


def test_a_date_inside_a_number_is_no_date() -> None:
    assert find_date("Văn bản số 1203/02/2023-UBND") is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2023-02-03T02:33:00Z", "2023-02-03T09:33:00+07:00"),
        ("2023-02-03T02:33:00+00:00", "2023-02-03T09:33:00+07:00"),
        ("2023-02-03T09:33:00+07:00", "2023-02-03T09:33:00+07:00"),
        ("2023-02-03T09:33:00", "2023-02-03T09:33:00+07:00"),  # no offset: Vietnam time
        ("2023-02-03 09:33:00", "2023-02-03T09:33:00+07:00"),
        ("2023-02-03T09:33:00.123456+0700", "2023-02-03T09:33:00+07:00"),
        ("2023-02-02T20:00:00-05:00", "2023-02-03T08:00:00+07:00"),
        ("2023-02-03", "2023-02-03"),
    ],
)
def test_iso_meta_values_in_vietnam_time(value: str, iso: str) -> None:
    assert parse_iso(value) == iso


@pytest.mark.parametrize(
    "value",
    [None, "", "hôm qua", "2023-13-01", "2023-02-30T10:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"],
)
def test_bad_iso_values(value: str | None) -> None:
    assert parse_iso(value) is None


_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_FORMS = (
    lambda m: f"{m:%H:%M %d/%m/%Y}",
    lambda m: f"{_WEEKDAYS[m.weekday()]}, {m:%d/%m/%Y - %H:%M}",
    lambda m: f"{m:%d/%m/%Y %H:%M}",
    lambda m: f"{m:%H:%M | %d/%m/%Y}",
    lambda m: f"{m:%d-%m-%Y %H:%M}",
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    moment=st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2035, 12, 31)),
    form=st.sampled_from(range(len(_FORMS))),
    before=st.sampled_from(["", "Ngày đăng: ", "Cập nhật lúc ", "(", "Kỳ họp thứ 8 - "]),
    after=st.sampled_from(["", ")", " | Lượt xem: 1203", ". Tin: Trà Giang"]),
)
def test_every_printed_form_round_trips(moment: datetime, form: int, before: str, after: str) -> None:
    moment = moment.replace(second=0, microsecond=0)
    printed = _FORMS[form](moment)
    found = find_date(before + printed + after)
    assert found is not None
    assert found.text == printed
    assert found.iso == moment.replace(tzinfo=VN_TZ).isoformat()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(moment=st.datetimes(timezones=st.timezones()))
def test_any_iso_instant_comes_back_as_the_same_instant_in_vietnam_time(moment: datetime) -> None:
    iso = parse_iso(moment.isoformat())
    if moment.year in (1, 9999) and iso is None:
        return  # the instant is outside the calendar in Vietnam time
    assert iso is not None and iso.endswith("+07:00")
    # Compare instants, not datetimes: PEP 495 makes an inter-zone comparison of
    # a time in a DST fold (e.g. 01:00 on a fall-back night) always unequal.
    assert datetime.fromisoformat(iso).timestamp() == moment.replace(microsecond=0).timestamp()
