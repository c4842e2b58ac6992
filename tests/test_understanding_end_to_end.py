"""The exchanges of issue 14, through the real stack with the trained model: replies read in the
context of their question (confirmations, non-answers, questions back, corrections, lists, numbers,
dates, feelings), requests from inside other parts, and reflections that sound like listening."""

from __future__ import annotations

import datetime
import uuid

import pytest

from bot.guidance.dates import describe_date
from tests.stack_support import ChatClient
from tests.test_end_to_end import client_id_of, rows, wait_for_opening

pytestmark = pytest.mark.stack


def started(stack, situation: str = "I work in a supermarket and want something with better hours") -> tuple[ChatClient, str]:
    """A client who agreed and answered the start; returns the client and their id."""
    client = ChatClient(stack)
    wait_for_opening(client)
    client.replies_to("Yes, I agree", "/affirm")
    said = f"{situation} ({uuid.uuid4().hex[:6]})"
    client.replies_to(said)
    client.replies_to("3")
    client.replies_to("2")
    client.replies_to("Find a job with better hours")
    return client, client_id_of(stack, said)


def to_options(stack, options: str = "nursing, IT support and opening a bakery") -> tuple[ChatClient, str]:
    client, client_id = started(stack)
    assert "Which options" in client.replies_to("let's explore my options")
    client.replies_to(options)
    return client, client_id


def test_informal_confirmations_are_yes_and_the_answer_is_stored(stack):
    client, client_id = started(stack)
    client.replies_to("Let's reflect", "/start_reflection")
    values = "being there for my daughter in the evenings mostly. a steady income, we cant afford risk right now"
    check = client.replies_to(values)
    assert "• Being there for your daughter in the evenings" in check and "lol" not in check
    assert "It sounds like" in check and "security" in check
    assert "What do you enjoy" in client.replies_to("ya")
    assert rows(stack, "SELECT answer FROM reflections WHERE client_id = :c AND theme = 'values'", c=client_id) == [(values,)]
    client.replies_to("puzzles and baking")
    assert "What are you good at" in client.replies_to("no I meant what you said before was right")
    client.replies_to("people say im patient")
    client.replies_to("i calmed down an angry customer last week")
    assert "Which experience" in client.replies_to("Jo obviously")


def test_a_correction_in_the_confirmation_is_said_back_and_stored_once_confirmed(stack):
    client, client_id = started(stack)
    client.replies_to("Let's reflect", "/start_reflection")
    client.replies_to("money and freedom")
    again = client.replies_to("no, more that I want security")
    assert "you want security" in again and "Did I get that right?" in again
    client.replies_to("yes")
    assert rows(stack, "SELECT answer FROM reflections WHERE client_id = :c AND theme = 'values'", c=client_id) == [
        ("more that I want security",)  # the client's own words are what is stored
    ]


def test_idk_is_never_stored_and_gets_a_gentle_way_in(stack):
    client = ChatClient(stack)
    wait_for_opening(client)
    client.replies_to("Yes, I agree", "/affirm")
    said = f"student, final year ({uuid.uuid4().hex[:6]})"
    client.replies_to(said)
    noted = client.replies_to("idk")  # at a rating: "not sure" is an answer
    assert "not sure" in noted and "confident" in noted
    client.replies_to("2")
    gentle = client.replies_to("idk")
    assert "no wrong answer" in gentle and "For example" in gentle and "skip" in gentle
    assert rows(stack, "SELECT COUNT(*) FROM goals WHERE client_id = :c", c=client_id_of(stack, said)) == [(0,)]
    assert "Thank you" in client.replies_to("find out what I could study")


@pytest.mark.parametrize(
    "question_back, explained",
    [("what does criteria mean", "things you'd judge your options by"), ("can u give me examples", "For example pay")],
)
def test_a_question_about_the_question_is_explained_and_asked_again(stack, question_back, explained):
    client, _ = started(stack)
    client.replies_to("help me decide")
    client.replies_to("nursing; teaching")
    answer = client.replies_to(question_back)
    assert explained in answer and "What matters most to you in this choice" in answer


def test_what_do_you_mean_clear_is_explained_at_the_rating(stack):
    client = ChatClient(stack)
    wait_for_opening(client)
    client.replies_to("Yes, I agree", "/affirm")
    client.replies_to(f"admin at a school ({uuid.uuid4().hex[:6]})")
    answer = client.replies_to("what do u mean clear")
    assert "how sure you feel" in answer and "How clear do you feel" in answer


