"""Certificate-expiry reminders: plan who is due, send each reminder at most once.

A certificate is valid 36 months; producers linked to it in chat are reminded
90, 60, 30 and 7 days before expiry and on the expiry day
(``OCOP_REMINDER_OFFSETS`` changes the list). One cycle:

1. ``refresh_statuses``: valid → expiring (90 days left) → expired.
2. ``plan``: one ``reminder_deliveries`` row per (certificate, offset, chat
   user) that has come due. When several offsets are due at once (the user
   linked late, or the bot was down), only the most urgent is sent; the others
   are recorded as ``skipped``. The unique key makes a second plan harmless.
3. ``reconcile`` (at start-up): a row left in ``sending`` (a crash after the
   attempt was recorded) becomes ``unconfirmed`` and is never sent again: at
   most once.
4. ``deliver``: outside 21:00–07:00 Vietnamese time, each due row is marked
   ``sending`` and committed, pushed through ``push``, then marked ``sent``.
   A failure is retried with exponential backoff (``bot/delivery.py``); a
   user who blocked the bot is marked and skipped from then on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Text, Tuple

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.delivery import record_outcome
from bot.storage.db import session_scope
from bot.vietnam_time import as_utc, local_now
from bot.storage.models import Certificate, CertificateSubscription, ChatUser, ReminderDelivery

logger = logging.getLogger(__name__)

DEFAULT_OFFSETS = (90, 60, 30, 7, 0)
QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(7, 0)
FIRST_RETRY = dt.timedelta(minutes=5)
# An expiry-day reminder is still worth sending a few days late, not months late.
EXPIRY_GRACE_DAYS = 7
INACTIVE = ("withdrawn", "renewed")


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


Push = Callable[[DueReminder], None]


def offsets() -> Sequence[int]:
    """Days before expiry to remind on, from ``OCOP_REMINDER_OFFSETS`` ("90,60,30,7,0")."""
    raw = os.environ.get("OCOP_REMINDER_OFFSETS")
    if not raw:
        return DEFAULT_OFFSETS
    values = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    return tuple(v for v in values if v >= 0) or DEFAULT_OFFSETS


def is_quiet(now: dt.datetime) -> bool:
    """No pushes between 21:00 and 07:00 Vietnamese time."""
    moment = local_now(now).time()
    return moment >= QUIET_FROM or moment < QUIET_UNTIL


def refresh_statuses(today: dt.date, url: Optional[Text] = None) -> None:
    """valid → expiring (90 days or less left) → expired, in three set-based updates."""
    soon = today + dt.timedelta(days=90)
    live = Certificate.status.not_in(INACTIVE)
    with session_scope(url) as session:
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


def due_pairs(today: dt.date, url: Optional[Text] = None) -> List[Tuple[int, int, int]]:
    """(certificate id, chat user id, days left) for every linked, reachable user whose
    certificate has entered the reminder window; the indexed scan of the daily cycle."""
    window_start = today - dt.timedelta(days=EXPIRY_GRACE_DAYS)
    window_end = today + dt.timedelta(days=max(offsets()))
    with session_scope(url) as session:
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


def plan(today: dt.date, url: Optional[Text] = None) -> int:
    """Create the delivery rows that have come due; the number of reminders to send."""
    schedule = offsets()
    pairs = due_pairs(today, url)
    if not pairs:
        return 0
    created = 0
    with session_scope(url) as session:
        certificate_ids = sorted({certificate_id for certificate_id, _, _ in pairs})
        known = set()
        for start in range(0, len(certificate_ids), 1000):
            known.update(session.execute(
                select(ReminderDelivery.certificate_id, ReminderDelivery.chat_user_id, ReminderDelivery.offset_days)
                .where(ReminderDelivery.certificate_id.in_(certificate_ids[start:start + 1000]))
            ).all())
        now = dt.datetime.now(dt.timezone.utc)
        for certificate_id, user_id, days_left in pairs:
            due = [offset for offset in schedule if days_left <= offset]
            if not due:
                continue
            urgent = min(due)
            for offset in due:
                if (certificate_id, user_id, offset) in known:
                    continue
                send = offset == urgent
                session.add(ReminderDelivery(
                    certificate_id=certificate_id, chat_user_id=user_id, offset_days=offset,
                    status="pending" if send else "skipped", attempts=0, next_attempt_at=now if send else None,
                ))
                created += int(send)
    return created


def reconcile(url: Optional[Text] = None) -> int:
    """Rows left in ``sending`` by a crash: maybe delivered, so never again."""
    with session_scope(url) as session:
        rows = session.execute(select(ReminderDelivery).where(ReminderDelivery.status == "sending")).scalars().all()
        for row in rows:
            row.status = "unconfirmed"
            row.last_error = "interrupted between sending and confirming"
        return len(rows)


def _claim(delivery_id: int, url: Optional[Text]) -> Optional[DueReminder]:
    """Mark one row ``sending`` and commit, unless someone else took it."""
    with session_scope(url) as session:
        row = session.get(ReminderDelivery, delivery_id, with_for_update=True)
        if row is None or row.status not in ("pending", "failed"):
            return None
        row.status = "sending"
        row.attempts += 1
        certificate, user = row.certificate, row.chat_user
        return DueReminder(row.id, user.channel, user.user_id, certificate.number, certificate.product_name,
                           certificate.star_rating, certificate.expiry_date, row.offset_days)


def _finish(delivery_id: int, url: Optional[Text], error: Optional[BaseException], now: dt.datetime) -> Text:
    with session_scope(url) as session:
        return record_outcome(session.get(ReminderDelivery, delivery_id), error, now, FIRST_RETRY)


def deliver(push: Push, now: Optional[dt.datetime] = None, url: Optional[Text] = None) -> Dict[Text, int]:
    """Push every due reminder once; counts per outcome. Nothing during quiet hours."""
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    outcome: Dict[Text, int] = {}
    if is_quiet(now):
        return outcome
    with session_scope(url) as session:
        due_ids: List[int] = [
            row.id for row in session.execute(
                select(ReminderDelivery)
                .where(ReminderDelivery.status.in_(("pending", "failed")))
                .order_by(ReminderDelivery.id)
            ).scalars()
            if as_utc(row.next_attempt_at) is None or as_utc(row.next_attempt_at) <= now
        ]
    for delivery_id in due_ids:
        reminder = _claim(delivery_id, url)
        if reminder is None:
            continue
        error: Optional[BaseException] = None
        try:
            push(reminder)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
            error = exc
            logger.warning("Reminder %s not delivered: %s", delivery_id, type(exc).__name__)
        status = _finish(delivery_id, url, error, now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def run_cycle(push: Push, now: Optional[dt.datetime] = None, url: Optional[Text] = None) -> Dict[Text, int]:
    """One cycle: statuses, plan, deliver. ``reconcile`` runs once at start-up, before the first cycle."""
    now = now or dt.datetime.now(dt.timezone.utc)
    today = local_now(now).date()
    refresh_statuses(today, url)
    try:
        planned = plan(today, url)
    except IntegrityError:  # another instance planned the same rows at the same moment
        planned = 0
    outcome = deliver(push, now, url)
    logger.info("Reminder cycle: %d planned, delivered %s", planned, outcome)
    return {"planned": planned, **outcome}
