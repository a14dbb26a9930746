"""Chat users as the channels see them: registration, notification consent, blocking."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Text

from bot.storage.db import session_scope
from bot.storage.registrations import get_or_create_chat_user


def register(channel: Text, user_id: Text, url: Optional[Text] = None) -> None:
    with session_scope(url) as session:
        user = get_or_create_chat_user(session, channel, user_id)
        user.blocked_at = None


def set_consent(channel: Text, user_id: Text, consent: bool, url: Optional[Text] = None) -> None:
    with session_scope(url) as session:
        user = get_or_create_chat_user(session, channel, user_id)
        user.notifications = consent


def mark_blocked(channel: Text, user_id: Text, url: Optional[Text] = None) -> None:
    with session_scope(url) as session:
        get_or_create_chat_user(session, channel, user_id).blocked_at = dt.datetime.now(dt.timezone.utc)
