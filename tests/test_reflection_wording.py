import pytest

from bot.guidance.reflection import reflect_back, then_say, to_second_person
from bot.guidance.understanding.words import load_conversation_words


@pytest.mark.parametrize(
    "said, heard",
    [
        ("I love working with my hands.", "you love working with your hands"),
        ("I'm good at listening to people", "you're good at listening to people"),
        ("I am proud of myself when I help", "you are proud of yourself when you help"),
        ("Fairness matters to me!", "Fairness matters to you"),
        ("My family comes first", "your family comes first"),
    ],
)
def test_the_clients_words_are_spoken_back_in_the_second_person(said, heard):
    assert to_second_person(said) == heard


def test_words_that_merely_contain_pronouns_are_left_alone():
    assert to_second_person("Imagination and mystery") == "Imagination and mystery"


def test_a_strength_is_reflected_with_its_example_and_the_recognised_skills():
    text = reflect_back(
        "strengths",
        "I'm patient",
        example="I taught my grandmother to use her phone",
        mentions=[{"kind": "SKILL", "value": "patience"}],
    )
    assert text == (
        "You see this as a strength of yours: you're patient. "
        "You showed it when you taught your grandmother to use her phone. "
        "You mentioned patience (a skill)."
    )


def test_what_follows_a_bulleted_list_starts_a_line_of_its_own():
    """After a list, the next sentence on the same line read as part of the last point
    ("• School pickup at 3 Did I get that right?")."""
    words = load_conversation_words()
    text = reflect_back("strengths", "people say im patient. and i stay calm when stuff goes wrong", example="christmas eve", words=words)
    lines = text.split("\n")
    assert lines[-2].startswith("• ") and not lines[-2].endswith("You showed it when christmas eve.")
    assert lines[-1] == "You showed it when christmas eve."
    asked = then_say(reflect_back("circumstances", "money mainly; school pickup at 3", words=words), "Did I get that right?")
    assert asked.split("\n")[-2] == "• School pickup at 3" and asked.split("\n")[-1] == "Did I get that right?"
    assert then_say("You see this as a strength of yours: you're patient.", "Did I get that right?").endswith("patient. Did I get that right?")


@pytest.mark.parametrize(
    "example, said_back",
    [
        ("fixed my mates pc", "You showed it when you fixed your mates pc."),  # the terse client's, without a subject
        ("when my neighbour needed help", "You showed it when your neighbour needed help."),  # not "when when"
        ("I taught my nan to use her phone", "You showed it when you taught your nan to use her phone."),
        ("red faced customers all day", "You showed it when red faced customers all day."),
    ],
)
def test_an_example_is_said_back_as_a_whole_sentence(example, said_back):
    assert reflect_back("strengths", "fixing stuff", example=example, words=load_conversation_words()).endswith(said_back)
