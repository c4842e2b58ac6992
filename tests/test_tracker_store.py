"""The windowed tracker store (bot/rasa_tracker_store.py): a long conversation read as its last messages
with the same state, every event stored once, and fallbacks to Rasa's own reading."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.rasa_tracker_store import WINDOWS_TABLE, WindowedSQLTrackerStore
from bot.storage.tracker_events import delete_tracker_events, tracker_sender_ids

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform, affirm, help]
slots:
  stage: {type: text, influence_conversation: true, initial_value: new, mappings: [{type: custom}]}
  situation: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  readiness: {type: float, influence_conversation: true, mappings: [{type: custom}]}
  requested_slot: {type: categorical, influence_conversation: true, values: [situation, readiness], mappings: [{type: custom}]}
forms:
  start_form: {required_slots: [situation, readiness]}
responses:
  utter_help: [{text: "I can help."}]
actions: [action_store_answer]
"""
)
WINDOW = 4


def user(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, message_id=text)


def turn(number: int) -> list:
    """One turn: the client's answer, an action storing it in a slot, the bot's next question."""
    return [
        user(f"answer {number}"),
        ActionExecuted("action_store_answer"),
        SlotSet("situation", f"situation {number}"),
        SlotSet("readiness", float(number)),
        BotUttered(f"question {number}"),
        ActionExecuted("action_listen"),
    ]


def form_turn(number: int) -> list:
    """One turn inside the start form: the client's answer, the form asking its next question."""
    return [
        user(f"form answer {number}"),
        ActionExecuted("start_form"),
        SlotSet("situation", f"situation {number}"),
        SlotSet("requested_slot", "readiness"),
        BotUttered(f"form question {number}"),
        ActionExecuted("action_listen"),
    ]


def opening() -> list:
    """The session's start, then the start form asked and answered."""
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("stage", "start"),
        ActionExecuted("action_listen"),
        user("hello", "greet"),
        ActionExecuted("start_form"),
        ActiveLoop("start_form"),
        SlotSet("requested_slot", "situation"),
        ActionExecuted("action_listen"),
        user("I work in a shop"),
        ActionExecuted("start_form"),
        SlotSet("situation", "I work in a shop"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("action_listen"),
    ]


@pytest.fixture
async def store(database_url):
    store = WindowedSQLTrackerStore(DOMAIN, host=database_url, window_turns=WINDOW)
    yield store
    store.engine.dispose()


async def take_turns(store: WindowedSQLTrackerStore, sender: str, turns: range, full: DialogueStateTracker, kind=turn) -> DialogueStateTracker:
    """Each turn as Rasa takes it: read the tracker, add the turn's events, save; `full` gets them too."""
    tracker = None
    for number in turns:
        tracker = await store.retrieve(sender)
        for event in kind(number):
            tracker.update(event, DOMAIN)
            full.update(event, DOMAIN)
        await store.save(tracker)
    return await store.retrieve(sender)


def same_state(windowed: DialogueStateTracker, full: DialogueStateTracker) -> None:
    assert windowed.current_slot_values() == full.current_slot_values()
    assert windowed.active_loop == full.active_loop or (
        windowed.active_loop.name == full.active_loop.name
        and windowed.active_loop.is_interrupted == full.active_loop.is_interrupted
        and windowed.active_loop.rejected == full.active_loop.rejected
    )
    assert windowed.latest_action_name == full.latest_action_name
    assert windowed.latest_message.text == full.latest_message.text
    # What the policies featurize (max_history: 5): the last six steps are the same.
    assert windowed.past_states(DOMAIN)[-6:] == full.past_states(DOMAIN)[-6:]


def stored_texts(store: WindowedSQLTrackerStore, sender: str) -> list[str]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": sender}
        ).all()
    import json

    return [json.loads(data)["text"] for _, data in rows]


async def test_a_long_conversation_is_read_as_its_last_messages_with_the_same_state(store):
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    windowed = await take_turns(store, "client", range(1, 13), full)

    assert sum(isinstance(event, UserUttered) for event in windowed.events) == WINDOW
    assert len(windowed.events) < len(full.events) / 2
    same_state(windowed, full)
    assert windowed.get_slot("stage") == "start" and windowed.get_slot("readiness") == 12.0
    # Every event stored once, in order; the whole conversation is still there to read.
    said = ["hello", "I work in a shop"] + [f"answer {n}" for n in range(1, 13)]
    assert stored_texts(store, "client") == said
    whole = await store.retrieve_full_tracker("client")
    assert [event.text for event in whole.events if isinstance(event, UserUttered)] == said


