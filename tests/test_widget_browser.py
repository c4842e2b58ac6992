"""A visitor of a guidance service's website chats in the embedded widget (Debian's Chromium, the real stack).

With the mouse, with the keyboard only, and on a phone-sized screen: consent with a button, an
answer typed, a reload, and the history and the place in the conversation are still there.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.stack

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
FRAME = 'iframe[title="Waypoint chat"]'
SITUATION = "I finished school last year and work in a café"
MOST_TABS = 12
# Keeps every text an element shows, so a short-lived one (the typing indicator) can be checked afterwards.
RECORD_CHANGES = """e => {
  e.seen = [];
  new MutationObserver(() => e.seen.push(e.textContent)).observe(e, {childList: true, characterData: true, subtree: true});
}"""
# The first turns of a freshly started Rasa take several seconds; expect() waits 5 s by default.
REPLY_MS = 60_000


@pytest.fixture
def open_page(stack):
    """Opens pages (one browser per test) and asserts at the end that none had a script or console error."""
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def new_page(**context_options):
            page = browser.new_context(**context_options).new_page()
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.set_default_timeout(60_000)
            page.goto(f"{stack.url}/widget/demo")
            return page

        yield new_page
        browser.close()
    assert problems == []


def bubble(page):
    return page.get_by_role("button", name="Talk to Waypoint")


def conversation(page):
    return page.frame_locator(FRAME).get_by_role("list", name="Conversation")


def type_message(page, text: str) -> None:
    field = page.frame_locator(FRAME).get_by_label("Your message")
    field.fill(text)
    field.press("Enter")


def has_focus(locator) -> bool:
    """True when the element has the keyboard focus: in its document (or shadow root), and that document in focus."""
    return locator.evaluate("e => e.getRootNode().activeElement === e && e.ownerDocument.hasFocus()")


def tab_to(page, locator, most: int = MOST_TABS, key: str = "Tab") -> None:
    for _ in range(most):
        page.keyboard.press(key)
        if has_focus(locator):
            return
    raise AssertionError(f"{key} did not reach {locator} in {most} presses")


def test_a_visitor_consents_answers_reloads_and_carries_on(open_page):
    page = open_page(viewport={"width": 1280, "height": 800})
    expect(bubble(page)).to_have_attribute("aria-expanded", "false")
    expect(page.locator(FRAME)).to_have_count(0)  # a first visit starts no chat until the bubble is opened
    bubble(page).click()
    expect(bubble(page)).to_have_attribute("aria-expanded", "true")
    chat = page.frame_locator(FRAME)
    log = conversation(page)
    expect(log).to_contain_text("Is that all right with you?", timeout=REPLY_MS)

    chat.get_by_role("button", name="Yes, I agree").click()
    expect(log).to_contain_text("what is your situation", timeout=REPLY_MS)
    expect(chat.get_by_role("button", name="Yes, I agree")).to_be_disabled()  # not pressed twice
    expect(chat.get_by_label("Your message")).to_be_focused()
    typing = chat.locator("#typing")
    typing.evaluate(RECORD_CHANGES)
    type_message(page, SITUATION)
    expect(log).to_contain_text("How clear do you feel", timeout=REPLY_MS)
    # Replies are announced by a live region, and the typing indicator is gone once they are there.
    expect(chat.locator("[aria-live=polite]#announcer")).to_contain_text("How clear do you feel", timeout=REPLY_MS)
    expect(typing).to_have_text("")
    assert "Waypoint is writing" in typing.evaluate("e => e.seen"), "no typing indicator while the reply was on its way"
    page.mouse.move(0, 0)  # no hover colour in the picture for the README
    page.screenshot(path=str(PROJECT_ROOT / "reports" / "widget.png"))

    page.reload()
    expect(bubble(page)).to_have_attribute("aria-expanded", "false")
    bubble(page).click()
    expect(log).to_contain_text("Is that all right with you?", timeout=REPLY_MS)
    # Each message says who said it, in words a screen reader reads (visually hidden).
    expect(log.locator("li.in")).to_have_text(["You: Yes, I agree", f"You: {SITUATION}"])
    expect(log.locator("li.out").last).to_contain_text("How clear do you feel")
    chat.get_by_role("button", name="3 · somewhat").click()
    expect(log).to_contain_text("how confident do you feel", timeout=REPLY_MS)

    # A reply that arrives while the panel is closed (as a pushed check-in would) shows on the bubble.
    type_message(page, "4")
    page.get_by_role("button", name="Close the chat").click()
    expect(bubble(page)).to_have_accessible_name(re.compile(r"^Talk to Waypoint \(\d+ new messages?\)$"), timeout=REPLY_MS)
    bubble(page).click()
    expect(bubble(page)).to_have_accessible_name("Talk to Waypoint")
    expect(log).to_contain_text("What would you like to get out of")


def test_the_same_with_the_keyboard_only(open_page):
    page = open_page(viewport={"width": 1280, "height": 800})
    chat = page.frame_locator(FRAME)
    log = conversation(page)
    expect(bubble(page)).to_be_visible()
    tab_to(page, bubble(page))
    page.keyboard.press("Enter")
    expect(bubble(page)).to_have_attribute("aria-expanded", "true")
    expect(log).to_contain_text("Is that all right with you?", timeout=REPLY_MS)
    tab_to(page, page.get_by_role("button", name="Close the chat"), most=1)
    tab_to(page, chat.get_by_role("button", name="Yes, I agree"), most=2)
    page.keyboard.press("Space")
    expect(log).to_contain_text("what is your situation", timeout=REPLY_MS)
    assert has_focus(chat.get_by_label("Your message"))
    page.keyboard.type(SITUATION)
    page.keyboard.press("Enter")
    expect(log).to_contain_text("How clear do you feel", timeout=REPLY_MS)
    assert has_focus(chat.get_by_label("Your message"))  # a reply with buttons does not take the focus

    # Escape inside the chat closes the panel and gives the focus back to the bubble.
    page.keyboard.press("Escape")
    expect(bubble(page)).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("region", name="Talk to Waypoint")).to_be_hidden()
    assert has_focus(bubble(page))

    page.reload()
    tab_to(page, bubble(page))
    page.keyboard.press("Enter")
    expect(log).to_contain_text(SITUATION, timeout=REPLY_MS)
    expect(log.locator("li.out").last).to_contain_text("How clear do you feel")
    # Answered choices are disabled, so the first stop in the chat is the question waiting for an answer.
    tab_to(page, chat.get_by_role("button", name="1 · not at all"), most=2)
    tab_to(page, chat.get_by_role("button", name="3 · somewhat"), most=2)
    page.keyboard.press("Enter")
    expect(log).to_contain_text("how confident do you feel", timeout=REPLY_MS)
    # Back from the message field to the new choices with Shift+Tab.
    tab_to(page, chat.get_by_role("button", name="4", exact=True).last, key="Shift+Tab")
    page.keyboard.press("Space")
    expect(log).to_contain_text("What would you like to get out of", timeout=REPLY_MS)
    page.keyboard.press("Escape")
    assert has_focus(bubble(page))


def test_on_a_phone_the_panel_fits_the_screen_and_the_field_is_in_view(open_page):
    width, height = 360, 640
    page = open_page(viewport={"width": width, "height": height}, has_touch=True, is_mobile=True)
    bubble(page).tap()
    chat = page.frame_locator(FRAME)
    expect(conversation(page)).to_contain_text("Is that all right with you?", timeout=REPLY_MS)
    chat.get_by_role("button", name="Yes, I agree").tap()
    expect(conversation(page)).to_contain_text("what is your situation", timeout=REPLY_MS)

    def inside_the_screen(locator) -> None:
        box = locator.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, box

    inside_the_screen(page.get_by_role("region", name="Talk to Waypoint"))
    for control in (chat.get_by_label("Your message"), chat.get_by_role("button", name="Send")):
        expect(control).to_be_visible()
        inside_the_screen(control)
    # Nothing in the chat is wider than the panel (no sideways scrolling on a phone).
    assert chat.locator("html").evaluate("e => e.scrollWidth <= e.clientWidth")
    type_message(page, SITUATION)
    expect(conversation(page)).to_contain_text("How clear do you feel", timeout=REPLY_MS)
    inside_the_screen(chat.get_by_role("button", name="5 · very"))
    page.screenshot(path=str(PROJECT_ROOT / "reports" / "widget-phone.png"))
