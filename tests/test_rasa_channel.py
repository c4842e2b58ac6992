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
