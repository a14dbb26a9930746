"""What every action of this action server shares: its settings and its database.

Both are created once, the first time an action needs them; the schema is
migrated by whoever started the server (``make run``, ``ocop db upgrade``),
never from here.
"""

from __future__ import annotations

import functools

from ocop.conversation_history import ConversationHistory, tracker_store_url
from ocop.settings import Settings, get_settings
from ocop.storage.db import Database


def settings() -> Settings:
    return get_settings()


@functools.lru_cache(maxsize=1)
def database() -> Database:
    return Database(settings().database_url)


@functools.lru_cache(maxsize=1)
def conversation_history() -> ConversationHistory:
    """Rasa's stored conversations (to scrub personal data from them)."""
    return ConversationHistory(tracker_store_url(settings()))
