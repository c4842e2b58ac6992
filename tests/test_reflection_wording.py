import pytest

from bot.guidance.reflection import reflect_back, to_second_person


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
