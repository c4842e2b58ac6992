"""Reading the due date a client gives for an action step ("next Friday", "in two weeks", "3 March").

dateparser does most of the work. A few phrases it gets wrong or does not know are handled
here first, each checked against dateparser 1.2.0 with RELATIVE_BASE set. Everything is
relative to the `today` argument, never the machine clock, so results are deterministic.

Meanings chosen here (dateparser has no opinion on them or reads them differently):
- "Friday" and "next Friday": the first Friday strictly after today; on a Friday that is a week
  later. This is what dateparser gives for a bare weekday, and "next" changes nothing.
- "this Friday": the first Friday on or after today, so today itself on a Friday.
- "end of the week", "end of this week", "this week": Friday, the end of the working week. On
  Saturday and Sunday the working week is over, so it is the coming Friday.
- "end of next week": the Friday of the next Monday-to-Sunday week. Asked on a weekend this is
  the same Friday as "end of the week".
- "next week": the Monday of next week (dateparser says today + 7 days).
- "end of the month", "this month": the last day of this month; "end of next month" likewise.
- "in a fortnight": 14 days. "the 15th": the next 15th of a month, on or after today.
- "by 15 December" is that date itself: it is a deadline. "before 15 December" is the day before
  ("before Christmas" is 24 December, "before Friday" is Thursday).
- "end of January" (or "end of jan"): the last day of the next January; "end of the year": 31
  December. "this weekend" or "the weekend": the coming Saturday (today on a Saturday or Sunday).
  "next month": the last day of next month. "Christmas" is 25 December, "Christmas Eve" 24,
  "New Year's Eve" 31 December, "New Year" 1 January.
- "Wednesday next week": that weekday in the week of "next week". "tonight" is today; "2moro",
  "tmrw", "next wk", "thurs" and "tues" are what they abbreviate.
- "in 2 may be 3 weeks" is "in 2 maybe 3 weeks": the later of the two (3 weeks).
- "soon", "whenever", "I don't know" give None: dateparser has no reading for them, and the
  fallback search below refuses the one-word false positives it finds in such answers.
"""

from __future__ import annotations

import datetime
import re
from typing import Callable

import dateparser
from dateparser.search import search_dates

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_FRIDAY = 4

# A rule turns the words it matched into a date, relative to today.
_Rule = Callable[[re.Match[str], datetime.date], datetime.date | None]

# Words around a date that dateparser does not understand, removed from both ends in turn.
_LEADING_FILLER = re.compile(
    r"^(?:by|until|till|til|on|around|about|for|at the latest|no later than|not later than|sometime|some time|"
    r"i'd say|i would say|let's say|say|probably|maybe|perhaps|hopefully|ideally)\b\s*"
)
_TRAILING_FILLER = re.compile(r"\s*\b(?:at the latest|probably|maybe|i think|i guess|'?s? time)$")

# Year-first numeric dates are never day-first; with DATE_ORDER "DMY" dateparser reads
# 2027-01-10 as 1 October, so these are read here.
_YEAR_FIRST = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
# A lone number is an answer to some other question; dateparser would make it a day this month.
_BARE_NUMBER = re.compile(r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve")

_FULL_WEEKDAY = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# Abbreviations only after "next"/"this": alone, "sat", "sun" and "wed" are ordinary words.
_SHORT_WEEKDAY = r"mon|tues?|wed|thu(?:rs?)?|fri|sat|sun"
# Abbreviations that are no other word stand alone too.
_LONE_SHORT_WEEKDAY = r"tues|weds|thurs|thur"
# Chat spellings, written out before anything else reads the text.
_SPELLINGS = [
    (re.compile(r"\b(?:2moro|2morrow|tmrw|tmrow|tmr|tomoz|tomorow|tomorro|tommorow|tommorrow)\b"), "tomorrow"),
    (re.compile(r"\b(?:tonight|tonite|2nite|2night|this evening|later today)\b"), "today"),
    (re.compile(r"\bnxt\b"), "next"),
    (re.compile(r"\bwks?\b"), "week"),
    # "in 2 may be 3 weeks" is "maybe" split in two, not the 2nd of May.
    (re.compile(r"\b(\d{1,2}|one|two|three|four|five|six) may be (?=(?:\d{1,2}|one|two|three|four|five|six|seven|eight)\b)"), r"\1 maybe "),
]


def _add_days(n: int) -> _Rule:
    return lambda _match, today: today + datetime.timedelta(days=n)


def _end_of_month(today: datetime.date, months_ahead: int) -> datetime.date:
    # The day before the first of the month after the one wanted.
    years, month_index = divmod(today.month + months_ahead, 12)  # month_index is 0-based
    return datetime.date(today.year + years, month_index + 1, 1) - datetime.timedelta(days=1)


def _next_monday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=7 - today.weekday())


