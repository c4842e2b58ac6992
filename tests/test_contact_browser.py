"""In Debian's Chromium (the gateway with the stand-in Rasa): a practitioner writes to a client from
the portal and sets the next session; the client's open chat page shows the message at once, marked
as the practitioner's; in the widget on a website the closed bubble counts it and the open panel
shows it the same way. And the approved summary's decision matrix as a table with its picture, on
the handoff page and printed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.guidance.decision_matrix import render_png
from bot.portal.practitioners import create_account
from bot.storage.decisions import latest_decision, matrix_of
from bot.storage.engine import make_engine, make_session_factory, transaction
from bot.storage.handoffs import approve, start_draft
from bot.storage.models import utcnow
from tests.gateway_thread import threaded_gateway as gateway  # noqa: F401  (fixture)
from tests.portal_support import PASSWORD
from tests.test_browser import CHROMIUM_ARGS
from tests.test_contact import a_web_client
from tests.test_summary import a_client_with_a_whole_journey

FRAME = 'iframe[title="Waypoint chat"]'
MESSAGE = "Could we meet before Christmas? Tuesday 22 December at 10 suits me."


@pytest.fixture
def database(gateway):
    engine = make_engine(gateway.database_url)
    sessions = make_session_factory(engine)
    yield lambda: transaction(sessions)
    engine.dispose()


@pytest.fixture
def browser(gateway):
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def new_page(**options) -> Page:
            page = browser.new_context(**options).new_page()
            page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
            # Script errors count; a 422 answer to a refused form (or a favicon's 404) is the browser's news, not one.
            page.on(
                "console",
                lambda message: problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and not message.text.startswith("Failed to load resource")
                else None,
            )
            page.set_default_timeout(20_000)
            return page

        yield new_page
        browser.close()
    assert problems == []


def a_practitioner_and_their_client(database) -> tuple[str, str]:
    """Pat Practitioner, and a web client of theirs (invite label J.S.) who agreed; returns the client's id and token."""
    with database() as session:
        pat = create_account(session, "pat@example.org", "Pat Practitioner", PASSWORD, "practitioner").id
    return a_web_client(database, pat)