async def test_a_form_active_at_the_window_s_start_keeps_the_message_that_activated_it(store):
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    await take_turns(store, "client", range(1, 5), full)
    tracker = await store.retrieve("client")
    activation = [user("let's start again", "affirm"), ActionExecuted("start_form"), ActiveLoop("start_form"),
                  SlotSet("requested_slot", "situation"), BotUttered("form question 0"), ActionExecuted("action_listen")]  # fmt: skip
    for event in activation:
        tracker.update(event, DOMAIN)
        full.update(event, DOMAIN)
    await store.save(tracker)
    windowed = await take_turns(store, "client", range(1, 7), full, kind=form_turn)

    texts = [event.text for event in windowed.events if isinstance(event, UserUttered)]
    # Longer than the window while the form runs: the message that activated it and four before it.
    assert texts[:WINDOW + 1] == ["answer 1", "answer 2", "answer 3", "answer 4", "let's start again"] and len(texts) == WINDOW + 7
    same_state(windowed, full)
    assert windowed.active_loop.name == "start_form"

    finished = [user("5", "inform"), ActionExecuted("start_form"), SlotSet("requested_slot", None), ActiveLoop(None), ActionExecuted("action_listen")]
    for event in finished:
        windowed.update(event, DOMAIN)
        full.update(event, DOMAIN)
    await store.save(windowed)
    windowed = await take_turns(store, "client", range(20, 25), full)
    assert sum(isinstance(event, UserUttered) for event in windowed.events) == WINDOW
    same_state(windowed, full)


async def test_a_slot_set_back_from_its_initial_value_survives_the_window(store):
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    await take_turns(store, "client", range(1, 3), full)
    tracker = await store.retrieve("client")
    for event in [user("what can you do?", "help"), ActionExecuted("utter_help"), SlotSet("stage", None), ActionExecuted("action_listen")]:
        tracker.update(event, DOMAIN)
        full.update(event, DOMAIN)
    await store.save(tracker)
    windowed = await take_turns(store, "client", range(3, 9), full)
    same_state(windowed, full)
    assert windowed.get_slot("stage") is None


async def test_a_reverted_message_inside_the_window_is_undone_as_in_the_whole_conversation(store):
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    await take_turns(store, "client", range(1, 8), full)
    tracker = await store.retrieve("client")
    for event in [user("gibberish"), ActionExecuted("action_default_fallback"), UserUtteranceReverted(), ActionExecuted("action_listen")]:
        tracker.update(event, DOMAIN)
        full.update(event, DOMAIN)
    await store.save(tracker)
    same_state(await store.retrieve("client"), full)


async def test_a_window_whose_start_was_deleted_or_a_new_session_falls_back_to_rasa_s_reading(store, database_url):
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    await take_turns(store, "client", range(1, 8), full)
    with store.engine.begin() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {WINDOWS_TABLE}")).scalar() == 1
        connection.execute(text("DELETE FROM events WHERE id = (SELECT start_event_id FROM tracker_windows)"))
    tracker = await store.retrieve("client")
    assert sum(isinstance(event, UserUttered) for event in tracker.events) == 9  # the whole session again
    assert tracker.get_slot("readiness") == 7.0

    # A new session in a turn: the next read is Rasa's, from the session's start.
    await take_turns(store, "client", range(8, 12), full)
    tracker = await store.retrieve("client")
    for event in [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("stage", "returning"), ActionExecuted("action_listen")] + turn(12):
        tracker.update(event, DOMAIN)
    await store.save(tracker)
    again = await store.retrieve("client")
    assert [event.text for event in again.events if isinstance(event, UserUttered)] == ["answer 12"]
    assert again.get_slot("stage") == "returning"


async def test_deleting_a_client_s_events_removes_their_window_too(store, engine):
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    await take_turns(store, "client", range(1, 8), full)
    assert tracker_sender_ids(engine) == {"client"}
    assert delete_tracker_events(engine, "client") > 0
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {WINDOWS_TABLE}")).scalar() == 0
    assert await store.retrieve("client") is None


async def test_a_client_s_export_holds_the_whole_conversation_not_the_window(store, actions_db, monkeypatch, tmp_path):
    import json

    from actions.my_data import ActionShowMyData
    from tests.test_actions import run
    from tests.test_actions import tracker as sdk_tracker

    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    full = DialogueStateTracker.from_events("client", opening(), DOMAIN.slots)
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    windowed = await take_turns(store, "client", range(1, 13), full)
    assert sum(isinstance(event, UserUttered) for event in windowed.events) == WINDOW

    # What the action server is sent: the window's events only.
    sent = sdk_tracker("show me my data", "show_my_data")
    sent.sender_id = "client"
    sent.events = windowed.current_state()["events"]
    _, dispatcher = await run(ActionShowMyData(), sent)
    [message] = dispatcher.messages
    exported = json.loads((tmp_path / "media" / message["attachment"].removeprefix("/media/")).read_text())
    said = [event["text"] for event in exported["rasa_events"] if event["event"] == "user"]
    assert said == ["hello", "I work in a shop"] + [f"answer {n}" for n in range(1, 13)]


async def test_on_sqlite_the_store_keeps_its_connection_open_in_wal_mode(store):
    with store.engine.connect() as connection:
        first = connection.connection.dbapi_connection
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    await store.save(DialogueStateTracker.from_events("client", opening(), DOMAIN.slots))
    with store.engine.connect() as connection:
        assert connection.connection.dbapi_connection is first
    assert (await store.retrieve("client")).get_slot("stage") == "start"