def _end_of_week(_match: re.Match[str], today: datetime.date) -> datetime.date:
    # (Friday - weekday) % 7 counts 0 on Friday itself and rolls Saturday/Sunday on to next Friday.
    return today + datetime.timedelta(days=(_FRIDAY - today.weekday()) % 7)


def _weekday(match: re.Match[str], today: datetime.date) -> datetime.date:
    name = match["day"] or match["bare"] or match["lone"]
    target = [day[:3].lower() for day in _WEEKDAY_NAMES].index(name[:3])
    ahead = (target - today.weekday()) % 7
    if ahead == 0 and match["which"] != "this":
        ahead = 7
    return today + datetime.timedelta(days=ahead)


def _weekday_next_week(match: re.Match[str], today: datetime.date) -> datetime.date:
    target = [day[:3].lower() for day in _WEEKDAY_NAMES].index(match["day"][:3])
    return _next_monday(today) + datetime.timedelta(days=target)


def _day_of_month(match: re.Match[str], today: datetime.date) -> datetime.date | None:
    # dateparser gives "the 15th" in this month even when it has passed; take the next one.
    day = int(match["day"])
    year, month = today.year, today.month
    for _ in range(13):
        candidate = _valid_date(year, month, day)
        if candidate and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


_MONTH_PATTERN = "|".join(name.lower() for name in _MONTH_NAMES)
_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_ANY_MONTH = _MONTH_PATTERN + "|" + "|".join(_MONTH_ABBREVIATIONS)


def _month_number(name: str) -> int:
    lowered = name.lower()
    if lowered in _MONTH_ABBREVIATIONS:
        return _MONTH_ABBREVIATIONS[lowered]
    return [month.lower() for month in _MONTH_NAMES].index(lowered) + 1


def _end_of_named_month(match: re.Match[str], today: datetime.date) -> datetime.date:
    # The next such month that has not ended: this year's if it is still to come or under way.
    month = _month_number(match["month"])
    year = today.year if month >= today.month else today.year + 1
    return _end_of_month(datetime.date(year, month, 1), 0)


def _weekend(_match: re.Match[str], today: datetime.date) -> datetime.date:
    return today if today.weekday() >= 5 else today + datetime.timedelta(days=5 - today.weekday())


def _yearly(month: int, day: int) -> _Rule:
    def next_one(_match: re.Match[str], today: datetime.date) -> datetime.date:
        this_year = datetime.date(today.year, month, day)
        return this_year if this_year >= today else datetime.date(today.year + 1, month, day)

    return next_one


def _part_of_month(match: re.Match[str], today: datetime.date) -> datetime.date | None:
    # dateparser reads "mid December" as today's day number in December; "early", "mid" and
    # "late" are read as the 5th, 15th and 25th, in the next such month from today.
    day = {"early": 5, "mid": 15, "late": 25}[match["part"]]
    month = [name.lower() for name in _MONTH_NAMES].index(match["month"]) + 1
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    return _valid_date(year, month, day)


# Most specific first: in a sentence "end of next week" must win over "next week".
_RULES: list[tuple[str, _Rule]] = [
    (r"(?:the )?end of (?:the |this )?year", _yearly(12, 31)),
    (rf"(?:the )?end of (?P<month>{_ANY_MONTH})", _end_of_named_month),
    (r"christmas eve|xmas eve", _yearly(12, 24)),
    (r"christmas|xmas", _yearly(12, 25)),
    (r"new year'?s eve", _yearly(12, 31)),
    (r"new year'?s?(?: day)?", _yearly(1, 1)),
    (r"(?:this|the) weekend|weekend", _weekend),
    (r"next month", lambda _m, today: _end_of_month(today, 1)),
    (rf"(?P<part>early|mid|late)[- ]?(?P<month>{_MONTH_PATTERN})", _part_of_month),
    (r"(?:the )?end of next week", lambda _m, today: _next_monday(today) + datetime.timedelta(days=_FRIDAY)),
    (r"(?:the )?end of next month", lambda _m, today: _end_of_month(today, 1)),
    (r"(?:the )?end of (?:the |this )?week|this week", _end_of_week),
    (r"(?:the )?end of (?:the |this )?month|this month", lambda _m, today: _end_of_month(today, 0)),
    (rf"(?P<day>{_FULL_WEEKDAY}|{_SHORT_WEEKDAY}) (?:of )?next week", _weekday_next_week),
    (r"next week", lambda _m, today: _next_monday(today)),
    # dateparser's search reads "the day after tomorrow" in a sentence as tomorrow.
    (r"(?:the )?day after tomorrow", _add_days(2)),
    (r"(?:in )?(?:a|one) fortnight", _add_days(14)),
    (rf"(?P<which>next|this) (?P<day>{_FULL_WEEKDAY}|{_SHORT_WEEKDAY})|(?P<bare>{_FULL_WEEKDAY})|(?P<lone>{_LONE_SHORT_WEEKDAY})", _weekday),
    (r"(?:the )?(?P<day>\d{1,2})(?:st|nd|rd|th)", _day_of_month),
]
_PATTERNS = [(re.compile(rf"\b(?:{pattern})\b"), rule) for pattern, rule in _RULES]


