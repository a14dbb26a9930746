"""The outbox: one delivery row per message to push, sent at most once.

Reminders (``reminder_deliveries``) and announcements (``broadcast_deliveries``)
share the pattern; their rows carry ``DeliveryState``'s columns
(``ocop/storage/models.py``) and a ``chat_user``:

* ``due``: rows ``pending`` or ``failed`` whose ``next_attempt_at`` has come,
  selected in SQL, oldest first;
* ``claim``: one conditional ``UPDATE … SET status='sending' WHERE status IN
  ('pending', 'failed')``, committed before the push; a row count of 0 means
  another sender took it (atomic on SQLite and PostgreSQL alike). On
  PostgreSQL the row is picked ``FOR UPDATE SKIP LOCKED``: a sender never
  waits for a row another sender is claiming, it moves on to the next;
* ``finish``: the outcome of the push (``record_outcome``): ``sent``,
  ``blocked``, ``unconfirmed`` (timed out: maybe delivered, never repeated),
  ``needs_template``, or ``failed`` with a retry time, ``abandoned`` after
  ``MAX_ATTEMPTS``;
* ``reconcile`` (at start-up): rows a crash left in ``sending`` become
  ``unconfirmed`` and are never sent again.

A channel reports how a push went by raising one of the exceptions below.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Callable, Dict, Generic, List, Optional, Tuple, Type, TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from ocop.storage.db import Database

MAX_ATTEMPTS = 5
CHANNEL_RETRY = dt.timedelta(minutes=15)  # a channel that is not configured here: look again later
T = TypeVar("T")


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    ABANDONED = "abandoned"
    UNCONFIRMED = "unconfirmed"
    SKIPPED = "skipped"
    NEEDS_TEMPLATE = "needs_template"


DUE = (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)


class BlockedByUser(Exception):
    """The user blocked the bot on their channel: stop pushing to them."""


class DeliveryUnknown(Exception):
    """The request timed out: the platform may or may not have delivered it."""


class RetryLater(Exception):
    """The platform asked us to slow down for ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class NeedsTemplate(Exception):
    """The platform only accepts an approved template message now (Zalo OA outside its reply window)."""


class ChannelUnavailable(Exception):
    """No way to push to this channel from this process."""


def record_outcome(row: Any, error: Optional[BaseException], now: dt.datetime, first_retry: dt.timedelta) -> str:
    """Set the row's status after one attempt; ``attempts`` already counts it."""
    if error is None:
        row.status, row.sent_at, row.last_error = DeliveryStatus.SENT.value, now, None
    elif isinstance(error, BlockedByUser):
        row.status, row.last_error = DeliveryStatus.BLOCKED.value, "blocked by the user"
        row.chat_user.blocked_at = now
    elif isinstance(error, DeliveryUnknown):
        # Sending again could give a second copy: at most once wins.
        row.status, row.last_error = DeliveryStatus.UNCONFIRMED.value, "timed out: delivery unknown"
    elif isinstance(error, NeedsTemplate):
        row.status, row.last_error = DeliveryStatus.NEEDS_TEMPLATE.value, "outside the platform's reply window"
    elif isinstance(error, ChannelUnavailable):
        # Not the message's fault: the channel is not configured in this process (yet).
        row.status, row.last_error = DeliveryStatus.FAILED.value, f"channel unavailable: {error}"[:255]
        row.next_attempt_at = now + CHANNEL_RETRY
        row.attempts -= 1
    else:
        row.last_error = f"{type(error).__name__}: {error}"[:255]
        if isinstance(error, RetryLater):
            row.status, row.next_attempt_at = DeliveryStatus.FAILED.value, now + dt.timedelta(seconds=error.seconds)
            row.attempts -= 1  # the platform's pacing is not the message's fault
        elif row.attempts >= MAX_ATTEMPTS:
            row.status = DeliveryStatus.ABANDONED.value
        else:
            row.status = DeliveryStatus.FAILED.value
            row.next_attempt_at = now + first_retry * (2 ** (row.attempts - 1))
    return row.status


class Outbox(Generic[T]):
    """The delivery rows of one table; ``describe(row)`` is what a claim hands to the sender."""

    def __init__(self, db: Database, model: Type[Any], describe: Callable[[Any], T],
                 first_retry: dt.timedelta) -> None:
        self.db = db
        self.model = model
        self.describe = describe
        self.first_retry = first_retry

    def due(self, now: dt.datetime, limit: Optional[int] = None,
            only: Optional[ColumnElement] = None) -> List[Tuple[int, int]]:
        """(delivery id, chat user id) of the rows to attempt now, oldest first; ``only`` narrows them."""
        model = self.model
        query = (select(model.id, model.chat_user_id)
                 .where(model.status.in_(DUE), or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now))
                 .order_by(model.id))
        if only is not None:
            query = query.where(only)
        if limit is not None:
            query = query.limit(limit)
        with self.db.session() as session:
            return [tuple(row) for row in session.execute(query)]

    def counts(self) -> Dict[str, int]:
        """Rows by status (for the metrics)."""
        model = self.model
        with self.db.session() as session:
            return dict(session.execute(select(model.status, func.count()).group_by(model.status)).all())

    def claim(self, delivery_id: int) -> Optional[T]:
        """Mark the row ``sending`` and commit; None when another sender took it first."""
        model = self.model
        free = (select(model.id).where(model.id == delivery_id, model.status.in_(DUE))
                .with_for_update(skip_locked=True).scalar_subquery())  # FOR UPDATE is left out on SQLite
        with self.db.session() as session:
            taken = session.execute(
                update(model).where(model.id == free, model.status.in_(DUE))
                .values(status=DeliveryStatus.SENDING.value, attempts=model.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken != 1:
                return None
            return self.describe(session.get(model, delivery_id))

    def finish(self, delivery_id: int, error: Optional[BaseException], now: dt.datetime) -> str:
        """Record how the push went; the row's new status."""
        with self.db.session() as session:
            return record_outcome(session.get(self.model, delivery_id), error, now, self.first_retry)

    def reconcile(self) -> int:
        """Rows a crash left in ``sending``: maybe delivered, so never again."""
        model = self.model
        with self.db.session() as session:
            return session.execute(
                update(model).where(model.status == DeliveryStatus.SENDING.value)
                .values(status=DeliveryStatus.UNCONFIRMED.value,
                        last_error="interrupted between sending and confirming")
                .execution_options(synchronize_session=False)
            ).rowcount
