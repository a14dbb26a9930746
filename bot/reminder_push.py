"""Push one expiry reminder through Rasa, so the conversation knows it was sent and about which certificate.

One ``POST /conversations/{id}/trigger_intent`` per reminder: the intent
``EXTERNAL_certificate_reminder`` with the certificate's number as an entity
(slot ``reminded_certificate``); Rasa takes the conversation's lock once,
runs ``renewal_form`` (whose question is that certificate's reminder, with
buttons that carry it) and gives the messages back. The channel then pushes
them (``Channels.push``) within the bot's sending pace (``bot/pacing.py``,
shared with the announcements): a 429 pauses every send. The producer's
answer arrives as an ordinary message or button tap and is understood in
context.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Optional

from bot.pacing import Pacer
from bot.rasa_client import AsyncRasaClient, Messages
from ocop.conversations import conversation_id
from ocop.outbox import RetryLater
from ocop.reminders import DueReminder

INTENT = "EXTERNAL_certificate_reminder"

ChannelPush = Callable[[str, str, Messages], Awaitable[None]]  # channel, user id, messages


class RasaReminderPush:
    """``await push(reminder)``: the reminder from Rasa, then through the channel at the bot's pace."""

    def __init__(self, rasa: AsyncRasaClient, push: ChannelPush, pacer: Optional[Pacer] = None) -> None:
        self.rasa = rasa
        self.push = push
        self.pacer = pacer

    async def __call__(self, reminder: DueReminder) -> None:
        if self.pacer is not None:
            await self.pacer.turn(reminder.chat_user_id)
        messages = await self.reminder_messages(conversation_id(reminder.channel, reminder.user_id),
                                                reminder.certificate_number)
        if self.pacer is not None:
            await self.pacer.window()
        try:
            await self.push(reminder.channel, reminder.user_id, messages)
        except RetryLater as error:
            if self.pacer is not None:
                self.pacer.pause(error.seconds)
            raise

    async def reminder_messages(self, sender: str, certificate_number: str) -> Messages:
        """The reminder of one certificate, as Rasa says it in the producer's conversation."""
        messages = await self.rasa.trigger_intent(sender, INTENT, {"certificate_number": certificate_number})
        if not messages:
            raise RuntimeError("Rasa returned no reminder message")
        return messages
