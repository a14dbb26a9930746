"""Push one expiry reminder through Rasa, so the conversation knows it was sent.

``renewal_form`` is run on the producer's conversation through Rasa's HTTP
API; its question is the reminder of the certificate whose delivery is in
progress (recorded before the push), with three buttons. Rasa gives the messages
back and the channel delivers them. The producer's answer then arrives as an
ordinary message and is understood in context.
"""

from __future__ import annotations

from typing import Callable, Text

import httpx

from bot import channels
from ocop.conversations import conversation_id
from bot.reminders import DueReminder


class RasaReminderPush:
    """``push(reminder)`` for ``bot.reminders.deliver``."""

    def __init__(self, rasa_url: Text, deliver: Callable[[Text, Text, channels.Messages], None] = channels.deliver,
                 timeout: float = 30.0) -> None:
        self._http = httpx.Client(base_url=rasa_url, timeout=timeout)
        self._deliver = deliver

    def __call__(self, reminder: DueReminder) -> None:
        sender = conversation_id(reminder.channel, reminder.user_id)
        listen = [{"event": "action", "name": "action_listen"}]
        response = self._http.post(f"/conversations/{sender}/execute", json={"name": "renewal_form"})
        if response.status_code == 404:  # linked by an officer, never chatted: open the conversation
            start = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}, *listen]
            self._http.post(f"/conversations/{sender}/tracker/events", json=start).raise_for_status()
            response = self._http.post(f"/conversations/{sender}/execute", json={"name": "renewal_form"})
        response.raise_for_status()
        # /execute does not end the turn; the producer's answer must find the form listening.
        self._http.post(f"/conversations/{sender}/tracker/events", json=listen).raise_for_status()
        messages = response.json().get("messages") or []
        if not messages:
            raise RuntimeError("Rasa returned no reminder message")
        self._deliver(reminder.channel, reminder.user_id, messages)

    def close(self) -> None:
        self._http.close()
