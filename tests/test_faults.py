"""Faults on the real stack (PostgreSQL, Redis's lock store, one Rasa process, the trained model).

Each test breaks one part in the middle of a conversation: the action server or Rasa killed (the
supervisor starts it again), the gateway killed, the database away for a while. Each ends with
every message the client sent stored once and answered, the client told "one moment" in
between, and the conversation going on at the question where it stood.
"""

from __future__ import annotations

import time
import urllib.error

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.gateway.wording import DATABASE_AWAY_NOTICE, QUEUED_NOTICE
from tests.stack_support import ChatClient, Stack, http
from tests.test_browser import CHROMIUM_ARGS
from tests.test_end_to_end import wait_for_opening

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory, postgres_server, redis_server):
    from tests.rasa_support import trained_model

    trained_model()
    stack = Stack(
        tmp_path_factory.mktemp("faults"),
        {"DATABASE_URL": postgres_server.create_database("fault_stack"), "REDIS_URL": redis_server.url()},
    )
    stack.start()
    yield stack
    stack.stop()


def client_at_the_situation_question(stack: Stack) -> ChatClient:
    client = ChatClient(stack)
    wait_for_opening(client)
    assert "situation" in client.replies_to("Yes, I agree", "/affirm")
    return client


def send_until_taken(client: ChatClient, text: str, timeout: float = 120) -> tuple[int, dict]:
    """What a client does while the gateway or its database is away: try again until the message is taken."""
    deadline = time.monotonic() + timeout
    refusals = []
    while time.monotonic() < deadline:
        try:
            status, body = client.say(text)
        except (urllib.error.URLError, ConnectionError, OSError):
            status, body = 0, None  # nobody listening: the gateway is restarting
        if status in (200, 202):
            return status, {**body, "refusals": refusals}
        refusals.append((status, body))
        time.sleep(1)
    raise AssertionError(f"the message was never taken: {refusals[-3:]}")


def assert_stored_once_and_answered(stack: Stack, client: ChatClient, *texts: str) -> None:
    history = client.history()
    for text in texts:
        assert [m["text"] for m in history].count(text) == 1, f"{text!r} is not stored exactly once"
    assert not [m for m in history if m["direction"] == "in" and m["status"] == "pending"]
    assert history[-1]["direction"] == "out"


def test_the_action_server_killed_mid_conversation(fault_stack):
    stack = fault_stack
    stack.wait_until_healthy()
    client = client_at_the_situation_question(stack)
    stack.kill("actions")
    situation = "I look after my grandmother and want to work in care"
    status, body = client.say(situation)
    assert status == 202 and body["notice"] == QUEUED_NOTICE  # "one moment", honestly
    assert "How clear" in client.wait_for_reply_after(body["message"]["id"])  # the next question of the start
    assert "confident" in client.replies_to("4")
    assert_stored_once_and_answered(stack, client, situation, "4")
    assert stack.rows("SELECT status FROM messages WHERE text = :t", t=situation) == [("answered",)]


def test_rasa_killed_and_started_again(fault_stack):
    stack = fault_stack
    stack.wait_until_healthy()
    client = client_at_the_situation_question(stack)
    assert "How clear" in client.replies_to("I study law but I would rather build furniture")
    stack.kill("rasa")
    status, body = client.say("2", None)
    assert status == 202 and body["notice"] == QUEUED_NOTICE
    later_status, later = client.say("and I mean it")  # a second message while Rasa loads: queued behind the first
    assert later_status == 202
    assert "confident" in client.wait_for_reply_after(body["message"]["id"], timeout=240)
    client.wait_for_reply_after(later["message"]["id"], timeout=240)
    assert_stored_once_and_answered(stack, client, "2", "and I mean it")
    texts = [m["text"] or "" for m in client.history()]
    # Answered in order: the clarity answer first (then the confidence question), then the second message.
    assert texts.index("2") < texts.index("and I mean it")


def test_the_gateway_killed_while_a_message_waits_and_while_the_client_writes(fault_stack):
    stack = fault_stack
    stack.wait_until_healthy()
    client = client_at_the_situation_question(stack)
    stack.kill("rasa")  # the next message stays pending in the database...
    status, body = client.say("I am a chef and want to teach cooking")
    assert status == 202
    stack.kill("gateway")  # ...while the gateway that took it goes away
    # The client writes while the gateway is down: refused until it is back, then taken.
    status, later = send_until_taken(client, "3 · somewhat")
    assert status in (200, 202) and later["refusals"], "the gateway was down when the client wrote"
    assert "How clear" in client.wait_for_reply_after(body["message"]["id"], timeout=240)
    client.wait_for_reply_after(later["message"]["id"], timeout=240)
    assert "confident" in "\n".join(m["text"] or "" for m in client.history()[-3:])
    assert_stored_once_and_answered(stack, client, "I am a chef and want to teach cooking", "3 · somewhat")


def test_the_database_away_for_a_while(fault_stack, postgres_server):
    stack = fault_stack
    stack.wait_until_healthy()
    client = client_at_the_situation_question(stack)
    postgres_server.stop()
    try:
        status, body = client.say("I work as a cashier and want to become a nurse")
        assert status == 503 and body["message"] == DATABASE_AWAY_NOTICE  # "one moment": send again shortly
        assert stack.health()[1]["components"]["database"] == "unavailable"
        time.sleep(5)
    finally:
        postgres_server.start()
    status, body = send_until_taken(client, "I work as a cashier and want to become a nurse")
    reply = body["replies"] if status == 200 else None
    text = "\n".join(r["text"] or "" for r in reply) if reply else client.wait_for_reply_after(body["message"]["id"])
    assert "How clear" in text
    assert "confident" in client.replies_to("1")
    assert_stored_once_and_answered(stack, client, "I work as a cashier and want to become a nurse", "1")


def test_the_web_chat_keeps_what_is_written_while_the_gateway_is_away(fault_stack):
    """chat.js's outbox: written while disconnected, shown as waiting, sent once the gateway is back."""
    stack = fault_stack
    stack.wait_until_healthy()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(stack.url)
            log = page.get_by_role("list", name="Conversation")
            expect(log).to_contain_text("Is that all right with you?")
            page.get_by_role("button", name="Yes, I agree").click()
            expect(log).to_contain_text("what is your situation")

            stack.kill("gateway")
            expect(page.locator("#status")).to_contain_text("Retrying", timeout=30_000)
            page.get_by_label("Your message").fill("I sell phones and would like to become a midwife")
            page.get_by_label("Your message").press("Enter")
            expect(log.locator("li.waiting")).to_contain_text("waiting to send")
            expect(page.locator("#status")).to_contain_text("Your message is kept")

            expect(log).to_contain_text("How clear", timeout=120_000)  # sent and answered once the gateway is back
            expect(log.locator("li.waiting")).to_have_count(0)
            expect(log.locator("li.in", has_text="I sell phones and would like to become a midwife")).to_have_count(1)
        finally:
            browser.close()
