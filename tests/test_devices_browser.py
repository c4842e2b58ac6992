"""Leaving a shared computer, in Chromium: "End the chat on this device" on the chat page, and
"Log out" on the portal. Afterwards what was copied from that browser (the chat's token, the
portal's cookie) opens nothing, and the conversation stays for the client's other device. The
gateway runs with the stand-in Rasa."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.portal.practitioners import create_account
from bot.storage.engine import make_engine, make_session_factory, transaction
from tests.gateway_thread import threaded_gateway as gateway  # noqa: F401  (fixture)
from tests.portal_support import PASSWORD
from tests.stack_support import http
from tests.test_browser import CHROMIUM_ARGS


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.set_default_timeout(20_000)
        yield page
        browser.close()
        assert problems == []


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_with_cookie(url: str, cookie: str) -> tuple[int, str]:
    """The status and Location of a GET sent with `cookie`, redirects not followed."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=20) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_ending_the_chat_on_a_shared_computer_leaves_nothing_there_and_keeps_the_conversation(gateway, browser_page):
    page = browser_page
    page.goto(gateway.url + "/")
    log = page.get_by_role("list", name="Conversation")
    expect(log).to_contain_text("Hello, I'm Waypoint.")
    page.get_by_label("Your message").fill("my answer about carpentry")
    page.get_by_label("Your message").press("Enter")
    expect(log).to_contain_text("You said: my answer about carpentry")
    token = page.evaluate("localStorage.getItem('waypoint.client_token')")
    headers = {"Authorization": f"Bearer {token}"}
    # The client's phone holds the same conversation (linked with a one-time code).
    status, link = http("POST", f"{gateway.url}/api/link-codes", headers=headers)
    assert status == 201
    status, linked = http("POST", f"{gateway.url}/api/link-codes/redeem", {"code": link["code"]})
    assert status == 200

    page.get_by_role("button", name="End the chat on this device").click()
    expect(log).to_contain_text("no longer open our conversation")  # asked first, with what stays
    page.get_by_role("button", name="End the chat here").click()
    expect(log).to_contain_text("The chat has ended on this device")
    expect(log).not_to_contain_text("carpentry")
    assert page.evaluate("localStorage.getItem('waypoint.client_token')") is None
    assert http("GET", f"{gateway.url}/api/messages", headers=headers)[0] == 401, "a copied token opens nothing"

    status, kept = http("GET", f"{gateway.url}/api/messages", headers={"Authorization": f"Bearer {linked['client_token']}"})
    assert status == 200 and "my answer about carpentry" in [m["text"] for m in kept["messages"]]

    page.reload()  # the next person at this computer starts a conversation of their own
    expect(log).to_contain_text("Hello, I'm Waypoint.")
    expect(log).not_to_contain_text("carpentry")


def test_logging_out_of_the_portal_ends_the_session_for_a_copied_cookie_too(gateway, browser_page):
    engine = make_engine(gateway.database_url)
    with transaction(make_session_factory(engine)) as session:
        create_account(session, "pat@example.org", "Pat Practitioner", PASSWORD, "practitioner")
    engine.dispose()
    page = browser_page
    page.goto(gateway.url + "/portal/login")
    page.get_by_label("E-mail address").fill("pat@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "waypoint_portal"]
    copied = f"waypoint_portal={cookie['value']}"
    assert status_with_cookie(gateway.url + "/portal/", copied)[0] == 200

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    status, location = status_with_cookie(gateway.url + "/portal/", copied)
    assert status == 302 and location.startswith("/portal/login")