def logged_in(page: Page, gateway) -> Page:
    page.goto(gateway.url + "/portal/login")
    page.get_by_label("E-mail address").fill("pat@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def with_token(page: Page, gateway, token: str, path: str) -> Page:
    """Open `path` in a browser that holds this client's chat (as on the client's own computer)."""
    page.goto(gateway.url + "/api/openapi.json")  # the gateway's origin, without the chat's own script
    page.evaluate("token => localStorage.setItem('waypoint.client_token', token)", token)
    page.goto(gateway.url + path)
    return page


def test_a_practitioner_writes_and_the_open_chat_shows_it_as_theirs(gateway, database, browser):
    client_id, token = a_practitioner_and_their_client(database)
    client = with_token(browser(), gateway, token, "/")
    log = client.get_by_role("list", name="Conversation")
    expect(log).to_contain_text("Hello, I'm Waypoint.")

    practitioner = logged_in(browser(), gateway)
    practitioner.goto(f"{gateway.url}/portal/clients/{client_id}")
    practitioner.get_by_role("link", name="Write to J.S. or set the next session").click()
    expect(practitioner.get_by_role("heading", name="Contact with J.S.")).to_be_visible()
    expect(practitioner.locator("body")).to_contain_text("their web chat with Waypoint")

    # Only spaces: a kind word, nothing sent.
    practitioner.get_by_label("Your message").fill("   ")
    practitioner.get_by_role("button", name="Send to J.S.").click()
    expect(practitioner.get_by_role("alert")).to_have_text("Please write a message first.")
    expect(log.locator("li.from-practitioner")).to_have_count(0)

    practitioner.get_by_label("Your message").fill(MESSAGE)
    practitioner.get_by_role("button", name="Send to J.S.").click()
    expect(practitioner.get_by_role("status")).to_contain_text("Sent.")
    sent = practitioner.locator("#messages li")
    expect(sent).to_have_count(1)
    expect(sent).to_contain_text(MESSAGE)
    expect(sent).to_contain_text("From Pat Practitioner")

    # The client's chat was open: the message is there at once, saying who wrote it and where replies go.
    bubble = log.locator("li.from-practitioner")
    expect(bubble).to_have_count(1)
    expect(bubble.locator(".author")).to_have_text("Message from Pat Practitioner, your practitioner:")
    expect(bubble).to_contain_text(MESSAGE)
    expect(bubble.locator(".author-note")).to_contain_text("not to Pat Practitioner")
    expect(client.locator("#announcer")).to_contain_text(f"Message from Pat Practitioner, your practitioner: {MESSAGE}")
    # It stays in the conversation: after a reload it is still there, still theirs.
    client.reload()
    expect(log.locator("li.from-practitioner")).to_contain_text(MESSAGE)


def test_the_widget_counts_the_message_while_closed_and_shows_it_as_the_practitioners(gateway, database, browser):
    client_id, token = a_practitioner_and_their_client(database)
    website = with_token(browser(viewport={"width": 1280, "height": 800}), gateway, token, "/api/openapi.json")
    website.evaluate("localStorage.setItem('waypoint.widget.used', '1')")  # the chat loads with the page, closed
    website.goto(gateway.url + "/widget/demo")
    # Connected behind the closed panel: the bot's greeting is counted on the bubble.
    expect(website.get_by_role("button", name="Talk to Waypoint (1 new message)")).to_have_attribute("aria-expanded", "false")

    practitioner = logged_in(browser(), gateway)
    practitioner.goto(f"{gateway.url}/portal/clients/{client_id}/contact")
    practitioner.get_by_label("Your message").fill(MESSAGE)
    practitioner.get_by_role("button", name="Send to J.S.").click()
    expect(practitioner.get_by_role("status")).to_contain_text("Sent.")

    news = website.get_by_role("button", name="Talk to Waypoint (2 new messages)")
    expect(news).to_be_visible()
    news.click()
    message = website.frame_locator(FRAME).get_by_role("list", name="Conversation").locator("li.from-practitioner")
    expect(message.locator(".author")).to_have_text("Message from Pat Practitioner, your practitioner:")
    expect(message).to_contain_text(MESSAGE)


def test_the_next_session_is_set_changed_and_removed_on_the_contact_page(gateway, database, browser):
    client_id, _ = a_practitioner_and_their_client(database)
    page = logged_in(browser(), gateway)
    page.goto(f"{gateway.url}/portal/clients/{client_id}/contact")
    expect(page.locator("#next-session-date")).to_have_text("No date set.")
    field = page.get_by_label("Date of the next session")
    assert field.get_attribute("min") == utcnow().date().isoformat(), "the date picker offers no past day"

    day = utcnow().date() + timedelta(days=10)
    field.fill(day.isoformat())
    page.get_by_role("button", name="Save the date").click()
    expect(page.get_by_role("status")).to_contain_text("The date of the next session is saved")
    expect(page.locator("#next-session-date")).to_contain_text(f"{day.day} ")
    expect(page.locator("#next-session-date")).to_contain_text(str(day.year))

    later = day + timedelta(days=7)
    page.get_by_label("Date of the next session").fill(later.isoformat())
    page.get_by_role("button", name="Change the date").click()
    expect(page.locator("#next-session")).to_contain_text("Next session changed to")
    page.get_by_role("button", name="Remove the date").click()
    expect(page.get_by_role("status")).to_have_text("The date of the next session is removed.")
    expect(page.locator("#next-session-date")).to_have_text("No date set.")


def test_the_summary_shows_the_matrix_as_a_table_with_its_picture_and_prints_well(gateway, database, browser):
    with database() as session:
        pat = create_account(session, "pat@example.org", "Pat Practitioner", PASSWORD, "practitioner").id

    client_id = a_client_with_a_whole_journey(database, pat, picture="contactbrowsermatrix01.png")
    with database() as session:
        render_png(matrix_of(session, latest_decision(session, client_id)), gateway.settings.media_dir / "contactbrowsermatrix01.png")
        draft = start_draft(session, client_id)
        draft.message = "Can we talk about portfolio courses?"
        approve(session, draft)
        handoff_id = draft.id
    page = logged_in(browser(viewport={"width": 1100, "height": 900}), gateway)
    page.goto(f"{gateway.url}/portal/handoffs/{handoff_id}")
    summary = page.locator("section", has=page.get_by_role("heading", name="Summary approved by the client"))
    expect(summary.get_by_role("heading", name="Situation, in the client's words")).to_be_visible()
    table = summary.get_by_role("table", name="Decision matrix: each option rated on the client's own criteria, weighted")
    expect(table.get_by_role("row")).to_have_count(4)  # the header and three options
    expect(table.get_by_role("row", name="Graphic design")).to_contain_text("33 of 45")
    picture = summary.get_by_role("img", name="The decision matrix as the client saw it in the chat")
    expect(picture).to_be_visible()
    assert picture.evaluate("image => image.complete && image.naturalWidth > 0"), "the picture loads"
    expect(summary).to_contain_text("Interests: I like drawing.")
    expect(summary).to_contain_text("if-then: if I'm too tired after a shift, then I'll do it on Sunday morning.")

    page.get_by_role("link", name="Printable version").click()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Friday 14 March 2031")
    expect(page.locator("body")).to_contain_text("Can we talk about portfolio courses?")
