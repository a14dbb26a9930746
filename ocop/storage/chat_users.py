"""Chat users (channel + user id): found or created, notification consent, blocking."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Text

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.storage.db import Database
from ocop.storage.models import ChatUser


def get_or_create(session: Session, channel: Text, user_id: Text) -> ChatUser:
    user = session.execute(
        select(ChatUser).where(ChatUser.channel == channel, ChatUser.user_id == user_id)
    ).scalar_one_or_none()
    if user is None:
        user = ChatUser(channel=channel, user_id=user_id)
        session.add(user)
        session.flush()
    return user


def register(db: Database, channel: Text, user_id: Text) -> None:
    """The user (re)started the bot: known, and no longer blocked."""
    with db.session() as session:
        get_or_create(session, channel, user_id).blocked_at = None


def set_consent(db: Database, channel: Text, user_id: Text, consent: bool) -> None:
    with db.session() as session:
        get_or_create(session, channel, user_id).notifications = consent


def mark_blocked(db: Database, channel: Text, user_id: Text) -> None:
    with db.session() as session:
        get_or_create(session, channel, user_id).blocked_at = dt.datetime.now(dt.timezone.utc)


def touch_inbound(db: Database, channel: Text, user_id: Text) -> None:
    """The user just wrote (Zalo OA's reply window starts here)."""
    with db.session() as session:
        get_or_create(session, channel, user_id).last_inbound_at = dt.datetime.now(dt.timezone.utc)


def last_inbound(db: Database, channel: Text, user_id: Text) -> Optional[dt.datetime]:
    with db.session() as session:
        return session.execute(select(ChatUser.last_inbound_at).where(
            ChatUser.channel == channel, ChatUser.user_id == user_id)).scalar_one_or_none()
