import pytest

from bot.guidance.answers import clean_answer, parse_rating, split_goals
from bot.guidance.crisis import load_crisis_resources
from bot.guidance.interruptions import is_clear_interruption
from bot.guidance.wording import intake_summary, progress_report, reflection_summary, welcome_back
from bot.settings import PROJECT_ROOT
from bot.storage.progress import ClientSnapshot


@pytest.mark.parametrize(
    "text, expected",
    [("3", 3), ("3 · somewhat", 3), ("about four", 4), ("5/5", 5), ("1", 1), ("I'd say 2", 2)],
)
def test_ratings_are_read_from_numbers_and_words(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text", ["", None, "0", "6", "10", "2 or 3", "not sure", "-"])
def test_unclear_ratings_are_not_guessed(text):
    assert parse_rating(text) is None


def test_goals_are_split_by_line_semicolon_and_list_markers():
    assert split_goals("1. Find a direction\n- apply for a course; get feedback on my CV\n\n") == [
        "Find a direction",
        "apply for a course",
        "get feedback on my CV",
    ]


def test_goals_are_capped_in_number_and_length():
    goals = split_goals(";".join(["x" * 900] * 20))
    assert len(goals) == 10
    assert all(len(goal) == 500 for goal in goals)


def test_answers_without_letters_or_digits_are_empty():
    assert clean_answer("  ...  ") is None
    assert clean_answer(" I'm a student ") == "I'm a student"


@pytest.mark.parametrize(
    "intent, confidence, expected",
    [
        ("help", 0.95, True),
        ("help", 0.6, False),  # a free-text answer that merely sounds like a request for help
        ("express_distress", 0.55, True),
        ("explore_options", 0.99, False),  # phase intents inside a form are answers
        ("nlu_fallback", 1.0, False),
    ],
)
def test_only_clear_navigation_interrupts_a_form(intent, confidence, expected):
    assert is_clear_interruption({"intent": {"name": intent, "confidence": confidence}}) is expected


def test_in_an_open_question_a_long_message_is_an_answer_and_a_short_one_a_command():
    def message(text, intent):
        return {"text": text, "intent": {"name": intent, "confidence": 0.97}}

    assert not is_clear_interruption(message("Being asked instead of told what to do", "help"), open_answer=True)
    assert is_clear_interruption(message("what can you do?", "help"), open_answer=True)
    assert is_clear_interruption(message("Being asked instead of told what to do", "help"))
    distress = message("honestly I do not think I can go on living like this any more", "express_distress")
    assert is_clear_interruption(distress, open_answer=True)


def test_default_crisis_resources_are_complete():
    resources = load_crisis_resources(PROJECT_ROOT / "bot" / "defaults" / "crisis_resources.yml")
    text = resources.as_text()
    assert "emergency" in text.lower()
    assert text.rstrip().endswith("?")


def test_crisis_resources_follow_what_the_risk_is_about():
    resources = load_crisis_resources(PROJECT_ROOT / "bot" / "defaults" / "crisis_resources.yml")
    violence = resources.as_text(["harm_from_others"])
    assert "Domestic abuse support" in violence and "Emergency services" in violence
    assert violence.index("Domestic abuse support") < violence.index("Emergency services")
    assert "not your fault" in violence
    assert "Domestic abuse support" not in resources.as_text(["suicidal_active"])
    assert resources.as_text(["harm_to_others"]).rstrip().endswith("Is everyone safe right now, you included?")


def test_a_crisis_file_with_an_unknown_category_is_refused(tmp_path):
    path = tmp_path / "crisis.yml"
    path.write_text("resources:\n  - {name: A, contact: B}\ncategories:\n  violence: {intro: x}\n")
    with pytest.raises(ValueError, match="unknown category 'violence'"):
        load_crisis_resources(path)


def test_crisis_file_without_resources_is_refused(tmp_path):
    path = tmp_path / "crisis.yml"
    path.write_text("intro: hello\nresources: []\n")
    with pytest.raises(ValueError):
        load_crisis_resources(path)


def test_welcome_back_recalls_every_goal():
    text = welcome_back(ClientSnapshot(consent="given", goals=["Find a direction", "Apply by May"]))
    assert "Find a direction" in text and "Apply by May" in text


def test_intake_summary_reflects_the_clients_words():
    text = intake_summary("Studying law", {"clarity": 2, "confidence": 4}, ["Decide on a master's"])
    assert '"Studying law"' in text and "2 out of 5" in text and "Decide on a master's" in text


def test_the_reflection_summary_says_a_correction_back_without_its_lead_in():
    from types import SimpleNamespace as Row

    text = reflection_summary([
        Row(theme="values", answer="its more that i need to be home by 3 for pickup", example=None),
        Row(theme="interests", answer="more money", example=None),
        Row(theme="strengths", answer="it's more about flexibility than money", example=None),
    ])
    assert "What matters to you: you need to be home by 3 for pickup" in text
    assert "Your interests: more money" in text and "more about flexibility than money" in text


def test_the_reflection_summary_leaves_out_hedges_said_in_passing():
    from types import SimpleNamespace as Row

    text = reflection_summary([
        Row(theme="values", answer="kindness I suppose, and working with nice people", example=None),
        Row(theme="interests", answer="I think about cars a lot", example=None),
    ])
    assert "What matters to you: kindness, and working with nice people" in text
    assert "Your interests: you think about cars a lot" in text


def test_progress_report_depends_on_stage():
    assert "haven't started" in progress_report(ClientSnapshot())
    done = ClientSnapshot(consent="given", goals=["Apply"], phases={"start": "done"})
    assert "✓ Start" in progress_report(done) and "Apply" in progress_report(done)
