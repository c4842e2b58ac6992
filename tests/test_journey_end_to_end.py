"""The whole journey through the gateway with the trained model: start, reflection, options,
decision, plan (with a restart of every process in the middle), show my plan, review and
closing feedback; then the stored records and the decision-matrix picture."""

from __future__ import annotations

import urllib.request
import uuid

import pytest

from tests.test_end_to_end import consent_and_start, rows

pytestmark = pytest.mark.stack

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_whole_journey_is_driven_by_the_client_and_stored(stack):
    situation = f"I care for older people and want a change {uuid.uuid4().hex[:8]}"
    client, client_id, summary = consent_and_start(stack, situation, "2", "2", "Choose my next job; make a plan")

    # Reflection, briefly: one theme in the client's words, the rest skipped.
    assert "What is important to you" in client.replies_to("Let's reflect", "/start_reflection")
    assert "Did I get that right?" in client.replies_to("Security, helping people, time with my family")
    client.replies_to("Yes, that's right", "/affirm")
    for _ in range(3):
        client.replies_to("skip")
    summary = client.replies_to("skip")
    assert "Thank you for reflecting" in summary and "options" in summary

    # Options, widened by the two prompts, each with what attracts and what is unknown.
    assert "Which options are you considering" in client.replies_to("Explore my options", "/explore_options")
    assert "alternative" in client.replies_to("Nursing at the hospital; teaching adults at the college")
    assert "someone who knows you well" in client.replies_to("no")
    assert 'What attracts you to "Nursing' in client.replies_to("Social work with young people, my sister would say")
    for answer in [
        "I already love caring for people every day",
        "Whether I can study while working full time",
        "Explaining things patiently is something I enjoy",
        "Whether colleges hire people without a teaching degree",
        "Helping families through hard times would mean a lot",
    ]:
        client.replies_to(answer)
    summary = client.replies_to("How much social workers earn in my region")
    assert "Here are your options" in summary and "Social work with young people" in summary

    # Decision: criteria suggested from the values, weights, ratings, the matrix, the gut check, the choice.
    criteria = client.replies_to("Weigh my options", "/make_decision")
    assert "Security; helping people" in criteria
    client.replies_to("Security; helping people")
    client.replies_to("4")
    client.replies_to("5")
    for rating in ["5", "3", "4", "5", "4"]:
        client.replies_to(rating)
    gut_check = client.replies_to("5")
    assert "Highest weighted score: Nursing at the hospital." in gut_check and "How does this result feel" in gut_check
    assert "Which option do you choose" in client.replies_to("It feels right, and a bit exciting too")
    assert 'What makes "Nursing at the hospital" the right choice' in client.replies_to("Nursing", "1")
    decided = client.replies_to("It gives me security and I can help people every day")
    assert "You've chosen: Nursing at the hospital." in decided

    [picture] = [m["image"] for m in client.history() if m["image"]]
    with urllib.request.urlopen(f"{stack.url}{picture}", timeout=10) as response:
        assert response.headers["Content-Type"] == "image/png"
        png = response.read()
    assert png.startswith(PNG_SIGNATURE) and png == (stack.work_dir / "media" / picture.removeprefix("/media/")).read_bytes()

    # Plan, with every process stopped and started again in the middle of it.
    assert 'What concrete steps will you take towards "Nursing at the hospital"?' in client.replies_to(
        "Plan my steps", "/plan_actions"
    )
    assert "By when" in client.replies_to("Call the hospital's nursing school; talk to my family about money")
    assert "Noted:" in client.replies_to("next Friday")
    stack.stop()
    stack.start()
    resumed = client.replies_to("hello")
    assert "Let's continue where we stopped" in resumed and "What or who could help you" in resumed
    client.replies_to("My friend Sara works there as a nurse")
    client.replies_to("If I'm too tired after work, then I'll call on Saturday morning")
    client.replies_to("in two weeks")
    client.replies_to("skip")
    client.replies_to("We might argue, then I'll ask my sister to join the talk")
    planned = client.replies_to("Studying again, and anatomy basics")
    assert "Call the hospital's nursing school (by" in planned and "how this process has been for you" in planned

    shown = client.replies_to("show me my plan")
    assert "Your decision: Nursing at the hospital." in shown and "talk to my family about money (by" in shown

    # Review: no step is due yet, so both are checked; one done, one replanned; the goals still fit.
    assert "Call the hospital's nursing school" in client.replies_to("Check in on my plan", "/review_progress")
    assert "talk to my family about money" in client.replies_to("Done", "done")
    assert "When would you like to do" in client.replies_to("Replan it", "replan")
    assert "Do they still fit" in client.replies_to("in three weeks")
    reviewed = client.replies_to("They still fit", "/affirm")
    assert "\"Call the hospital's nursing school\": done" in reviewed and "Your goals still fit." in reviewed

    # Closing feedback: readiness again, so the change shows.
    client.replies_to("Give feedback", "/give_feedback")
    for answer in ["4", "4", "5", "5", "5"]:
        client.replies_to(answer)
    client.replies_to("Being asked what matters to me before choosing")
    closing = client.replies_to("Maybe shorter questions in the plan")
    assert "2 at the start, 4 now (+2)" in closing

    assert rows(stack, "SELECT title, origin FROM options WHERE client_id = :c ORDER BY position", c=client_id) == [
        ("Nursing at the hospital", "own"),
        ("teaching adults at the college", "own"),
        ("Social work with young people", "suggested"),
    ]
    [(status, rationale, image)] = rows(
        stack, "SELECT status, rationale, matrix_image FROM decisions WHERE client_id = :c", c=client_id
    )
    assert status == "chosen" and rationale.startswith("It gives me security") and picture.endswith(image)
    assert rows(stack, "SELECT name, weight FROM criteria WHERE client_id = :c ORDER BY position", c=client_id) == [
        ("Security", 4),
        ("helping people", 5),
    ]
    assert len(rows(stack, "SELECT value FROM option_ratings WHERE client_id = :c", c=client_id)) == 6
    steps = rows(
        stack, "SELECT description, status, due_date, if_then FROM action_steps WHERE client_id = :c ORDER BY position", c=client_id
    )
    assert [(s[0], s[1]) for s in steps] == [
        ("Call the hospital's nursing school", "done"),
        ("talk to my family about money", "open"),
    ]
    assert all(s[2] is not None for s in steps) and steps[0][3] == "I'll call on Saturday morning"
    assert rows(stack, "SELECT status FROM step_updates WHERE client_id = :c ORDER BY id", c=client_id) == [
        ("done",),
        ("replanned",),
    ]
    phases = dict(rows(stack, "SELECT phase, status FROM phase_progress WHERE client_id = :c", c=client_id))
    assert phases == {
        "start": "done",
        "reflection": "done",
        "options": "done",
        "decision": "done",
        "planning": "done",
        "review": "done",
        "closing": "done",
    }


def test_going_back_switching_phase_and_pausing_inside_the_journey(stack):
    situation = f"Studying biology and unsure what next {uuid.uuid4().hex[:8]}"
    client, client_id, _ = consent_and_start(stack, situation, "3", "3", "Find out what suits me")

    client.replies_to("Explore my options", "/explore_options")
    client.replies_to("Research in a laboratory; teaching biology at school")
    again = client.replies_to("go back")
    assert "go back to the previous question" in again and "Which options are you considering" in again
    client.replies_to("Research in a laboratory; science journalism for a magazine")
    switched = client.replies_to("Plan my steps", "/plan_actions")
    assert "What concrete steps will you take" in switched
    paused = client.replies_to("pause")
    assert "pick up at the same point" in paused
    resumed = client.replies_to("hello")
    assert "We paused in the middle of the action plan" in resumed and "What concrete steps" in resumed
    assert rows(stack, "SELECT title FROM options WHERE client_id = :c ORDER BY position", c=client_id) == [
        ("Research in a laboratory",),
        ("science journalism for a magazine",),
    ]
