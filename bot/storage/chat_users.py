"""Chat users (channel + user id): found or created, registration, notification consent, blocking."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Text

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.db import session_scope
from bot.storage.models import ChatUser


def get_or_create_chat_user(session: Session, channel: Text, user_id: Text) -> ChatUser:
    user = session.execute(
        select(ChatUser).where(ChatUser.channel == channel, ChatUser.user_id == user_id)
    ).scalar_one_or_none()
    if user is None:
        user = ChatUser(channel=channel, user_id=user_id)
        session.add(user)
        session.flush()
    return user


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
