"""The production set-up end to end: PostgreSQL, Redis's lock store and two Rasa processes behind
the gateway, with the trained model; and the soak of 200 clients taking 10 turns each."""

from __future__ import annotations

import asyncio
import gc
import time

import pytest

from tests.load_support import run_clients
from tests.stack_support import ChatClient, http
from tests.test_end_to_end import wait_for_opening

pytestmark = pytest.mark.stack

SOAK_CLIENTS, SOAK_TURNS = 200, 10


def test_a_conversation_is_stored_in_postgresql_and_survives_losing_a_rasa_process(production_stack):
    stack = production_stack
    stack.wait_for_every_rasa_process()
    assert set(stack.processes()) == {"actions", "rasa-1", "rasa-2", "gateway"}
    client = ChatClient(stack)
    wait_for_opening(client)
    assert "situation" in client.replies_to("Yes, I agree", "/affirm")
    situation = f"I drive a delivery van and want to train as an electrician {time.time_ns()}"
    assert "How clear" in client.replies_to(situation)

    # One Rasa process goes; the other takes the client's next turns at once, at the right place.
    stack.kill("rasa-1")
    status, body = client.say("3 · somewhat", "3")
    assert status == 200, "answered at once by rasa-2, not queued until rasa-1 is back"
    assert "confident" in "\n".join(reply["text"] or "" for reply in body["replies"])
    assert "goals" in client.replies_to("2")
    summary = client.replies_to("Find an apprenticeship; pass the safety course")
    assert situation in summary and "Find an apprenticeship" in summary

    [(client_id,)] = stack.rows("SELECT client_id FROM messages WHERE text = :t", t=situation)
    assert stack.rows("SELECT situation FROM intakes WHERE client_id = :c", c=client_id) == [(situation,)]
    assert stack.rows("SELECT item, value FROM readiness_ratings WHERE client_id = :c ORDER BY item", c=client_id) == [
        ("clarity", 3),
        ("confidence", 2),
    ]
    # Rasa's tracker store is the same PostgreSQL database: the client's turns are all there.
    user_turns = stack.rows("SELECT count(*) FROM events WHERE sender_id = :c AND type_name = 'user'", c=client_id)
    assert user_turns == [(6,)]  # the greeting sent on their behalf, then five answers
    assert not stack.rows("SELECT id FROM messages WHERE client_id = :c AND status = 'pending'", c=client_id)

    # A message sent again (its answer lost on the way) is not taken twice, by either process.
    [(message_id,)] = stack.rows("SELECT id FROM messages WHERE client_id = :c AND text = '2'", c=client_id)
    stored = [text for (text,) in stack.rows("SELECT text FROM messages WHERE reply_to_id = :m ORDER BY id", m=message_id)]
    for port in (stack.ports["RASA_PORT"], stack.ports["RASA_PORT"] + 1):
        stack.wait_for_rasa_on(port)  # rasa-1 is being started again by the supervisor
        status, replies = http(
            "POST", f"http://127.0.0.1:{port}/webhooks/gateway/webhook",
            {"sender": client_id, "message": "2", "message_id": f"waypoint-{message_id}", "maybe_seen": True},
            {"Authorization": f"Bearer {stack.settings.rasa_token}"},
        )
        assert status == 200 and [reply.get("text") for reply in replies] == stored
    assert stack.rows("SELECT count(*) FROM events WHERE sender_id = :c AND type_name = 'user'", c=client_id) == [(6,)]


def test_soak_200_clients_10_turns_each_lose_nothing_and_give_memory_back(production_stack):
    stack = production_stack
    stack.wait_for_every_rasa_process()
    # Every process warmed up (whole conversations) before measuring where memory starts.
    asyncio.run(run_clients(stack.url, 10, SOAK_TURNS))
    gc.collect()
    before = stack.resident_memory()
    messages_before = stack.rows("SELECT count(*) FROM messages WHERE direction = 'in'")[0][0]
    user_events_before = stack.rows("SELECT count(*) FROM events WHERE type_name = 'user'")[0][0]

    result = asyncio.run(run_clients(stack.url, SOAK_CLIENTS, SOAK_TURNS))
    print(
        f"\nsoak: {result.turns} turns in {result.elapsed:.0f} s ({result.turns_per_second:.1f} turns/s), "
        f"errors {len(result.errors)}, unanswered {result.unanswered}"
    )
    assert result.errors == [] and result.unanswered == 0, stack.log_problems()
    assert result.clients_done == SOAK_CLIENTS and result.turns == SOAK_CLIENTS * SOAK_TURNS

    # No lost event: every message stored and answered, and Rasa saw every one of them.
    new_messages = stack.rows("SELECT count(*) FROM messages WHERE direction = 'in'")[0][0] - messages_before
    assert new_messages == SOAK_CLIENTS * (SOAK_TURNS + 1)  # each client's greeting and ten turns
    assert stack.rows("SELECT count(*) FROM messages WHERE status = 'pending'") == [(0,)]
    new_user_events = stack.rows("SELECT count(*) FROM events WHERE type_name = 'user'")[0][0] - user_events_before
    taken_twice = stack.rows(
        "SELECT sender_id, data::json->>'message_id', count(*) FROM events WHERE type_name = 'user' "
        "GROUP BY sender_id, data::json->>'message_id' HAVING count(*) > 1"
    )
    assert taken_twice == [] and new_user_events == SOAK_CLIENTS * (SOAK_TURNS + 1), stack.log_problems()

    time.sleep(5)  # let the last requests' buffers go
    after = stack.resident_memory()
    print("soak: resident memory MB before/after " + ", ".join(
        f"{name} {before[name] / 2**20:.0f}/{after[name] / 2**20:.0f}" for name in sorted(before)
    ))
    for name, start in before.items():
        # Back near where it started: caches and allocator pools may keep a little, not a leak's worth.
        assert after[name] <= start * 1.25 + 64 * 2**20, f"{name} grew from {start / 2**20:.0f} MB to {after[name] / 2**20:.0f} MB"

