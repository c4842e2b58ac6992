"""A person in a real browser (Debian's Chromium) completes consent and goals on the chat page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.stack

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def page(stack):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.set_default_timeout(60_000)
        yield page
        browser.close()
        assert problems == []


def send(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def test_consent_and_goals_in_the_browser_survive_a_reload(stack, page):
    page.goto(stack.url)
    log = page.get_by_role("list", name="Conversation")
    expect(log).to_contain_text("Is that all right with you?")

    page.get_by_role("button", name="Yes, I agree").click()
    expect(log).to_contain_text("what is your situation")
    send(page, "I finished school last year and work in a café")
    expect(log).to_contain_text("How clear do you feel")
    page.get_by_role("button", name="3 · somewhat").last.click()
    expect(log).to_contain_text("how confident do you feel")
    send(page, "4")
    expect(log).to_contain_text("What would you like to get out of")
    send(page, "Choose what to study\nFind a summer job")
    expect(log).to_contain_text("Here is what I noted")
    expect(log).to_contain_text("Find a summer job")

    page.screenshot(path=str(PROJECT_ROOT / "reports" / "chat-page.png"), full_page=True)
    page.reload()
    expect(log).to_contain_text("Here is what I noted")
    send(page, "hello")
    expect(log).to_contain_text("Welcome back!")
    expect(log.locator("li.out").last).to_contain_text("Choose what to study")
