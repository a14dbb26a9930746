"""Push one expiry reminder through Rasa, so the conversation knows it was sent.

``renewal_form`` is run on the producer's conversation through Rasa's HTTP
API; its question is the reminder of the certificate whose delivery is in
progress (recorded before the push), with three buttons. Rasa gives the
messages back and the channel pushes them (``Channels.push``). The
producer's answer then arrives as an ordinary message and is understood in
context.
"""

from __future__ import annotations

from typing import Awaitable, Callable

import httpx

from bot.rasa_client import AsyncRasaClient, Messages
from ocop.conversations import conversation_id
from ocop.reminders import DueReminder

FORM = "renewal_form"
LISTEN = [{"event": "action", "name": "action_listen"}]
SESSION_START = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}, *LISTEN]

ChannelPush = Callable[[str, str, Messages], Awaitable[None]]  # channel, user id, messages


class RasaReminderPush:
    """``await push(reminder)``: the reminder from Rasa, then through the channel."""

    def __init__(self, rasa: AsyncRasaClient, push: ChannelPush) -> None:
        self.rasa = rasa
        self.push = push

    async def __call__(self, reminder: DueReminder) -> None:
        messages = await self.reminder_messages(conversation_id(reminder.channel, reminder.user_id))
        await self.push(reminder.channel, reminder.user_id, messages)

    async def reminder_messages(self, sender: str) -> Messages:
        """Run the form on the conversation and leave it listening for the answer."""
        try:
            messages = await self.rasa.execute(sender, FORM)
        except httpx.HTTPStatusError as error:
            if error.response.status_code != 404:
                raise
            # Linked by an officer, never chatted: open the conversation first.
            await self.rasa.append_events(sender, SESSION_START)
            messages = await self.rasa.execute(sender, FORM)
        # /execute does not end the turn; the producer's answer must find the form listening.
        await self.rasa.append_events(sender, LISTEN)
        if not messages:
            raise RuntimeError("Rasa returned no reminder message")
        return messages
