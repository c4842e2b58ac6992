"""The journey's step phases (options, decision, plan, review) driven turn by turn as Rasa drives
them, against a real (temporary) database and a real media folder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from actions.decision import ActionFinishDecision, AskDecisionQuestion, ValidateDecisionForm
from actions.options import ActionFinishOptions, AskOptionsQuestion, ValidateOptionsForm
from actions.plan import ActionFinishPlanning, AskPlanningQuestion, ValidatePlanningForm
from actions.review import ActionFinishReview, AskReviewQuestion, ValidateReviewForm
from actions.show_plan import ActionShowPlan
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.guidance.dates import describe_date, parse_due_date
from bot.storage.check_ins import check_in_offer
from bot.storage.models import ActionPlan, ActionStep, CareerOption, Criterion, Decision, Goal, OptionRating, utcnow
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake, snapshot
from bot.storage.reflections import save_reflection
from tests.test_actions import CLIENT, run, slot_values, tracker

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PhaseChat:
    """One client answering a step phase: each message runs the form's validation, then its question."""

    def __init__(self, validate, ask, finish) -> None:
        self.validate, self.ask, self.finish = validate, ask, finish
        self.form = validate.name().removeprefix("validate_")
        self.slot = validate.phase.answer_slot()
        self.slots: dict[str, Any] = {"requested_slot": self.slot}
        self.finished = False

    async def start(self) -> list[dict[str, Any]]:
        _, dispatcher = await run(self.ask, tracker(slots=dict(self.slots), active_loop=self.form))
        return dispatcher.messages

    async def say(self, said: str, intent: str = "nlu_fallback", confidence: float = 0.9) -> list[dict[str, Any]]:
        assert not self.finished, "the phase is already through"
        events, dispatcher = await run(self.validate, tracker(said, intent, confidence, dict(self.slots), self.form))
        self.slots.update(slot_values(events))
        messages = list(dispatcher.messages)
        if self.slots.get(self.slot) is None:
            _, asking = await run(self.ask, tracker(slots=dict(self.slots), active_loop=self.form))
        else:
            self.finished = True
            _, asking = await run(self.finish, tracker(slots=dict(self.slots)))
        return messages + asking.messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


@pytest.fixture
def returning_client(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, "Working in a care home", {"clarity": 2, "confidence": 3}, ["Find a direction"])
    return db


@pytest.fixture
def media_dir(tmp_path, monkeypatch):
    folder = tmp_path / "media"
    monkeypatch.setenv("MEDIA_DIR", str(folder))
    return folder


def options_chat() -> PhaseChat:
    return PhaseChat(ValidateOptionsForm(), AskOptionsQuestion(), ActionFinishOptions())


def decision_chat() -> PhaseChat:
    return PhaseChat(ValidateDecisionForm(), AskDecisionQuestion(), ActionFinishDecision())


def planning_chat() -> PhaseChat:
    return PhaseChat(ValidatePlanningForm(), AskPlanningQuestion(), ActionFinishPlanning())


def review_chat() -> PhaseChat:
    return PhaseChat(ValidateReviewForm(), AskReviewQuestion(), ActionFinishReview())


# -- options ------------------------------------------------------------------------------


async def explore(chat: PhaseChat) -> str:
    said = [await chat.start()]
    said.append(await chat.say("Nursing; teaching"))
    said.append(await chat.say("no", "deny", 0.99))
    said.append(await chat.say("Social work"))
    for answer in ["Caring for people", "The night shifts", "Explaining things", "Whether I'd need a degree"]:
        said.append(await chat.say(answer))
    said.append(await chat.say("skip", "skip", 0.99))
    said.append(await chat.say("What it pays"))
    return "\n".join(texts(messages) for messages in said)


