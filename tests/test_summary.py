"""The handoff summary as the practitioner reads it: the client's situation in their words, neutral
labels, if-then plans with their obstacle, dates with the year, the decision matrix as a table (and
its picture) without what the client took out, clean punctuation; on the handoff page and printed."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.handoff.summary import SummaryItem, build_summary, sentence, summary_text, without_removed
from bot.storage.decisions import complete_decision, decision_in_progress, set_criteria, set_outcome, set_rating
from bot.storage.handoffs import approve, kept_items, remove_items, start_draft
from bot.storage.options import complete_option_set, option_set_in_progress, set_own_options
from bot.storage.plans import complete_plan, plan_in_progress, set_due_date, set_steps
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake
from bot.storage.reflections import save_reflection
from tests.portal_support import add_account, add_client, logged_in, make_portal, portal  # noqa: F401 (fixtures)

pytestmark = pytest.mark.both_databases

SITUATION = "I work in a care home and I'm not sure nursing is for me."
STEP_DAY = date(2031, 3, 14)  # a Friday, in a year that is not this one (nor relative to it)


def a_client_with_a_whole_journey(db, practitioner_id: int | None = None, picture: str | None = "matrixpicture0123456789.png") -> str:
    """A client of the practitioner (when given) who did every part, with client words ending in full stops."""
    client_id = add_client(db, practitioner_id, "R.K.") if practitioner_id else add_client(db, None)
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, client_id, SITUATION, {"clarity": 2, "confidence": 3}, ["Decide about nursing."])
        save_reflection(session, client_id, "interests", "I like drawing.", "You like drawing", True)
        save_reflection(session, client_id, "strengths", "Patience.", "You are patient", True, example="With my grandmother.")
        option_set = option_set_in_progress(session, client_id)
        set_own_options(session, option_set, ["Nursing", "Graphic design", "Stay in care work"])
        option_set.options[0].attracts = "Helping people."
        option_set.options[0].unknowns = "The shifts."
        complete_option_set(session, option_set)
        decision = decision_in_progress(session, client_id)
        set_criteria(session, decision, ["Pay", "Creativity"])
        decision.criteria[0].weight, decision.criteria[1].weight = 4, 5
        options = option_set.options
        for option, (pay, creativity) in zip(options, [(4, 2), (2, 5), (3, 1)]):
            set_rating(session, decision, decision.criteria[0].id, option.id, pay)
            set_rating(session, decision, decision.criteria[1].id, option.id, creativity)
        decision.matrix_image = picture
        set_outcome(decision, options[1].id)
        decision.rationale = "It fits what I love."
        decision.gut_feeling = "Excited but nervous."
        complete_decision(session, decision)
        plan = plan_in_progress(session, client_id)
        set_steps(session, plan, ["Ask about the portfolio course."])
        step = plan.steps[0]
        set_due_date(step, STEP_DAY, "14 March")
        step.support = "My cousin."
        step.obstacle, step.if_then = "I'm too tired after a shift", "I'll do it on Sunday morning."
        plan.skills = "Drawing software."
        complete_plan(session, plan)
    return client_id


def texts_of(items: list[SummaryItem]) -> list[str]:
    return [item.text for item in items]


def test_the_situation_comes_first_in_the_clients_own_words_and_labels_are_for_the_practitioner(db):
    client_id = a_client_with_a_whole_journey(db)
    with db() as session:
        items = build_summary(session, client_id)
    assert (items[0].section, items[0].text) == ("situation", SITUATION)
    texts = texts_of(items)
    assert "Interests: I like drawing." in texts
    assert "Strengths: Patience; for example: With my grandmother." in texts
    assert not any(re.search(r"\b[Yy]our\b", text) for text in texts), "nothing is addressed to the client"
    readiness = next(item.text for item in items if item.section == "readiness")
    assert readiness == "Clarity about what they want: 2 of 5 at the start; confidence about next steps: 3 of 5 at the start."


def test_plans_keep_their_obstacle_and_dates_carry_the_year(db):
    client_id = a_client_with_a_whole_journey(db)
    with db() as session:
        [step] = [item.text for item in build_summary(session, client_id) if item.key.startswith("step:")]
    assert step == (
        "Ask about the portfolio course (to do, by Friday 14 March 2031); help: My cousin; "
        "if-then: if I'm too tired after a shift, then I'll do it on Sunday morning."
    )


def test_punctuation_is_clean_whatever_the_client_ended_their_words_with(db):
    client_id = a_client_with_a_whole_journey(db)
    with db() as session:
        texts = texts_of(build_summary(session, client_id))
    assert not [text for text in texts if re.search(r"(?<!\.)\.\.(?!\.)|\.\s*\.|,\s*\.|;\s*\.", text)]
    assert "Chosen: Graphic design. Reasons: It fits what I love. Gut feeling: Excited but nervous." in texts
    assert "Nursing (what attracts: Helping people; still to find out: The shifts)" in texts
    assert "Skills to build: Drawing software." in texts


@pytest.mark.parametrize(
    "words, expected",
    [("Fine", "Fine."), ("Fine.", "Fine."), ("Fine..", "Fine."), ("Really?", "Really?"), ("Well...", "Well..."), ("So,", "So.")],
)
def test_a_sentence_ends_with_one_full_stop(words, expected):
    assert sentence(words) == expected


def test_an_option_taken_out_leaves_the_matrix_its_score_and_its_picture(db):
    client_id = a_client_with_a_whole_journey(db)
    with db() as session:
        draft = start_draft(session, client_id)
        shown = summary_text(kept_items(draft))
        assert "Nursing: 26 of 45" in shown and "/media/" not in shown
        number = next(line for line in shown.splitlines() if line.split(". ", 1)[-1].startswith("Nursing (")).split(".")[0]
        remove_items(draft, [int(number)])
        matrix = next(item for item in kept_items(draft) if item.key.startswith("matrix:"))
        assert "Nursing" not in matrix.text and "Graphic design: 33 of 45" in matrix.text
        assert "Highest weighted score: Graphic design." in matrix.text
        assert "picture" not in matrix.data, "the picture still shows the option taken out"
        approve(session, draft)
        stored = draft.items
    assert "Nursing" not in repr(stored), "stored nowhere once approved"
    assert any("Graphic design" in item["text"] for item in stored)


def test_a_matrix_with_every_option_taken_out_goes_too():
    matrix = SummaryItem(
        "matrix:1", "decision", "…",
        {"criteria": [{"name": "Pay", "weight": 3}], "options": [{"key": "option:7", "title": "Nursing", "ratings": [4]}]},
    )
    assert without_removed([matrix], ["option:7"]) == []
    assert without_removed([matrix], []) == [matrix]


async def test_the_handoff_page_shows_the_matrix_as_a_table_with_its_picture(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = a_client_with_a_whole_journey(db, pat)
    with db() as session:
        draft = start_draft(session, client_id)
        approve(session, draft)
        handoff_id = draft.id
    await logged_in(portal, "pat@example.org")
    for path in (f"/portal/handoffs/{handoff_id}", f"/portal/handoffs/{handoff_id}/print"):
        html = await (await portal.get(path)).text()
        assert "<h3>Situation, in the client&#39;s words</h3>" in html and "not sure nursing is for me." in html
        table = re.search(r"<table>.*?</table>", html, re.S)[0]
        assert "<caption>Decision matrix" in table
        assert re.search(r'<th scope="row" class="preserve">Graphic design</th><td>2</td><td>5</td><td><strong>33 of 45</strong>', table)
        assert re.search(r'<th scope="row" class="preserve">Nursing</th><td>4</td><td>2</td><td>26 of 45</td>', table)
        assert '<img class="matrix-picture" src="/media/matrixpicture0123456789.png"' in html
        assert "• Nursing: 26 of 45" not in html, "the table replaces the matrix's lines of text"


async def test_the_handoff_page_leaves_out_an_option_taken_out_of_the_summary(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = a_client_with_a_whole_journey(db, pat)
    with db() as session:
        draft = start_draft(session, client_id)
        number = next(n for n, item in enumerate(kept_items(draft), start=1) if item.key.startswith("option:") and "Nursing" in item.text)
        remove_items(draft, [number])
        approve(session, draft)
        handoff_id = draft.id
    await logged_in(portal, "pat@example.org")
    html = await (await portal.get(f"/portal/handoffs/{handoff_id}")).text()
    assert "Nursing" not in html and "Graphic design" in html
    assert "matrix-picture" not in html


def test_a_corrected_reflection_reaches_the_practitioner_without_the_corrections_lead_in(db):
    client_id = add_client(db, None)
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_reflection(session, client_id, "values", "it's more about working with kids", "working with kids", True)
        save_reflection(session, client_id, "circumstances", "I suppose more money than now", "more money than now", True)
        items = build_summary(session, client_id)
    texts = texts_of(items)
    assert "Values: working with kids." in texts
    assert "Circumstances: I suppose more money than now." in texts  # the client's hedge and "more ... than" stay