def test_rambling_lists_become_clean_options_that_can_be_changed(stack):
    client, client_id = to_options(stack, "warehouse, game tester")
    titles = lambda: [t for (t,) in rows(stack, "SELECT o.title FROM options o JOIN option_sets s ON s.id = o.option_set_id WHERE s.client_id = :c ORDER BY o.position", c=client_id)]  # noqa: E731
    assert titles() == ["warehouse", "game tester"]
    client.replies_to("hmm. idk. maybe something like healthcare assistant? less training than nursing? not sure")
    assert titles() == ["warehouse", "game tester", "healthcare assistant"]
    repeated = client.replies_to("my friend would say game tester")
    assert "already have that one" in repeated and titles().count("game tester") == 1
    assert "Your options now" in client.replies_to("rename 2 to games QA tester")
    client.replies_to("remove the warehouse")
    assert titles() == ["games QA tester", "healthcare assistant"]


def test_a_rating_corrected_in_the_same_message_and_a_named_choice(stack):
    client, client_id = to_options(stack, "nursing; healthcare assistant")
    for reply in ["no", "no", "helping people", "the pay", "shorter training", "the pay"]:  # widening, attracts, unknowns
        client.replies_to(reply)
    client.replies_to("Help me decide", "/make_decision")
    client.replies_to("pay")
    client.replies_to("like a 4. actually no, 3")
    assert rows(stack, "SELECT weight FROM criteria c JOIN decisions d ON d.id = c.decision_id WHERE d.client_id = :c", c=client_id) == [(3,)]
    client.replies_to("4 3")
    client.replies_to("surprised")
    client.replies_to("nursing. hmm actually maybe healthcare assistant first")
    chosen = rows(stack, "SELECT o.title FROM decisions d JOIN options o ON o.id = d.chosen_option_id WHERE d.client_id = :c", c=client_id)
    assert chosen == [("healthcare assistant",)]


def test_requests_work_from_inside_another_part(stack):
    client, _ = to_options(stack, "nursing")
    assert "What concrete steps will you take" in client.replies_to("let's plan my steps")
    client.replies_to("ring the college; look up courses")
    shown = client.replies_to("show my plan")
    assert "ring the college" in shown and "By when would you like to have done" in shown


def test_dates_in_everyday_words_are_said_back_with_their_year(stack):
    client, client_id = started(stack)
    client.replies_to("let's plan my steps")
    client.replies_to("ring the college; update my cv")
    suggestions = client.replies_to("asap")
    assert "Roughly when" in suggestions and "No date yet" not in suggestions  # the buttons are titles, not text
    noted = client.replies_to("end of january")
    today = datetime.date.today()
    january = datetime.date(today.year if today.month == 1 else today.year + 1, 1, 31)
    assert describe_date(january, today) in noted
    due = rows(stack, "SELECT due_date FROM action_steps s JOIN action_plans p ON p.id = s.plan_id WHERE p.client_id = :c ORDER BY s.position", c=client_id)
    assert str(due[0][0]) == january.isoformat()


def test_a_feeling_or_an_event_is_acknowledged_before_the_next_question(stack):
    client, _ = to_options(stack, "nursing")
    client.replies_to("no")
    client.replies_to("no")
    answer = client.replies_to("helping people. my dad is in hospital at the moment so its on my mind")
    assert answer.index("sorry") < answer.index("What don't you know yet")


def test_answers_that_name_a_part_or_ask_something_stay_answers(stack):
    client, client_id = to_options(stack, "game tester")
    client.replies_to("no")
    client.replies_to("no")
    client.replies_to("games all day")
    assert "Here are your options" in client.replies_to("idk how to find a game tester job")
    unknowns = rows(stack, "SELECT unknowns FROM options o JOIN option_sets s ON s.id = o.option_set_id WHERE s.client_id = :c", c=client_id)
    assert unknowns == [("idk how to find a game tester job",)]


def test_nah_forget_it_cancels_the_handoff(stack):
    client, client_id = started(stack)
    client.replies_to("I'd like to talk to my practitioner")
    client.replies_to("keep everything")
    assert "haven't sent anything" in client.replies_to("nah forget it")
    assert rows(stack, "SELECT COUNT(*) FROM handoffs WHERE client_id = :c AND status = 'approved'", c=client_id) == [(0,)]
