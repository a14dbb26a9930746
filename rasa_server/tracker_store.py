"""Rasa's SQL tracker store with a bounded session: the cost of a turn stops growing with the conversation.

Rasa loads every event of the current session for each turn, and its
policies read them all, so a turn costs more the longer the session is.
``CompactingSQLTrackerStore`` saves as Rasa's ``SQLTrackerStore`` does, but
when a session holds more than ``max_session_events`` events at the end of a
turn it appends a checkpoint: a new ``session_started`` event followed by the
state the dialogue needs — the last user message, every slot that is set, the
active form — and ``action_listen``. Rasa loads sessions from their latest
``session_started``, so the next turn starts from the checkpoint. Nothing is
deleted (the retention job does that); sessions still expire after the idle
time of ``domain.yml``, measured from the last user message.

Configured in the endpoints ``bot/stack.py`` writes::

    tracker_store:
      type: rasa_server.tracker_store.CompactingSQLTrackerStore
      max_session_events: 32
"""

from __future__ import annotations

import time
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Query, Session

DEFAULT_MAX_SESSION_EVENTS = 32
CHECKPOINT = "ocop_checkpoint"  # in the metadata of the user message a checkpoint repeats


class CompactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that starts a checkpoint session once a session grows past a bound."""

    def __init__(self, *args: Any, max_session_events: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_session_events = int(max_session_events or DEFAULT_MAX_SESSION_EVENTS)
        events = self.SQLEvent.__table__
        for index in (sa.Index("ix_events_sender_type_id", events.c.sender_id, events.c.type_name, events.c.id),
                      sa.Index("ix_events_sender_id_id", events.c.sender_id, events.c.id)):
            index.create(self.engine, checkfirst=True)

    def _event_query(self, session: Session, sender_id: Text, fetch_events_from_all_sessions: bool) -> Query:
        """The conversation's events from its latest ``session_started`` on, found by id through the indexes
        above (Rasa's own query compares timestamps, reading every event the conversation ever had)."""
        event = self.SQLEvent
        query = session.query(event).filter(event.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            start = (session.query(sa.func.max(event.id))
                     .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name).scalar())
            if start is not None:  # a plain range on the (sender_id, id) index
                query = query.filter(event.id >= start)
        return query.order_by(event.id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self._session_length(tracker) > self.max_session_events and self._at_turn_end(tracker):
            for event in checkpoint(tracker):
                tracker.update(event)
        await super().save(tracker)

    @staticmethod
    def _session_length(tracker: DialogueStateTracker) -> int:
        length = 0
        for event in reversed(tracker.events):
            if isinstance(event, SessionStarted):
                break
            length += 1
        return length

    @staticmethod
    def _at_turn_end(tracker: DialogueStateTracker) -> bool:
        last = tracker.events[-1] if tracker.events else None
        return isinstance(last, ActionExecuted) and last.action_name == ACTION_LISTEN_NAME


def checkpoint(tracker: DialogueStateTracker) -> List[Event]:
    """A new session holding what the dialogue needs of the old one."""
    now = time.time()
    events: List[Event] = [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=now),
                           SessionStarted(timestamp=now)]
    last_user = tracker.get_last_event_for(UserUttered)
    if last_user is not None:  # the idle time is measured from it
        events.append(UserUttered(last_user.text, last_user.intent, last_user.entities, last_user.parse_data,
                                  timestamp=now, input_channel=last_user.input_channel,
                                  metadata={**(last_user.metadata or {}), CHECKPOINT: True}))
    events.extend(SlotSet(name, value, timestamp=now) for name, value in tracker.current_slot_values().items()
                  if value is not None)
    loop = tracker.active_loop_name
    if loop:
        events.append(ActiveLoop(loop, timestamp=now))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=now))
    return events