async def test_options_are_explored_widened_and_stored_with_sources(returning_client):
    chat = options_chat()
    conversation = await explore(chat)
    assert chat.finished
    assert "alternative you haven't really considered" in conversation
    assert "someone who knows you well" in conversation
    assert 'What attracts you to "teaching"?' in conversation
    # The sources from the default file, each listed once: the later options share the first one's.
    assert conversation.count("Where to find reliable, up-to-date information") == 1
    assert conversation.count("ESCO occupation profiles") == 1
    assert "Here are your options" in conversation and "What attracts you: Caring for people" in conversation
    with returning_client() as session:
        options = session.execute(select(CareerOption).order_by(CareerOption.position)).scalars().all()
        assert [(o.title, o.origin) for o in options] == [
            ("Nursing", "own"),
            ("teaching", "own"),
            ("Social work", "suggested"),
        ]
        assert options[0].attracts == "Caring for people" and options[0].unknowns == "The night shifts"
        assert options[2].attracts is None and options[2].unknowns == "What it pays"
        assert all(option.sources for option in options)
        assert snapshot(session, CLIENT).phases["options"] == "done"


async def test_going_back_asks_the_previous_question_and_keeps_what_still_applies(returning_client):
    chat = options_chat()
    await chat.start()
    await chat.say("Nursing; teaching")
    await chat.say("Retraining as a baker")
    back = await chat.say("back", "go_back", 0.95)
    assert back[0]["response"] == "utter_going_back"
    assert "alternative you haven't really considered" in texts(back)
    await chat.say("no", "deny", 0.99)
    await chat.say("no", "deny", 0.99)
    with returning_client() as session:
        titles = session.execute(text("SELECT title FROM options ORDER BY position")).scalars().all()
    assert titles == ["Nursing", "teaching"]


async def test_back_at_the_first_question_says_so_kindly(returning_client):
    chat = options_chat()
    await chat.start()
    said = await chat.say("go back", "go_back", 0.95)
    assert said[0]["response"] == "utter_back_at_first_question"
    assert "Which options are you considering" in texts(said)


async def test_at_most_six_options_and_a_kind_word_when_full(returning_client):
    chat = options_chat()
    await chat.start()
    await chat.say("a; b; c; d; e; f; g; h")
    said = await chat.say("Something new")
    assert said[0]["response"] == "utter_options_full"
    with returning_client() as session:
        assert session.execute(text("SELECT COUNT(*) FROM options")).scalar() == 6


async def test_an_answer_without_words_is_asked_again_without_moving_on(returning_client):
    chat = options_chat()
    await chat.start()
    said = await chat.say("...")
    assert "I didn't catch an option" in texts(said)
    assert "Which options are you considering" in texts(said)
    assert chat.slots["answered_steps"] == {}


# -- decision -------------------------------------------------------------------------


async def weigh_two_options(chat: PhaseChat, choice: str) -> str:
    said = [await chat.start()]
    for answer in ["security; pay", "4", "2", "5", "2", "3", "5"]:
        said.append(await chat.say(answer))
    said.append(await chat.say("It feels right, a bit scary"))
    said.append(await chat.say(choice))
    said.append(await chat.say("It fits what matters to me"))
    return "\n".join(texts(messages) for messages in said), said


