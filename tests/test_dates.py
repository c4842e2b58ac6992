from __future__ import annotations

from datetime import date

import pytest

from bot.guidance.dates import describe_date, parse_due_date

TODAY = date(2026, 11, 22)  # a Sunday
A_FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next Friday", date(2026, 11, 27)),
        ("Friday", date(2026, 11, 27)),
        ("this Friday", date(2026, 11, 27)),
        ("next fri", date(2026, 11, 27)),
        ("Sunday", date(2026, 11, 29)),
        ("next Sunday", date(2026, 11, 29)),
        ("this Sunday", date(2026, 11, 22)),
        ("tomorrow", date(2026, 11, 23)),
        ("today", date(2026, 11, 22)),
        ("the day after tomorrow", date(2026, 11, 24)),
        ("in two weeks", date(2026, 12, 6)),
        ("in 3 days", date(2026, 11, 25)),
        ("in three days", date(2026, 11, 25)),
        ("in 2 months", date(2027, 1, 22)),
        ("in twelve weeks", date(2027, 2, 14)),
        ("in a week", date(2026, 11, 29)),
        ("in a month", date(2026, 12, 22)),
        ("in a fortnight", date(2026, 12, 6)),
        ("in 2 may be 3 weeks", date(2026, 12, 13)),  # "maybe" split in two: not the 2nd of May
        ("by 2 May", date(2027, 5, 2)),
        ("next week", date(2026, 11, 23)),
        ("end of next week", date(2026, 11, 27)),
        ("end of the week", date(2026, 11, 27)),
        ("this week", date(2026, 11, 27)),
        ("end of the month", date(2026, 11, 30)),
        ("end of this month", date(2026, 11, 30)),
        ("by the end of the month", date(2026, 11, 30)),
        ("end of next month", date(2026, 12, 31)),
        ("on 3 March", date(2027, 3, 3)),
        ("3 March", date(2027, 3, 3)),
        ("15 December", date(2026, 12, 15)),
        ("Friday 4 December", date(2026, 12, 4)),
        ("the 15th", date(2026, 12, 15)),
    ],
)
def test_phrases_are_read_relative_to_today(text, expected):
    assert parse_due_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-01-10", date(2027, 1, 10)),
        ("2027/01/10", date(2027, 1, 10)),
        ("03/04/2027", date(2027, 4, 3)),  # day first: 3 April
        ("10/01/2027", date(2027, 1, 10)),
    ],
)
def test_numeric_dates_are_iso_or_day_first(text, expected):
    assert parse_due_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("by next Friday", date(2026, 11, 27)),
        ("By next Friday.", date(2026, 11, 27)),
        ("I want it done by next Friday", date(2026, 11, 27)),
        ("I want to have it done by next Friday", date(2026, 11, 27)),
        ("before 15 December", date(2026, 12, 14)),
        ("by 15 December", date(2026, 12, 15)),
        ("no later than Friday!", date(2026, 11, 27)),
        ("Friday at the latest", date(2026, 11, 27)),
        ("I'd say next Friday", date(2026, 11, 27)),
        ("probably Friday", date(2026, 11, 27)),
        ("until 3 March", date(2027, 3, 3)),
        ("around the end of the month", date(2026, 11, 30)),
        ("in two weeks' time", date(2026, 12, 6)),
        ("I'd like it done by the end of next week", date(2026, 11, 27)),
        ("I could do it the day after tomorrow", date(2026, 11, 24)),
        ("I can do it sometime next week", date(2026, 11, 23)),
        ("I will send it in 2 weeks, I think", date(2026, 12, 6)),
    ],
)
def test_filler_words_around_the_date_are_ignored(text, expected):
    assert parse_due_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I don't know",
        "soon",
        "whenever",
        "no idea",
        "",
        "   ",
        "maybe",
        "I may do it soon",
        "not now",
        "whenever I have a second",
        "2",
        "one",
        "31 November",
        "2027-13-01",
    ],
)
def test_answers_without_a_readable_date_give_none(text):
    assert parse_due_date(text, TODAY) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next Friday", date(2026, 12, 4)),  # strictly after today: a week on
        ("Friday", date(2026, 12, 4)),
        ("this Friday", date(2026, 11, 27)),  # today
        ("end of the week", date(2026, 11, 27)),
        ("end of next week", date(2026, 12, 4)),
        ("next week", date(2026, 11, 30)),
    ],
)
def test_weekdays_asked_on_that_weekday(text, expected):
    assert parse_due_date(text, A_FRIDAY) == expected


def test_past_dates_are_returned_not_rejected():
    assert parse_due_date("2026-01-05", TODAY) == date(2026, 1, 5)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 11, 27), "Friday 27 November"),
        (date(2027, 3, 3), "Wednesday 3 March 2027"),
        (date(2026, 11, 23), "Monday 23 November (tomorrow)"),
        (date(2026, 11, 22), "Sunday 22 November (today)"),
    ],
)
def test_dates_are_described_in_words(day, expected):
    assert describe_date(day, TODAY) == expected


def test_inside_brackets_a_date_says_tomorrow_first_so_that_brackets_do_not_nest():
    assert describe_date(date(2026, 11, 23), TODAY, in_brackets=True) == "tomorrow, Monday 23 November"
    assert describe_date(date(2026, 11, 27), TODAY, in_brackets=True) == "Friday 27 November"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("mid December", date(2026, 12, 15)),
        ("by mid-January", date(2027, 1, 15)),
        ("early March", date(2027, 3, 5)),
        ("late November", date(2026, 11, 25)),
        ("early November", date(2027, 11, 5)),
    ],
)
def test_parts_of_a_month(phrase, expected):
    assert parse_due_date(phrase, date(2026, 11, 22)) == expected
