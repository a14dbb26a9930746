"""Conversation ids: one per (channel, user), as Rasa and the storage see them.

Rasa's input channels (``rasa_server``) name every conversation
``<channel>:<user id>``, the channel being the one that authenticated the
message: ``telegram:123`` only through the bot process's own channel,
``rest:<sender>`` for every REST caller whatever the sender says. So the
prefix of a conversation id can be trusted when it agrees with the input
channel Rasa recorded for the latest message.
"""

from __future__ import annotations

from typing import Optional, Text, Tuple

REST = "rest"


def split_sender(sender_id: Text, input_channel: Optional[Text] = None) -> Tuple[Text, Text]:
    """(channel, user id) of a conversation: ("telegram", "123") from "telegram:123".

    A prefix that disagrees with the recorded input channel, or none at all,
    makes it a REST identity named by the whole id.
    """
    channel, separator, user_id = sender_id.partition(":")
    if separator and channel.isalpha() and (input_channel is None or input_channel == channel):
        return channel, user_id
    return REST, sender_id


def conversation_id(channel: Text, user_id: Text) -> Text:
    """The Rasa conversation id of a chat user: the inverse of ``split_sender``."""
    return f"{channel}:{user_id}"
