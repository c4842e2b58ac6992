"""Rasa's SQL tracker store, reading only the recent part of a long conversation: `endpoints.yml` names it.

Rasa 3.6 rebuilds the whole session from its events on every turn, featurizes every step of it again
for each prediction, and sends all of it to the action server with every custom action: a turn cost
more the longer the client had been talking (3.1 times the CPU at turns 271-300 as at turns 1-30,
benchmarks/growth.py). TED looks at the last five steps (`max_history: 5`), the rules at a few, the
actions at the last few messages; the MemoizationPolicy (no max_history) recalls whole stories of at
most seven client messages, which a window (more than 20) cannot match, as the whole session could not.

So this store keeps, per conversation that has grown past `window_turns` messages of the client, a
row in `tracker_windows`: the id of the stored event where the window starts (the `action_listen`
before the client's message `window_turns` messages back) and the state at that point (the slots
that differ from their initial values, the active form and whether it was interrupted or rejected),
as the events that set it. A turn reads that row and the events from the window's start: the tracker
Rasa works with is those state events followed by the last `window_turns` messages, with the same
slots, form and recent steps as the whole session, whatever its length. Saving appends the new
events, as Rasa's store does, and moves the window on, computing the new start's state from the
tracker in memory.

Every event is still stored, in Rasa's own `events` table: retrieving the whole conversation
(`retrieve_full_tracker`, `rasa export`), the transcript and the erasure see everything. A window
whose start event is gone (deleted), or a new session, falls back to Rasa's own reading of the latest
session, which is cheap then. Rows of `tracker_windows` hold slot values, i.e. client data: they are
deleted with the client's events (bot/storage/tracker_events.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.storage.engine import configure_sqlite_connection, sqlite_engine_arguments

logger = logging.getLogger(__name__)

WINDOWS_TABLE = "tracker_windows"
DEFAULT_WINDOW_TURNS = 20

windows_metadata = sa.MetaData()
tracker_windows = sa.Table(
    WINDOWS_TABLE,
    windows_metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("start_event_id", sa.Integer, nullable=False),
    sa.Column("state", sa.Text, nullable=False),  # JSON: the events that set the state at the window's start
)

# The window of a tracker this store built: set on the tracker object, read again by `save`.
_WINDOW_ATTRIBUTE = "_waypoint_window"

# Event classes by type name. Rasa's Event.from_parameters looks the class up among all of Event's
# subclasses for every stored event it reads (4 % of Rasa's CPU time in a profile of turns 100-150).
_EVENT_CLASSES: Dict[Text, Optional[Type[Event]]] = {}


def event_from_dict(data: Dict[Text, Any]) -> Optional[Event]:
    """Event.from_parameters, with the class looked up once per type name."""
    name = data.get("event")
    if name is None:
        return None
    if name not in _EVENT_CLASSES:
        _EVENT_CLASSES[name] = Event.resolve_by_type(name)
    event_class = _EVENT_CLASSES[name]
    return event_class._from_parameters(data) if event_class else None


@dataclass
class _Window:
    state_events: int  # how many state events open tracker.events (never stored)
    ids: List[int]  # the stored events' ids, in the order of the tracker's events after them


def state_events(tracker: DialogueStateTracker, timestamp: Optional[float] = None) -> List[Event]:
    """Events that, applied to a new tracker, give `tracker`'s slots and active form."""
    events: List[Event] = [
        SlotSet(slot.name, slot.value, timestamp=timestamp)
        for slot in tracker.slots.values()
        if slot.value != slot.initial_value
    ]
    loop = tracker.active_loop
    if loop is not None and loop.name:
        events.append(ActiveLoop(loop.name, timestamp=timestamp))
        if loop.is_interrupted:
            events.append(LoopInterrupted(True, timestamp=timestamp))
        if loop.rejected:
            events.append(ActionExecutionRejected(loop.name, timestamp=timestamp))
    return events


def window_start(events: List[Event], first: int, turns: int) -> Optional[int]:
    """The index in `events` where a window of the last `turns` client messages starts (the action
    before the oldest of them), or None when there are not more than `turns` after index `first`."""
    messages = [index for index in range(first, len(events)) if isinstance(events[index], UserUttered)]
    if len(messages) <= turns:
        return None
    return _before_message(events, first, messages[-turns])


def activation_start(events: List[Event], first: int, start: int, loop: Text, turns: int) -> Optional[int]:
    """Where the window must start instead when `loop` is active at `start`: `turns` client messages
    before the one that activated it; None when that is not after index `first`."""
    activations = [index for index in range(first, start) if isinstance(events[index], ActiveLoop) and events[index].name == loop]
    if not activations:
        return None
    messages = [index for index in range(first, activations[-1]) if isinstance(events[index], UserUttered)]
    return _before_message(events, first, messages[-turns - 1]) if len(messages) > turns else None