async def test_a_decision_weighs_criteria_shows_the_matrix_and_stores_the_choice(returning_client, media_dir):
    with returning_client() as session:
        save_reflection(session, CLIENT, "values", "Security, helping others and freedom", None, confirmed=True)
    options = options_chat()
    await options.start()
    await options.say("Nursing; teaching")
    for _ in range(6):
        await options.say("skip", "skip", 0.99)
    assert options.finished

    chat = decision_chat()
    conversation, said = await weigh_two_options(chat, "1")
    assert chat.finished
    assert "you said these matter to you: Security; helping others and freedom" in conversation
    [matrix] = [m for messages in said for m in messages if m.get("image")]
    assert "security (×4)" in matrix["text"] and "26 of 30" in matrix["text"] and "18 of 30" in matrix["text"]
    assert "How does this result feel to you?" in conversation
    assert 'What makes "Nursing" the right choice for you now?' in conversation
    assert "You've chosen: Nursing." in conversation
    picture = media_dir / matrix["image"].removeprefix("/media/")
    assert picture.read_bytes().startswith(PNG_SIGNATURE)
    with returning_client() as session:
        decision = session.execute(select(Decision)).scalar_one()
        assert decision.status == "chosen" and decision.rationale == "It fits what matters to me"
        assert decision.gut_feeling == "It feels right, a bit scary" and decision.decided_at is not None
        assert session.get(CareerOption, decision.chosen_option_id).title == "Nursing"
        assert [(c.name, c.weight) for c in session.execute(select(Criterion)).scalars()] == [
            ("security", 4),
            ("pay", 2),
        ]
        assert sorted(r.value for r in session.execute(select(OptionRating)).scalars()) == [2, 3, 5, 5]
        assert decision.matrix_image == picture.name
        assert snapshot(session, CLIENT).phases["decision"] == "done"


async def test_a_decision_can_be_postponed_consciously(returning_client, media_dir):
    chat = decision_chat()
    said = await chat.start()
    assert "Which options are you choosing between?" in texts(said)
    await chat.say("Stay; leave")
    conversation, _ = await weigh_two_options(chat, "I'd rather postpone")
    assert "What would you like to wait for, or find out, before you decide?" in conversation
    assert "You've decided to wait" in conversation
    with returning_client() as session:
        decision = session.execute(select(Decision)).scalar_one()
        assert decision.status == "postponed" and decision.chosen_option_id is None


async def test_a_rating_that_is_not_a_number_is_asked_again(returning_client, media_dir):
    chat = decision_chat()
    await chat.start()
    await chat.say("Stay; leave")
    await chat.say("pay")
    said = await chat.say("quite a lot")
    assert "Could you give me a number from 1 to 5?" in texts(said)
    assert "How important is \"pay\"" in texts(said)


# -- plan -------------------------------------------------------------------------------


async def make_plan(chat: PhaseChat) -> str:
    said = [await chat.start()]
    for answer in [
        "Call Anna about her work; look up two courses",
        "next Friday",
        "Anna's number from my sister",
        "If I'm too tired after work, then I'll call on Saturday morning",
        "in two weeks",
        "skip",
        "I might forget",
        "Patience and studying again",
    ]:
        said.append(await chat.say(answer, "skip" if answer == "skip" else "nlu_fallback", 0.99))
    return "\n".join(texts(messages) for messages in said), said


async def test_a_plan_stores_steps_with_dates_support_and_if_then_plans(returning_client):
    chat = planning_chat()
    conversation, said = await make_plan(chat)
    assert chat.finished
    today = utcnow().date()
    friday, fortnight = parse_due_date("next Friday", today), today + timedelta(days=14)
    assert f"Noted: {describe_date(friday, today)}." in conversation
    assert "Call Anna about her work" in conversation and "Skills to build: Patience and studying again" in conversation
    assert said[-1][-1]["response"] == "utter_offer_feedback"
    with returning_client() as session:
        plan = session.execute(select(ActionPlan)).scalar_one()
        assert plan.status == "complete" and plan.skills == "Patience and studying again"
        first, second = plan.steps
        assert (first.description, first.due_date, first.due_phrase) == ("Call Anna about her work", friday, "next Friday")
        assert first.support == "Anna's number from my sister"
        assert first.obstacle == "I'm too tired after work" and first.if_then == "I'll call on Saturday morning"
        assert second.due_date == fortnight and second.support is None and second.obstacle == "I might forget"
        assert snapshot(session, CLIENT).phases["planning"] == "done"


async def test_a_date_in_the_past_or_unreadable_is_asked_again_kindly(returning_client):
    chat = planning_chat()
    await chat.start()
    await chat.say("Update my CV")
    for unreadable in ["1 January 2020", "whenever"]:
        said = await chat.say(unreadable)
        assert "I couldn't read a date from now on there" in texts(said)
        assert "By when would you like to have done this" in texts(said)


