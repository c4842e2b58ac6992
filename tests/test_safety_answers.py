"""Answers to the check question and to "are you safe right now?", in the client's own words."""

from __future__ import annotations

import pytest

from bot.guidance.risk import assess
from bot.guidance.safety_answers import (
    CONCERN,
    FINE,
    NOT_SAFE,
    SAFE,
    UNCLEAR,
    UNSURE,
    read_check_answer,
    read_safety_answer,
)
from bot.guidance.safety_words import load_safety_words


@pytest.fixture(scope="module")
def words():
    return load_safety_words("en")


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("im safe", SAFE),
        ("no im fine lol", SAFE),
        ("woah no im fine lol it was just a figure of speech", SAFE),
        ("yeah I'm ok", SAFE),
        ("yes", SAFE),
        ("not really", NOT_SAFE),
        ("no", NOT_SAFE),
        ("im not ok", NOT_SAFE),
        ("I don't know", UNSURE),
        ("yes but I'm scared", UNSURE),
        ("no, i've already taken them", NOT_SAFE),
        ("what's the weather tomorrow", None),
    ],
)
def test_answers_to_are_you_safe(words, answer, expected):
    assert read_safety_answer(answer, "inform", assess(answer, words), words) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("no its just wearing me out", FINE),
        ("wearing me out", FINE),
        ("lol no, just tired of the shifts", FINE),
        ("nope im fine", FINE),
        ("yes", CONCERN),
        ("kind of", UNCLEAR),
        ("i dont know", UNCLEAR),
        ("yes but I'm scared", UNCLEAR),
        ("hmm", UNCLEAR),
        ("no, but i want to kill myself", CONCERN),
        ("no, i just cant do this anymore", UNCLEAR),
    ],
)
def test_answers_to_the_check_question(words, answer, expected):
    assert read_check_answer(answer, "inform", assess(answer, words), words) == expected


def test_the_buttons_say_what_they_mean(words):
    none = assess("/deny", words)
    assert read_check_answer("/deny", "deny", none, words) == FINE
    assert read_check_answer("/affirm", "affirm", none, words) == CONCERN
    assert read_safety_answer("/affirm", "affirm", none, words) == SAFE
    assert read_safety_answer("/deny", "deny", none, words) == NOT_SAFE
