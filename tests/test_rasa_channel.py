"""The gateway channel takes a message once: one sent again gets the replies Rasa gave it before."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_channel import replies_already_given


async def test_replies_to_a_message_already_taken_come_from_the_tracker():
    store = InMemoryTrackerStore(Domain.empty())
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    await store.save(DialogueStateTracker.from_events("client-1", [
        ActionExecuted("action_listen"),
        UserUttered("hello", message_id="waypoint-1"),
        BotUttered("Hello! Shall we start?", data={"buttons": buttons}),
        BotUttered("", data={"image": "http://127.0.0.1/media/matrix.png"}),
        ActionExecuted("action_listen"),
        UserUttered("yes", message_id="waypoint-2"),
        BotUttered("What is your situation?"),
    ]))
    agent = SimpleNamespace(tracker_store=store)

    first = await replies_already_given(agent, "client-1", "waypoint-1")
    assert [(reply["text"], reply.get("buttons"), reply.get("image")) for reply in first] == [
        ("Hello! Shall we start?", buttons, None),
        ("", None, "http://127.0.0.1/media/matrix.png"),
    ]
    assert [reply["text"] for reply in await replies_already_given(agent, "client-1", "waypoint-2")] == ["What is your situation?"]
    assert await replies_already_given(agent, "client-1", "waypoint-3") is None  # not taken yet: Rasa takes it now
    assert await replies_already_given(agent, "nobody", "waypoint-1") is None


class BrokenStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("the database is away")

    async def save(self, tracker):
        raise ConnectionError("the database is away")


async def test_a_tracker_store_error_fails_the_turn_instead_of_starting_an_empty_conversation():
    import pytest
    from rasa.core.tracker_store import FailSafeTrackerStore

    from bot.rasa_channel import TrackerStoreUnavailable, refuse_fail_safe_fallback

    agent = SimpleNamespace(tracker_store=FailSafeTrackerStore(BrokenStore(Domain.empty())))
    assert await agent.tracker_store.retrieve("client-1") is None  # Rasa's own behaviour: a fresh, empty conversation
    refuse_fail_safe_fallback(agent)
    with pytest.raises(TrackerStoreUnavailable, match="ConnectionError"):
        await agent.tracker_store.retrieve("client-1")
    with pytest.raises(TrackerStoreUnavailable):
        await agent.tracker_store.save(DialogueStateTracker.from_events("client-1", []))