async def test_show_my_plan_shows_the_decision_and_the_steps(returning_client, media_dir):
    _, empty = await run(ActionShowPlan(), tracker(intent="show_plan"))
    assert "You don't have a plan yet" in empty.messages[0]["text"]
    decision = decision_chat()
    await decision.start()
    await decision.say("Nursing; teaching")
    await weigh_two_options(decision, "teaching")
    await make_plan(planning_chat())
    _, dispatcher = await run(ActionShowPlan(), tracker(intent="show_plan"))
    shown = dispatcher.messages[0]["text"]
    assert "Your decision: teaching." in shown and "It fits what matters to me" in shown
    assert "○ Call Anna about her work (by " in shown and "If it does: I'll call on Saturday morning" in shown


# -- review and check-ins -------------------------------------------------------------------


def plan_with_steps(db, *due_in_days: int | None) -> list[int]:
    today = utcnow().date()
    with db() as session:
        plan = ActionPlan(client_id=CLIENT, status="complete", completed_at=utcnow())
        session.add(plan)
        for position, days in enumerate(due_in_days, start=1):
            due = None if days is None else today + timedelta(days=days)
            plan.steps.append(ActionStep(client_id=CLIENT, position=position, description=f"Step {position}", due_date=due))
        session.flush()
        return [step.id for step in plan.steps]


async def test_a_review_checks_the_due_steps_and_keeps_old_goals_when_revised(returning_client):
    plan_with_steps(returning_client, -1, 10, -2)
    chat = review_chat()
    said = texts(await chat.start())
    assert "Step 1" in said and "Step 2" not in said
    said = texts(await chat.say("done"))
    assert "Step 3" in said
    said = texts(await chat.say("blocked"))
    assert "What's getting in the way?" in said
    said = texts(await chat.say("No time with the children at home"))
    assert "Find a direction" in said and "Do they still fit" in said
    await chat.say("revise")
    said = texts(await chat.say("Start nursing school by autumn; keep my weekends free"))
    assert chat.finished
    assert "\"Step 1\": done" in said and "\"Step 3\": blocked: No time with the children at home" in said
    with returning_client() as session:
        statuses = session.execute(text("SELECT description, status FROM action_steps ORDER BY position")).all()
        assert [tuple(row) for row in statuses] == [("Step 1", "done"), ("Step 2", "open"), ("Step 3", "blocked")]
        goals = session.execute(select(Goal).order_by(Goal.id)).scalars().all()
        assert [(g.text, g.status) for g in goals] == [
            ("Find a direction", "revised"),
            ("Start nursing school by autumn", "active"),
            ("keep my weekends free", "active"),
        ]
        assert snapshot(session, CLIENT).phases["review"] == "done"


async def test_a_replanned_step_gets_its_new_date(returning_client):
    [step_id] = plan_with_steps(returning_client, -3)
    chat = review_chat()
    await chat.start()
    said = texts(await chat.say("replan"))
    assert "When would you like to do \"Step 1\" now?" in said
    await chat.say("in two weeks")
    await chat.say("They still fit", "affirm", 0.99)
    assert chat.finished
    with returning_client() as session:
        step = session.get(ActionStep, step_id)
        assert step.due_date == utcnow().date() + timedelta(days=14) and step.status == "open"
        assert [u.status for u in step.updates] == ["replanned"]


async def test_a_check_in_is_offered_once_per_due_step(returning_client):
    plan_with_steps(returning_client, 0, 5)
    with returning_client() as session:
        offer = check_in_offer(session, CLIENT)
    assert "\"Step 1\"" in offer["text"] and "Step 2" not in offer["text"]
    assert offer["buttons"][0]["payload"] == "/review_progress"
    with returning_client() as session:
        assert check_in_offer(session, CLIENT) is None


