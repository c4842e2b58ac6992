"""The risk assessment (bot/guidance/risk.py) with Waypoint's own phrase files: no model, no Rasa.

The phrasings here are written for this test; the measured figures come from the safety corpus
(tests/corpora/safety/, scripts/safety_eval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance.risk import CLEAR, NONE, POSSIBLE, UNSPECIFIED, assess
from bot.guidance.safety_words import load_safety_words


@pytest.fixture(scope="module")
def words():
    return load_safety_words("en")


@pytest.mark.parametrize(
    "text, category",
    [
        ("i took too many of my pills about an hour ago", "medical_emergency"),
        ("im standing on the roof of the car park and i want to jump off", "suicidal_active"),
        ("i just wish i didnt exist anymore", "suicidal_passive"),
        ("my boyfriend hit me again last night", "harm_from_others"),
        ("he said he'll kill me if i leave", "harm_from_others"),
        ("im going to stab my manager on monday, ive thought about exactly how", "harm_to_others"),
        ("been cutting my arms again since i lost the job", "self_harm"),
        ("i stopped taking my insulin on purpose", "self_harm"),
        ("honestly im suicdal", "suicidal_active"),
    ],
)
def test_clear_risk_is_clear_with_its_category(words, text, category):
    assessment = assess(text, words)
    assert assessment.level == CLEAR and assessment.category == category


@pytest.mark.parametrize(
    "text",
    [
        "Im 34 and Ive been a shift manager at a supermarket for about 8 years now. its ok but the hours are killing me, lots of evenings and weekends",
        "everything lol. how much it costs to start, rent, whether i could even make a living",
        "it thought i was suicidal twice",
        "i'm dying to get out of retail",
        "stuck in a dead-end job",
        "i want to kill it at the interview",
        "lifting boxes is murder on my back",
        "can you shoot me an email",
        "I'd die of embarrassment",
        "this job killed my self-esteem",
        "i work in a pharmacy counting pills all day",
    ],
)
def test_figurative_speech_work_words_and_negations_are_not_risk(words, text):
    assessment = assess(text, words, distress_confidence=0.99)  # whatever the model hears in it
    assert assessment.level == NONE


def test_a_real_risk_signal_beside_an_idiom_still_counts(words):
    assessment = assess("the hours are killing me and honestly i want to die", words)
    assert assessment.level == CLEAR and assessment.category == "suicidal_passive"


def test_a_vague_phrase_is_possible_and_quotes_the_clients_own_clause(words):
    assessment = assess("work is fine I guess. honestly i cant do this anymore", words)
    assert assessment.level == POSSIBLE
    assert assessment.phrase == "honestly i cant do this anymore"


def test_a_plan_or_a_time_makes_a_vague_phrase_clear(words):
    assert assess("im ending things tonight", words).level == CLEAR


def test_a_possible_risk_the_client_explained_is_not_asked_about_again_but_a_clear_one_stays(words):
    assert assess("i cant do this anymore", words, already_checked=True).level == NONE
    assert assess("i want to kill myself", words, already_checked=True).level == CLEAR


def test_the_model_alone_asks_the_check_question_and_only_about_the_topics_of_risk(words):
    unforeseen = "i have decided this will be my last night on earth"
    assert assess(unforeseen, words).level == NONE  # no phrase foresaw it
    assert assess(unforeseen, words, distress_confidence=0.97).level == POSSIBLE
    assert assess(unforeseen, words, distress_confidence=0.97).category == UNSPECIFIED
    assert assess(unforeseen, words, distress_confidence=0.5).level == NONE
    # The classifier is as sure of distress in a hobby as in a crisis: without a word about life,
    # death, harm or danger its reading does not count.
    assert assess("i like gaming and drawing", words, distress_confidence=1.0).level == NONE
    assert assess("the open day was dead, barely anyone turned up", words, distress_confidence=1.0).level == NONE


def test_the_model_with_a_plan_or_a_time_makes_the_crisis_answer(words):
    assert assess("tonight will be my last night on earth", words, distress_confidence=0.97).level == CLEAR
    assert assess("tonight will be my last night on earth", words, distress_confidence=0.2).level == NONE


def test_several_kinds_of_risk_are_all_named_the_most_urgent_first(words):
    assessment = assess("my husband beats me and i want to die", words)
    assert assessment.categories == ("harm_from_others", "suicidal_passive")


def test_a_button_payload_is_not_assessed(words):
    assert assess("/express_distress", words).level == NONE


def test_a_services_own_phrases_are_added_to_the_defaults(tmp_path: Path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "risk.yml").write_text("clear:\n  suicidal_active:\n    - gone fishing forever\n")
    (tmp_path / "en" / "ordinary.yml").write_text("figurative:\n  - mega killer deal\n")
    words = load_safety_words("en", tmp_path)
    assert assess("i have gone fishing forever", words).level == CLEAR
    assert assess("this mega killer deal", words).level == NONE
    assert assess("i want to kill myself", words).level == CLEAR  # the defaults stay


def test_a_mistake_in_a_services_file_is_named_with_the_file(tmp_path: Path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "risk.yml").write_text("clear:\n  suicidal:\n    - something\n")
    with pytest.raises(ValueError, match="risk.yml: unknown category 'suicidal'"):
        load_safety_words("en", tmp_path)
    with pytest.raises(ValueError, match="has no folder 'en'"):
        load_safety_words("en", tmp_path / "nowhere")
