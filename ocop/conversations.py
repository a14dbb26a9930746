"""Conversation ids: one per (channel, user), as Rasa and the storage see them.

Messages from Telegram or Zalo reach Rasa as sender "telegram:123" /
"zalo:abc"; the REST channel uses the sender id as it comes.
"""

from __future__ import annotations

from typing import Optional, Text, Tuple


def split_sender(sender_id: Text, input_channel: Optional[Text] = None) -> Tuple[Text, Text]:
    """("telegram", "123") from "telegram:123"; otherwise the input channel and the id."""
    if ":" in sender_id:
        channel, user_id = sender_id.split(":", 1)
        if channel.isalpha():
            return channel, user_id
    return (input_channel or "rest"), sender_id


def conversation_id(channel: Text, user_id: Text) -> Text:
    """The Rasa sender id of a chat user: the inverse of ``split_sender``."""
    return user_id if channel == "rest" else f"{channel}:{user_id}"
