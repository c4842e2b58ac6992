"""The handoff end to end, in Debian's Chromium against the real stack and the trained model.

A practitioner account is created on the command line; the practitioner logs in and makes an
invitation; a client opens its link, does the start, asks for their practitioner, takes one goal
out of the summary and approves it; the practitioner's open dashboard shows the handoff without
a reload, and the handoff page has the approved items and not the removed one.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from bot.settings import PROJECT_ROOT
from tests.test_browser import CHROMIUM_ARGS, send

pytestmark = pytest.mark.stack

EMAIL, PASSWORD = "ada.handoff@example.org", "a long enough passphrase"
KEPT_GOAL, REMOVED_GOAL = "Choose what to study", "Find a summer job"
MESSAGE = "Could we look at study costs next time?"


def create_account(stack, email: str, name: str, *role: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.portal.accounts", "create", "--email", email, "--name", name, *role, "--password-stdin"],
        input=PASSWORD + "\n",
        env=stack.environment,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def logged_in(page: Page, stack, email: str) -> Page:
    page.goto(f"{stack.url}/portal/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    return page


@pytest.fixture
def browser(stack):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_page(browser, problems: list[str]) -> Page:
    """A page in its own context (cookies, storage) whose script errors are collected."""
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.set_default_timeout(60_000)
    return page


def invited_client_after_the_start(
    browser, problems: list[str], practitioner: Page, label: str, situation: str, goals: str
) -> tuple[Page, Locator]:
    """The practitioner makes an invite for `label`; a client opens its link in a browser of their own,
    agrees, and does the start. Returns the client's page and their conversation."""
    practitioner.get_by_role("link", name="Invites").click()
    practitioner.get_by_label("Your label for the client").fill(label)
    practitioner.get_by_role("button", name="Create invite").click()
    web_link = practitioner.get_by_label("Web chat link").input_value()
    assert "?invite=" in web_link

    client = watched_page(browser, problems)
    client.goto(web_link)
    log = client.get_by_role("list", name="Conversation")
    expect(log).to_contain_text("connected with your practitioner")
    client.get_by_role("button", name="Yes, I agree").click()
    expect(log).to_contain_text("what is your situation")
    send(client, situation)
    expect(log).to_contain_text("How clear do you feel")
    send(client, "2")
    expect(log).to_contain_text("how confident do you feel")
    send(client, "3")
    expect(log).to_contain_text("What would you like to get out of")
    send(client, goals)
    expect(log).to_contain_text("Here is what I noted")
    return client, log


def test_a_client_approves_a_handoff_with_one_item_removed_and_the_practitioner_reviews_it(stack, browser):
    problems: list[str] = []
    create_account(stack, EMAIL, "Ada Lovelace")
    practitioner = logged_in(watched_page(browser, problems), stack, EMAIL)

    client, log = invited_client_after_the_start(
        browser, problems, practitioner, "J.S.", "I finished school last year and work in a café", f"{KEPT_GOAL}\n{REMOVED_GOAL}"
    )

    practitioner.get_by_role("link", name="Dashboard").click()
    expect(practitioner.get_by_role("link", name="J.S.")).to_be_visible()

    send(client, "I'd like to talk to my practitioner")
    expect(log).to_contain_text("This is what I would send to your practitioner")
    expect(log).to_contain_text(f"3. {REMOVED_GOAL}")  # the situation in their words is 1
    send(client, "remove 3")
    expect(log).to_contain_text(f"Taken out: {REMOVED_GOAL}")
    send(client, MESSAGE)
    expect(log).to_contain_text("share the transcript")
    client.get_by_role("button", name="No, just the summary").last.click()
    expect(log).to_contain_text("Shall I send it?")
    client.get_by_role("button", name="Send it").last.click()
    expect(log).to_contain_text("Sent. Your practitioner will read it")
    expect(log.locator("li.out").last).to_contain_text("What would you like to do next?")

    # The dashboard was left open: it shows the new handoff by itself.
    handoff_link = practitioner.get_by_role("link", name="Handoff to review for J.S.")
    expect(handoff_link).to_be_visible(timeout=10_000)
    handoff_link.click()
    summary = practitioner.locator("section", has=practitioner.get_by_role("heading", name="Summary approved by the client"))
    expect(summary).to_contain_text(KEPT_GOAL)
    expect(summary).to_contain_text(MESSAGE)
    expect(summary).not_to_contain_text(REMOVED_GOAL)
    expect(practitioner.locator("body")).not_to_contain_text(REMOVED_GOAL)  # nor in a transcript: not shared
    practitioner.get_by_role("link", name="Printable version").click()
    expect(practitioner.locator("body")).to_contain_text(KEPT_GOAL)
    practitioner.go_back()
    practitioner.get_by_role("button", name="Mark as reviewed").click()
    expect(practitioner.get_by_role("button", name="Mark as reviewed")).to_have_count(0)
    expect(practitioner.locator("body")).to_contain_text("Reviewed on")

    practitioner.get_by_role("link", name="Dashboard").click()
    expect(practitioner.get_by_role("link", name="Handoff to review for J.S.")).to_have_count(0)
    for name in ("J.S.",):
        practitioner.get_by_role("link", name=name).first.click()
        expect(practitioner.locator("body")).to_contain_text(KEPT_GOAL)
    practitioner.get_by_role("link", name="Feedback").click()
    expect(practitioner.get_by_role("heading", level=1)).to_be_visible()

    create_account(stack, "admin.handoff@example.org", "Grace Hopper", "--admin")
    administrator = logged_in(watched_page(browser, problems), stack, "admin.handoff@example.org")
    # Reviewed already: nobody is counted as waiting with a handoff, and J.S. has no badge for one.
    expect(administrator.get_by_role("link", name="0 with a handoff to review", exact=True)).to_be_visible()
    expect(administrator.get_by_role("link", name="Handoff to review for J.S.")).to_have_count(0)
    administrator.get_by_role("link", name="Accounts").click()
    expect(administrator.locator("body")).to_contain_text("ada.handoff@example.org")
    assert problems == []
    logged = stack.log_path.read_text()
    assert MESSAGE not in logged and REMOVED_GOAL not in logged, "client text never reaches the logs"