async def test_starting_a_review_answers_the_pending_check_in_offer(returning_client):
    plan_with_steps(returning_client, -1)
    await review_chat().start()
    with returning_client() as session:
        assert check_in_offer(session, CLIENT) is None


async def test_a_date_is_an_answer_even_when_it_sounds_like_skip(returning_client):
    chat = planning_chat()
    await chat.start()
    await chat.say("Update my CV")
    said = await chat.say("next Friday", "skip", 0.97)  # "next" is how some clients say "skip"
    assert "Noted:" in texts(said)
    said = await chat.say("skip", "skip", 0.97)
    assert "What might get in the way" in texts(said)


async def test_a_date_that_sounds_like_a_request_is_still_the_answer(returning_client):
    chat = planning_chat()
    await chat.start()
    await chat.say("Update my CV")
    said = await chat.say("in two weeks", "show_plan", 0.86)  # what the classifier heard in it once
    assert "Noted:" in texts(said)


async def test_distress_steps_out_even_where_a_date_is_asked(returning_client):
    chat = planning_chat()
    await chat.start()
    await chat.say("Update my CV")
    events, dispatcher = await run(
        chat.validate, tracker("I can't go on tomorrow", "express_distress", 0.9, dict(chat.slots), chat.form)
    )
    assert slot_values(events) == {} and dispatcher.messages == []


async def test_all_options_can_be_rated_on_a_criterion_in_one_message(returning_client, media_dir):
    chat = decision_chat()
    await chat.start()
    await chat.say("Nursing; teaching; social work")
    await chat.say("security")
    said = texts(await chat.say("4"))
    assert "To rate all 3 at once" in said
    said = texts(await chat.say("5 2 4"))
    assert "How does this result feel to you?" in said and "• social work: 16 of 20" in said
    with returning_client() as session:
        assert sorted(r.value for r in session.execute(select(OptionRating)).scalars()) == [2, 4, 5]


async def test_a_decision_does_not_weigh_options_still_being_explored(returning_client, media_dir):
    options = options_chat()
    await options.start()
    await options.say("Nursing; teaching")  # the exploration is left half-way
    said = texts(await decision_chat().start())
    assert "Which options are you choosing between?" in said


async def test_skipping_a_step_after_going_back_leaves_it_as_it_was(returning_client):
    [step_id] = plan_with_steps(returning_client, -1)
    chat = review_chat()
    await chat.start()
    await chat.say("done")
    await chat.say("back", "go_back", 0.97)
    await chat.say("skip", "skip", 0.99)
    with returning_client() as session:
        step = session.get(ActionStep, step_id)
        assert step.status == "open" and step.updates == []


async def test_options_named_at_the_start_of_a_decision_can_be_changed_by_going_back(returning_client, media_dir):
    chat = decision_chat()
    await chat.start()
    await chat.say("Stay; leave")
    said = texts(await chat.say("back", "go_back", 0.97))
    assert "Which options are you choosing between?" in said
    await chat.say("Stay; move abroad")
    with returning_client() as session:
        titles = session.execute(text("SELECT title FROM options ORDER BY id")).scalars().all()
        assert titles == ["Stay", "move abroad"] and session.execute(text("SELECT COUNT(*) FROM option_sets")).scalar() == 1


async def test_an_option_added_to_widen_the_view_is_said_back(returning_client):
    # Titles come cleaned from the interpretation step in the real stack ("maybe something like
    # healthcare assistant?" is "healthcare assistant": tests/test_interpretation.py).
    chat = options_chat()
    await chat.start()
    await chat.say("Nursing; teaching")
    said = await chat.say("Healthcare assistant")
    assert [m.get("option") for m in said if m.get("response") == "utter_option_added"] == ["Healthcare assistant"]


async def test_a_decision_without_explored_options_offers_to_explore_them_first(returning_client, media_dir):
    said = texts(await decision_chat().start())
    assert "Which options are you choosing between?" in said and 'say "explore options"' in said
