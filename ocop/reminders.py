"""Certificate-expiry reminders: plan who is due, send each reminder at most once.

A certificate is valid 36 months; producers linked to it in chat are reminded
on the days before expiry of ``Settings.reminder_offsets`` (180, 150, 125, 30 and
the expiry day by default). One cycle (``run_cycle``):

1. ``refresh_statuses``: valid → expiring (90 days left) → expired.
2. ``plan``: one ``reminder_deliveries`` row per (certificate, offset, chat
   user) that has come due. When several offsets are due at once (the user
   linked late, or the bot was down), only the most urgent is sent; the others
   are recorded as ``skipped``. The unique key makes a second plan harmless.
3. ``deliver``: outside the quiet hours (21:00–07:00 Vietnamese time by
   default), each due row goes through the outbox (``ocop/outbox.py``):
   claimed, pushed through ``push``, finished; failures are retried with
   backoff, a user who blocked the bot is skipped from then on. Several
   worker threads may share the due rows; a claim is won by one of them.

``outbox(db).reconcile()`` runs once at start-up, before the first cycle.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Text, Tuple

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ocop.outbox import DeliveryStatus, Outbox
from ocop.settings import DEFAULT_REMINDER_OFFSETS, Settings
from ocop.storage.certificates import INACTIVE
from ocop.storage.db import Database
from ocop.storage.models import Certificate, CertificateSubscription, ChatUser, ReminderDelivery
from ocop.vietnam_time import local_now

logger = logging.getLogger(__name__)

FIRST_RETRY = dt.timedelta(minutes=5)
# An expiry-day reminder is still worth sending a few days late, not months late.
EXPIRY_GRACE_DAYS = 7


@dataclass(frozen=True)
class Schedule:
    """When reminders go out: days before expiry, and the quiet hours (Vietnamese time)."""

    offsets: Tuple[int, ...] = DEFAULT_REMINDER_OFFSETS
    quiet_from: dt.time = dt.time(21, 0)
    quiet_until: dt.time = dt.time(7, 0)

    @classmethod
    def of(cls, settings: Settings) -> "Schedule":
        return cls(tuple(settings.reminder_offsets), *settings.quiet_hours)

    def is_quiet(self, now: dt.datetime) -> bool:
        """No pushes between ``quiet_from`` and ``quiet_until``."""
        moment = local_now(now).time()
        if self.quiet_from > self.quiet_until:  # across midnight
            return moment >= self.quiet_from or moment < self.quiet_until
        return self.quiet_from <= moment < self.quiet_until


@dataclass(frozen=True)
class DueReminder:
    """What a channel needs to push one reminder."""

    delivery_id: int
    channel: Text
    user_id: Text
    certificate_number: Text
    product_name: Text
    star_rating: int
    expiry_date: dt.date
    offset_days: int
    chat_user_id: int


Push = Callable[[DueReminder], None]


def _describe(row: ReminderDelivery) -> DueReminder:
    certificate, user = row.certificate, row.chat_user
    return DueReminder(row.id, user.channel, user.user_id, certificate.number, certificate.product_name,
                       certificate.star_rating, certificate.expiry_date, row.offset_days, row.chat_user_id)


def outbox(db: Database) -> Outbox[DueReminder]:
    """The reminder deliveries as an outbox."""
    return Outbox(db, ReminderDelivery, _describe, FIRST_RETRY)


def refresh_statuses(db: Database, today: dt.date) -> None:
    """valid → expiring (90 days or less left) → expired, in three set-based updates."""
    soon = today + dt.timedelta(days=90)
    live = Certificate.status.not_in(INACTIVE)
    with db.session() as session:
        session.execute(
            update(Certificate).where(live, Certificate.expiry_date < today, Certificate.status != "expired")
            .values(status="expired").execution_options(synchronize_session=False))
        session.execute(
            update(Certificate).where(live, Certificate.expiry_date >= today, Certificate.expiry_date <= soon,
                                      Certificate.status != "expiring")
            .values(status="expiring").execution_options(synchronize_session=False))
        session.execute(
            update(Certificate).where(live, Certificate.expiry_date > soon, Certificate.status != "valid")
            .values(status="valid").execution_options(synchronize_session=False))


def due_pairs(db: Database, today: dt.date, offsets: Sequence[int]) -> List[Tuple[int, int, int]]:
    """(certificate id, chat user id, days left) for every linked, reachable user whose
    certificate has entered the reminder window; the indexed scan of the daily cycle."""
    window_start = today - dt.timedelta(days=EXPIRY_GRACE_DAYS)
    window_end = today + dt.timedelta(days=max(offsets))
    with db.session() as session:
        rows = session.execute(
            select(Certificate.id, ChatUser.id, Certificate.expiry_date)
            .join(CertificateSubscription, CertificateSubscription.certificate_id == Certificate.id)
            .join(ChatUser, CertificateSubscription.chat_user_id == ChatUser.id)
            .where(
                Certificate.expiry_date >= window_start,
                Certificate.expiry_date <= window_end,
                Certificate.status.not_in(INACTIVE),
                CertificateSubscription.active.is_(True),
                ChatUser.blocked_at.is_(None),
                or_(ChatUser.notifications.is_(None), ChatUser.notifications.is_(True)),
            )
        ).all()
    return [(certificate_id, user_id, (expiry - today).days) for certificate_id, user_id, expiry in rows]


def plan(db: Database, today: dt.date, schedule: Schedule, now: Optional[dt.datetime] = None) -> int:
    """Create the delivery rows that have come due; the number of reminders to send."""
    pairs = due_pairs(db, today, schedule.offsets)
    if not pairs:
        return 0
    created = 0
    with db.session() as session:
        certificate_ids = sorted({certificate_id for certificate_id, _, _ in pairs})
        known = set()
        for start in range(0, len(certificate_ids), 1000):
            known.update(session.execute(
                select(ReminderDelivery.certificate_id, ReminderDelivery.chat_user_id, ReminderDelivery.offset_days)
                .where(ReminderDelivery.certificate_id.in_(certificate_ids[start:start + 1000]))
            ).all())
        now = now or _utcnow()  # due at once: the same cycle delivers what it planned
        for certificate_id, user_id, days_left in pairs:
            due = [offset for offset in schedule.offsets if days_left <= offset]
            if not due:
                continue
            urgent = min(due)
            for offset in due:
                if (certificate_id, user_id, offset) in known:
                    continue
                send = offset == urgent
                session.add(ReminderDelivery(
                    certificate_id=certificate_id, chat_user_id=user_id, offset_days=offset,
                    status=(DeliveryStatus.PENDING if send else DeliveryStatus.SKIPPED).value, attempts=0,
                    next_attempt_at=now if send else None,
                ))
                created += int(send)
    return created


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def deliver(db: Database, push: Push, now: dt.datetime, schedule: Schedule,
            clock: Optional[Callable[[], dt.datetime]] = None, workers: int = 1) -> Dict[Text, int]:
    """Push every due reminder once; counts per outcome. ``workers`` threads share the due rows (a push
    waits on Rasa and the platform, so several at once keep the rate up; the pushes' own pace limits the
    rate). Quiet hours are checked before each push, on ``clock`` (the real time in production; ``now``
    throughout when no clock is given)."""
    box = outbox(db)
    due = iter(box.due(now))
    taking = threading.Lock()

    def work() -> Counter:
        outcome: Counter = Counter()
        while True:
            with taking:
                row = next(due, None)
            if row is None or schedule.is_quiet(clock() if clock else now):
                return outcome
            delivery_id = row[0]
            reminder = box.claim(delivery_id)
            if reminder is None:
                continue
            error: Optional[BaseException] = None
            try:
                push(reminder)
            except Exception as exc:  # every failure is recorded and retried
                error = exc
                logger.warning("Reminder %s not delivered: %s", delivery_id, type(exc).__name__)
            outcome[box.finish(delivery_id, error, now)] += 1

    if workers <= 1:
        return dict(work())
    with ThreadPoolExecutor(workers, thread_name_prefix="reminders") as pool:
        return dict(sum((future.result() for future in [pool.submit(work) for _ in range(workers)]), Counter()))


def run_cycle(db: Database, push: Push, schedule: Schedule, now: Optional[dt.datetime] = None,
              workers: int = 1) -> Dict[Text, int]:
    """One cycle: statuses, plan, deliver. ``outbox(db).reconcile()`` runs once at start-up, before the first."""
    clock = None if now is not None else _utcnow
    now = (now or _utcnow()).astimezone(dt.timezone.utc)
    today = local_now(now).date()
    refresh_statuses(db, today)
    try:
        planned = plan(db, today, schedule, now)
    except IntegrityError:  # another instance planned the same rows at the same moment
        planned = 0
    outcome = deliver(db, push, now, schedule, clock, workers)
    logger.info("Reminder cycle: %d planned, delivered %s", planned, outcome)
    return {"planned": planned, **outcome}