def _before_message(events: List[Event], first: int, message: int) -> Optional[int]:
    start = message - 1 if message - 1 > first and isinstance(events[message - 1], ActionExecuted) else message
    return start if start > first else None


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose trackers hold the last `window_turns` client messages of a session."""

    def __init__(self, *args: Any, window_turns: int = DEFAULT_WINDOW_TURNS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_turns = max(1, int(window_turns))
        if self.engine.dialect.name == "sqlite":
            # Rasa opens a SQLite connection per session; closing the last one checkpoints the WAL
            # (a tenth of Rasa's CPU time per turn, measured). Pooled connections, as Waypoint's own.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, **sqlite_engine_arguments(url))
            sa.event.listen(self.engine, "connect", configure_sqlite_connection)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        try:
            windows_metadata.create_all(self.engine, checkfirst=True)
        except sa.exc.SQLAlchemyError:
            # Another Rasa process created it at the same moment; anything else shows on first use.
            logger.debug("creating %s failed; another process may have created it", WINDOWS_TABLE, exc_info=True)

    # -- reading ---------------------------------------------------------------------------

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session: its window, where it has one, else all of it."""
        with self.session_scope() as session:
            window = session.execute(
                sa.select(tracker_windows).where(tracker_windows.c.sender_id == sender_id)
            ).first()
            if window is not None:
                rows = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id >= window.start_event_id)
                    .order_by(self.SQLEvent.id)
                    .all()
                )
                usable = rows and rows[0].id == window.start_event_id and all(
                    row.type_name != SessionStarted.type_name for row in rows
                )
                if usable:
                    return self._tracker(sender_id, json.loads(window.state), rows)
                self._forget_window(session, sender_id)
                session.commit()
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            return self._tracker(sender_id, [], rows) if rows else None

    def _tracker(self, sender_id: Text, state: List[Dict[Text, Any]], rows: List[Any]) -> DialogueStateTracker:
        opening = [event for event in (event_from_dict(data) for data in state) if event is not None]
        events: List[Event] = []
        ids: List[int] = []
        for row in rows:
            event = event_from_dict(json.loads(row.data))
            if event is not None:  # Rasa skips what it cannot read, too
                events.append(event)
                ids.append(row.id)
        tracker = DialogueStateTracker.from_events(sender_id, opening + events, self.domain.slots)
        setattr(tracker, _WINDOW_ATTRIBUTE, _Window(len(opening), ids))
        return tracker

    # -- saving ----------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events added since the tracker was read, and move its window on."""
        window: Optional[_Window] = getattr(tracker, _WINDOW_ATTRIBUTE, None)
        if window is None:  # a new conversation: Rasa's own way (count what is stored, add the rest)
            await super().save(tracker)
            return
        await self.stream_events(tracker)
        events = list(tracker.events)
        new = events[window.state_events + len(window.ids):]
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()
            ids = window.ids + [row.id for row in rows]
            if any(isinstance(event, SessionStarted) for event in new):
                # A new session began in this turn: Rasa's own reading of the latest session serves now.
                self._forget_window(session, tracker.sender_id)
            else:
                self._move_window(session, tracker.sender_id, events, window.state_events, ids, tracker.active_loop_name)
            session.commit()
        setattr(tracker, _WINDOW_ATTRIBUTE, _Window(window.state_events, ids))

    def _row(self, sender_id: Text, event: Event) -> Any:
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _move_window(
        self, session: Any, sender_id: Text, events: List[Event], first: int, ids: List[int], tracker_loop: Optional[Text]
    ) -> None:
        start = window_start(events, first, self.window_turns)
        if start is not None and tracker_loop:
            # A form running now: the window keeps the message that activated it and those before it.
            start = min(start, activation_start(events, first, len(events), tracker_loop, self.window_turns) or first)
            start = start if start > first else None
        at_start = None
        while start is not None:
            at_start = DialogueStateTracker.from_events(sender_id, events[:start], self.domain.slots)
            if not at_start.active_loop_name:
                break
            # Rasa folds a form's questions and answers into the message that activated it: the
            # policies see that message and the steps before it, however long ago. The window starts
            # `window_turns` messages before it.
            start = activation_start(events, first, start, at_start.active_loop_name, self.window_turns)
        if start is None or at_start is None:
            return
        state = json.dumps([event.as_dict() for event in state_events(at_start, events[start].timestamp)])
        values = {"start_event_id": ids[start - first], "state": state}
        updated = session.execute(
            sa.update(tracker_windows).where(tracker_windows.c.sender_id == sender_id).values(**values)
        )
        if not updated.rowcount:
            session.execute(sa.insert(tracker_windows).values(sender_id=sender_id, **values))

    @staticmethod
    def _forget_window(session: Any, sender_id: Text) -> None:
        session.execute(sa.delete(tracker_windows).where(tracker_windows.c.sender_id == sender_id))
