"""Which chat account a conversation belongs to: ("telegram", "123"), ("rest", "abc") …"""

from __future__ import annotations

from typing import Text, Tuple

from rasa_sdk import Tracker

from ocop.conversations import split_sender


def chat_account(tracker: Tracker) -> Tuple[Text, Text]:
    """(channel, user id) of the conversation, as the storage keys chat users."""
    return split_sender(tracker.sender_id, tracker.get_latest_input_channel())
