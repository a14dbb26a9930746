"""The officers' allow-list: chat accounts that may announce and see hand-offs, and their console logins.

An officer who works only in the web console is listed on the channel
``CONSOLE_ONLY`` ("web"), with their login as the user id: nothing is pushed to them.
"""

from __future__ import annotations

from typing import List, Optional, Text, Tuple

from sqlalchemy import delete, select

from ocop.storage.db import Database
from ocop.storage.models import Officer

CONSOLE_ONLY = "web"


def is_officer(db: Database, channel: Text, user_id: Text) -> bool:
    with db.session() as session:
        return session.execute(
            select(Officer.id).where(Officer.channel == channel, Officer.user_id == user_id)
        ).first() is not None


def add(db: Database, channel: Text, user_id: Text, name: Text) -> int:
    """Add an officer (or rename one already listed); their id."""
    with db.session() as session:
        officer = session.execute(
            select(Officer).where(Officer.channel == channel, Officer.user_id == user_id)).scalar_one_or_none()
        if officer is None:
            officer = Officer(channel=channel, user_id=user_id, name=name)
            session.add(officer)
        officer.name = name
        session.flush()
        return officer.id


def remove(db: Database, channel: Text, user_id: Text) -> bool:
    with db.session() as session:
        return bool(session.execute(
            delete(Officer).where(Officer.channel == channel, Officer.user_id == user_id)).rowcount)


def listing(db: Database) -> List[Tuple[Text, Text, Text, Optional[Text], Text]]:
    """(channel, user id, name, console login, role) of every officer, oldest first."""
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(Officer.channel, Officer.user_id, Officer.name, Officer.login, Officer.role).order_by(Officer.id))]
