"""The practitioner's contact end to end, in Debian's Chromium against the real stack and the trained
model: a client who did the start gets a message from their practitioner in their open chat, and
when they come back ("hello") the bot tells them the date of their next session; once the
practitioner removes the date, the bot no longer mentions it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from bot.guidance.contact import session_to_mention
from bot.storage.models import utcnow
from tests.test_browser import send
from tests.test_handoff_end_to_end import (  # noqa: F401 (fixture)
    browser,
    create_account,
    invited_client_after_the_start,
    logged_in,
    watched_page,
)

pytestmark = pytest.mark.stack

EMAIL = "ada.contact@example.org"
SITUATION = "I left college and now work in a bakery near the station"
MESSAGE = "Could we meet before Christmas? Bring your list of courses."


def test_the_bot_mentions_the_next_session_when_the_client_returns(stack, browser):
    problems: list[str] = []
    create_account(stack, EMAIL, "Ada Contact")
    practitioner = logged_in(watched_page(browser, problems), stack, EMAIL)
    client, log = invited_client_after_the_start(browser, problems, practitioner, "M.K.", SITUATION, "Find a course I would enjoy")
    expect(log).to_contain_text("write you short messages here and note the date of your next session")  # the consent said so

    # The practitioner sets the next session and writes; the client's chat is open.
    practitioner.get_by_role("link", name="Dashboard").click()
    practitioner.get_by_role("link", name="M.K.", exact=True).click()
    practitioner.get_by_role("link", name="Write to M.K. or set the next session").click()
    day = utcnow().date() + timedelta(days=9)
    practitioner.get_by_label("Date of the next session").fill(day.isoformat())
    practitioner.get_by_role("button", name="Save the date").click()
    expect(practitioner.get_by_role("status")).to_contain_text("is saved")
    practitioner.get_by_label("Your message").fill(MESSAGE)
    practitioner.get_by_role("button", name="Send to M.K.").click()
    expect(practitioner.get_by_role("status")).to_contain_text("Sent.")
    expect(log.locator("li.from-practitioner")).to_contain_text(MESSAGE)
    expect(log.locator("li.from-practitioner .author")).to_have_text("Message from Ada Contact, your practitioner:")

    # The client comes back: the welcome back names the date, in the bot's words.
    send(client, "hello")
    expected = f"Your next session is on {session_to_mention(day, utcnow().date())}."
    expect(log.locator("li.out").filter(has_text="Your next session is on")).to_have_text(f"Waypoint: {expected}")
    expect(log).to_contain_text("Welcome back")

    # Removed: the bot says nothing about a session any more.
    practitioner.get_by_role("button", name="Remove the date").click()
    expect(practitioner.get_by_role("status")).to_contain_text("removed")
    send(client, "hello")
    expect(log.locator("li.out").filter(has_text="Welcome back")).to_have_count(2)
    # A turn's replies are stored together before any is shown: the log holds the whole turn now.
    mentions = stack.rows(
        "SELECT COUNT(*) FROM messages WHERE text LIKE 'Your next session is on%' "
        "AND client_id = (SELECT client_id FROM messages WHERE text = :situation)",
        situation=SITUATION,
    )
    assert mentions[0][0] == 1, "only the earlier welcome back mentions a session"
    assert problems == []
    assert MESSAGE not in stack.log_path.read_text(), "the practitioner's words never reach the logs"
