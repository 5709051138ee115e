"""Date helpers: the shapes pages print dates in, and what is not a date."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsdesk.extract.dates import find_byline_date, find_date, find_date_line, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-19", datetime(2019, 11, 19)),
        ("2019-11-13T23:06:00+01:00", datetime(2019, 11, 13, 22, 6)),
        ("2019-11-19T12:48:14Z", datetime(2019, 11, 19, 12, 48, 14)),
        ("Friday, October 25, 2024", datetime(2024, 10, 25)),
        ("Nov. 19, 2019, 6:18 p.m.", datetime(2019, 11, 19, 18, 18)),
        ("18 Nov 2019 9:38 pm", datetime(2019, 11, 18, 21, 38)),
        ("November 20th, 2019 - 07:29 GMT", datetime(2019, 11, 20, 7, 29)),
        ("20 ноября 2019, 14:05", datetime(2019, 11, 20, 14, 5)),
        ("2019年11月20日", datetime(2019, 11, 20)),
        ("2019.11.20 오후 10:05", datetime(2019, 11, 20, 22, 5)),
        ("11/19/2019", datetime(2019, 11, 19)),
        ("19.11.2019", datetime(2019, 11, 19)),
        ("Maret 30, 2015", datetime(2015, 3, 30)),
    ],
)
def test_parse_date(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "Published on", "2 days ago", "May the best team win", "13/13/2019", "1850-01-01"]
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_results_are_naive() -> None:
    assert parse_date("2019-11-13T23:06:00+01:00").tzinfo is None  # type: ignore[union-attr]


def test_find_date_in_sentence() -> None:
    assert find_date("He was born on May 5, 1990 in Ohio.") == datetime(1990, 5, 5)


def test_find_date_line_only_dates() -> None:
    assert find_date_line("Friday, October 25, 2024") == datetime(2024, 10, 25)
    assert find_date_line("Updated 1:39 am EST, Wednesday, November 20, 2019") == datetime(
        2019, 11, 20, 1, 39
    )
    assert find_date_line("Nov. 19, 2019 8:03 am ET") == datetime(2019, 11, 19, 8, 3)
    assert find_date_line("He was born on May 5, 1990 in Ohio.") is None
    assert find_date_line("Published on") is None


def test_find_byline_date() -> None:
    assert find_byline_date("Published 11:11 PM EST Nov 19, 2019") == datetime(2019, 11, 19, 23, 11)
    # The published date wins over the updated one on the same line.
    line = "Published: Nov. 19, 2019, 6:18 p.m. Updated: Nov. 20, 2019, 7:10 p.m."
    assert find_byline_date(line) == datetime(2019, 11, 19, 18, 18)
    assert find_byline_date("Posted on Maret 30, 2015 by Admin") == datetime(2015, 3, 30)
    assert find_byline_date("By admin - 2018-09-16") == datetime(2018, 9, 16)
    assert find_byline_date("Friday, October 25, 2024") is None
    assert find_byline_date("Published on") is None


def test_iso_offset_of_a_day_or_more_is_not_a_time_zone():
    from newsdesk.extract.dates import find_date

    found = find_date("2024-03-05T06:07+31:07 in the archive")
    assert found is not None and (found.year, found.month, found.day) == (2024, 3, 5)