def _valid_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _clean(text: str) -> str:
    cleaned = re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip(" .,!?;:")
    for spelling, meaning in _SPELLINGS:
        cleaned = spelling.sub(meaning, cleaned)
    previous = None
    while cleaned != previous:
        previous = cleaned
        cleaned = _TRAILING_FILLER.sub("", _LEADING_FILLER.sub("", cleaned)).strip(" .,!?;:")
    return cleaned


def _settings(today: datetime.date) -> dict:
    return {
        # Noon, so that no time-zone arithmetic can move "today" to another day.
        "RELATIVE_BASE": datetime.datetime.combine(today, datetime.time(12)),
        "PREFER_DATES_FROM": "future",
        # The service is European by default: 03/04/2027 is 3 April.
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


# Words search_dates takes for dates inside ordinary sentences ("I may", "not now", "a second").
_NOT_ALONE = {"now", "may", "march", "sat", "sun", "wed", "mon", "second", "sec"}
_PREPOSITIONS = {"in", "by", "on", "at", "the", "of", "before", "until", "till"}
_SUB_DAY_UNIT = re.compile(r"\b(?:sec|second|min|minute|hour|hr)s?\b")


def _plausible(fragment: str, text: str) -> bool:
    """Whether a date search_dates found inside a sentence is one the client meant."""
    words = fragment.lower().split()
    core = [w for w in words if w not in _PREPOSITIONS]
    if _SUB_DAY_UNIT.search(fragment.lower()):
        return False
    if len(core) == 1 and core[0] in _NOT_ALONE:
        # "in May" and "by March" are dates; "I may" and "I'll march on" are not.
        return core[0] in {"may", "march"} and words[0] in _PREPOSITIONS
    # A number right next to the fragment means the date was only half read: "31 November".
    start = text.lower().find(fragment.lower())
    before, after = text[:start], text[start + len(fragment) :]
    return not (re.search(r"\d\s*(?:st|nd|rd|th)?\s*(?:of\s*)?$", before) or re.match(r"\s*\d", after))


def parse_due_date(text: str, today: datetime.date) -> datetime.date | None:
    """The date the client means, or None when the words hold no date we can read."""
    cleaned = _clean(text or "")
    if cleaned.startswith("before "):
        day = parse_due_date(cleaned[len("before ") :], today)
        return day - datetime.timedelta(days=1) if day is not None and day > today else day
    if not cleaned or _BARE_NUMBER.fullmatch(cleaned):
        return None

    year_first = _YEAR_FIRST.search(cleaned)
    if year_first:
        return _valid_date(*(int(part) for part in year_first.groups()))

    # The whole answer first, so that "Friday 4 December" is not cut down to "Friday".
    for pattern, rule in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            return rule(match, today)
    parsed = dateparser.parse(cleaned, languages=["en"], settings=_settings(today))
    if parsed:
        return parsed.date()

    # A day and a month named inside a sentence ("we have our one-to-one on 19 March"), before
    # search_dates, which other words in the sentence can throw off.
    # ("in 2 may be 3 weeks" names no month.)
    day_and_month = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_ANY_MONTH})\b(?! be\b)|\b({_ANY_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?\b", cleaned)
    if day_and_month:
        named = dateparser.parse(day_and_month.group(0), languages=["en"], settings=_settings(today))
        if named:
            return named.date()
    # Then a date inside a sentence: "I want to have it done by next Friday".
    for pattern, rule in _PATTERNS:
        match = pattern.search(cleaned)
        found = rule(match, today) if match else None
        if found:
            return found
    for fragment, when in search_dates(cleaned, languages=["en"], settings=_settings(today)) or []:
        if _plausible(fragment, cleaned):
            return when.date()
    return None


def describe_date(day: datetime.date, today: datetime.date, in_brackets: bool = False) -> str:
    """How the bot says a date back: "Friday 27 November" (with the year only when it is not
    today's year), plus " (today)" / " (tomorrow)" when so. `in_brackets`: for a date said inside
    brackets, where brackets would nest: "tomorrow, Monday 7 December"."""
    # Own name tables rather than strftime, whose names follow the machine's locale.
    words = f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"
    if day.year != today.year:
        words += f" {day.year}"
    relative = "today" if day == today else "tomorrow" if day == today + datetime.timedelta(days=1) else None
    if relative is None:
        return words
    return f"{relative}, {words}" if in_brackets else f"{words} ({relative})"


def full_date(day: datetime.date) -> str:
    """A date as a record keeps it, read later by someone else: "Friday 27 November 2026", always
    with the year and never relative ("today" would be wrong by the time it is read)."""
    return f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
