"""Officers' announcements: drafts, the announcement with one delivery row per recipient, the report.

``create`` stores the announcement and one ``broadcast_deliveries`` row per
recipient in one transaction; the bot process's sender then works through
them as an outbox (``ocop/outbox.py``). During the quiet hours only an
announcement the officer marked urgent goes out (``URGENT_ONLY``); the others
wait for the morning. A draft is what an officer wrote on a
chat channel before confirming: it lives in the database, so a restart or a
second bot process does not lose it, and it is used at most once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Dict, List, Optional, Text, Tuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ocop.audiences import Audience, recipients
from ocop.outbox import DeliveryStatus, Outbox
from ocop.storage import audit
from ocop.storage.db import Database
from ocop.storage.models import Announcement, BroadcastDelivery, BroadcastDraft
from ocop.vietnam_time import local_now

FIRST_RETRY = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class DueAnnouncement:
    """What the sender needs to push one copy."""

    delivery_id: int
    chat_user_id: int
    channel: Text
    user_id: Text
    text: Text
    kind: Text = "announcement"

    @property
    def from_officer(self) -> bool:
        """A message to this one chat (not an announcement): it is recorded in the conversation too."""
        return self.kind != "announcement"


def _describe(row: BroadcastDelivery) -> DueAnnouncement:
    return DueAnnouncement(row.id, row.chat_user_id, row.chat_user.channel, row.chat_user.user_id,
                           row.announcement.text, row.announcement.kind)


def urgent_only() -> ColumnElement:
    """The deliveries of urgent announcements: the only ones pushed during the quiet hours."""
    return BroadcastDelivery.announcement_id.in_(select(Announcement.id).where(Announcement.urgent.is_(True)))


def outbox(db: Database) -> Outbox[DueAnnouncement]:
    return Outbox(db, BroadcastDelivery, _describe, FIRST_RETRY)


def count(db: Database, audience: Audience) -> int:
    with db.session() as session:
        query = recipients(audience, local_now().date())
        return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def create(db: Database, text: Text, audience: Audience, created_by: Text, urgent: bool = False) -> Tuple[int, int]:
    """Store the announcement and its deliveries: (announcement id, recipients)."""
    with db.session() as session:
        return _create(session, text, audience, created_by, urgent)


def _create(session: Session, text: Text, audience: Audience, created_by: Text, urgent: bool) -> Tuple[int, int]:
    ids = [row[0] for row in session.execute(recipients(audience, local_now().date()))]
    announcement = Announcement(text=text, audience=json.dumps(audience.as_dict(), ensure_ascii=False),
                                created_by=created_by, urgent=urgent)
    session.add(announcement)
    session.flush()
    session.bulk_insert_mappings(BroadcastDelivery, [
        {"announcement_id": announcement.id, "chat_user_id": user_id,
         "status": DeliveryStatus.PENDING.value, "attempts": 0}
        for user_id in ids
    ])
    audit.record(session, created_by, "announced", "announcement", announcement.id,
                 {"recipients": len(ids), "urgent": urgent})
    return announcement.id, len(ids)


def queue_message(session: Session, chat_user_id: int, text: Text, created_by: Text, kind: Text) -> int:
    """An officer's message to one chat (a registration's new status, a reply to a hand-off), sent by the
    same outbox as announcements: at most once, retried, never to a chat that blocked the bot. It answers
    the producer's own request and an officer sent it now, so it is not held back by the quiet hours."""
    announcement = Announcement(text=text, audience=json.dumps({"chat_user": chat_user_id}), created_by=created_by,
                                urgent=True, kind=kind)
    session.add(announcement)
    session.flush()
    session.add(BroadcastDelivery(announcement_id=announcement.id, chat_user_id=chat_user_id,
                                  status=DeliveryStatus.PENDING.value, attempts=0))
    return announcement.id


def report(db: Database, announcement_id: int) -> Dict[Text, int]:
    """Deliveries of one announcement by status."""
    with db.session() as session:
        return dict(session.execute(
            select(BroadcastDelivery.status, func.count())
            .where(BroadcastDelivery.announcement_id == announcement_id)
            .group_by(BroadcastDelivery.status)
        ).all())


def save_draft(db: Database, created_by: Text, audience: Audience, text: Text, recipients_shown: int,
               urgent: bool = False) -> int:
    """Keep an officer's unconfirmed announcement; its id."""
    with db.session() as session:
        draft = BroadcastDraft(created_by=created_by, audience=json.dumps(audience.as_dict(), ensure_ascii=False),
                               text=text, recipients=recipients_shown, urgent=urgent)
        session.add(draft)
        session.flush()
        return draft.id


def confirm_draft(db: Database, draft_id: int, confirmed_by: Text) -> Optional[Tuple[int, int]]:
    """Turn the officer's own draft into an announcement, once: (announcement id, recipients) or None."""
    with db.session() as session:
        # The conditional update locks the draft: a second confirmation waits, then finds it used.
        taken = session.execute(update(BroadcastDraft).where(
            BroadcastDraft.id == draft_id, BroadcastDraft.created_by == confirmed_by,
            BroadcastDraft.announcement_id.is_(None),
        ).values(recipients=BroadcastDraft.recipients).execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            return None
        draft = session.get(BroadcastDraft, draft_id)
        announcement_id, size = _create(session, draft.text, Audience(**json.loads(draft.audience)), confirmed_by,
                                             draft.urgent)
        draft.announcement_id = announcement_id
        return announcement_id, size


def latest_open_draft(db: Database, created_by: Text, since: dt.datetime) -> Optional[int]:
    """The officer's newest draft written since ``since``, when it is still unconfirmed."""
    with db.session() as session:
        newest = session.execute(
            select(BroadcastDraft.id, BroadcastDraft.announcement_id)
            .where(BroadcastDraft.created_by == created_by, BroadcastDraft.created_at >= since)
            .order_by(BroadcastDraft.id.desc()).limit(1)
        ).first()
    if newest is None or newest.announcement_id is not None:
        return None
    return newest.id


def discard_draft(db: Database, draft_id: int, created_by: Text) -> None:
    """A cancelled draft is deleted, so that nothing can send it any more."""
    with db.session() as session:
        session.execute(delete(BroadcastDraft).where(
            BroadcastDraft.id == draft_id, BroadcastDraft.created_by == created_by,
            BroadcastDraft.announcement_id.is_(None)))


def recent(db: Database, limit: int = 30) -> List[Tuple[Announcement, Dict[Text, int]]]:
    """The latest announcements to an audience (not the messages to one chat), each with its report."""
    with db.session() as session:
        rows = session.execute(select(Announcement).where(Announcement.kind == "announcement")
                               .order_by(Announcement.id.desc()).limit(limit)).scalars().all()
        counts: Dict[int, Dict[Text, int]] = {row.id: {} for row in rows}
        for announcement_id, status, number in session.execute(
                select(BroadcastDelivery.announcement_id, BroadcastDelivery.status, func.count())
                .where(BroadcastDelivery.announcement_id.in_(list(counts)))
                .group_by(BroadcastDelivery.announcement_id, BroadcastDelivery.status)):
            counts[announcement_id][status] = number
        return [(row, counts[row.id]) for row in rows]


def get(db: Database, announcement_id: int) -> Optional[Announcement]:
    with db.session() as session:
        return session.get(Announcement, announcement_id)
