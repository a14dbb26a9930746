"""Pre-registrations: write one in a single transaction, list them, export them.

The action server calls ``submit`` when a producer confirms the form and
``for_chat_user`` for "hồ sơ của tôi"; the ``ocop export registrations`` command
reads ``all_since`` (``ocop.reports`` turns the rows into labels and columns).
A producer is keyed on its tax code, a pre-registration
on (producer, product name folded): the same product sent twice gives back the
first reference code instead of a second row, even when both arrive at once.

A tax code is public, so knowing one proves nothing: a producer's stored
details are never overwritten from chat, and a chat that is not the
producer's own gets a pending ownership claim (``ocop.storage.claims``) for an
officer to confirm; its pre-registration waits with it, and it is never told
the producer's existing reference codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator, List, Optional, Text, Tuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocop.storage import audit, chat_users, claims
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, PreRegistration, Producer
from ocop.text import fold, normalize_text, place_key
from ocop.vietnam_time import local_time, vietnam_midnight


@dataclass(frozen=True)
class Submission:
    """Everything the form collected, already validated."""

    channel: Text
    user_id: Text
    subject_type: Text
    subject_name: Text
    representative: Text
    tax_code: Text
    phone: Text
    email: Optional[Text]
    address: Text
    ward: Text
    province: Text
    product_name: Text
    product_group: Text
    description: Text
    has_quality_documents: bool
    privacy_notice: Optional[Text] = None  # the version of the privacy notice the producer agreed to
    privacy_agreed_at: Optional[dt.datetime] = None


@dataclass(frozen=True)
class Outcome:
    reference_code: Optional[Text]  # None while an ownership claim is pending for a duplicate
    created: bool  # False: the same product of the same producer was already registered
    claim_pending: bool = False  # the tax code belongs to a producer this chat is not linked to


def product_key(name: Text) -> Text:
    """Product names compared without case, accents or extra spaces."""
    return fold(normalize_text(name)).lower()[:255]


def reference_code(registration: PreRegistration) -> Text:
    year = local_time(registration.created_at or dt.datetime.now(dt.timezone.utc)).year
    return f"OCOP-{year}-{registration.id:06d}"


def _new_producer(session: Session, data: Submission) -> Producer:
    producer = Producer(tax_code=data.tax_code)
    session.add(producer)
    producer.subject_type = data.subject_type
    producer.name = data.subject_name
    producer.representative = data.representative
    producer.phone = data.phone
    producer.email = data.email
    producer.address = data.address
    producer.ward = data.ward
    producer.province = data.province
    producer.ward_key = place_key(data.ward)
    producer.province_key = place_key(data.province)
    session.flush()
    return producer


def _submit_once(db: Database, data: Submission) -> Outcome:
    key = product_key(data.product_name)
    actor = f"{data.channel}:{data.user_id}"
    with db.session() as session:
        user = chat_users.get_or_create(session, data.channel, data.user_id)
        producer = session.execute(select(Producer).where(Producer.tax_code == data.tax_code)).scalar_one_or_none()
        if producer is None:
            producer = _new_producer(session, data)
            user.producer_id = producer.id
        claiming = user.producer_id != producer.id
        if claiming:
            claims.open_claim(session, producer, user, {
                "name": data.subject_name, "representative": data.representative, "phone": data.phone,
                "email": data.email, "address": data.address})
        existing = session.execute(
            select(PreRegistration).where(
                PreRegistration.producer_id == producer.id, PreRegistration.product_key == key
            )
        ).scalar_one_or_none()
        if existing is not None:
            audit.record(session, actor, "resubmitted", "pre_registration", existing.id,
                         {"claim_pending": claiming})
            if claiming:
                return Outcome(None, created=False, claim_pending=True)
            return Outcome(existing.reference_code, created=False)
        registration = PreRegistration(
            producer_id=producer.id,
            chat_user_id=user.id,
            product_name=data.product_name,
            product_key=key,
            product_group=data.product_group,
            description=data.description,
            has_quality_documents=data.has_quality_documents,
            privacy_notice=data.privacy_notice,
            privacy_agreed_at=data.privacy_agreed_at,
            status=claims.WAITING if claiming else "submitted",
            created_at=dt.datetime.now(dt.timezone.utc),
        )
        session.add(registration)
        session.flush()
        registration.reference_code = reference_code(registration)
        audit.record(
            session, actor, "submitted", "pre_registration", registration.id,
            {"code": registration.reference_code, "product": data.product_name, "tax_code": data.tax_code},
        )
        return Outcome(registration.reference_code, created=True, claim_pending=claiming)


def submit(db: Database, data: Submission) -> Outcome:
    """Store the pre-registration in one transaction; a concurrent twin gives back its code."""
    try:
        return _submit_once(db, data)
    except IntegrityError:
        # Another request created the same producer, chat user or product at the
        # same moment: its transaction won, so ours now finds its rows.
        return _submit_once(db, data)


@dataclass(frozen=True)
class RegistrationView:
    """One pre-registration as its producer sees it."""

    code: Text
    product: Text
    status: Text  # submitted, reviewing, needs_info, accepted, rejected, waiting_claim (labels in ocop.reports)
    created_at: dt.datetime  # Vietnamese time
    message: Optional[Text] = None  # what the officer asked for, or why it was refused


def for_chat_user(db: Database, channel: Text, user_id: Text) -> List[RegistrationView]:
    """The pre-registrations made from this chat account, newest first."""
    with db.session() as session:
        rows = session.execute(
            select(PreRegistration)
            .join(ChatUser, PreRegistration.chat_user_id == ChatUser.id)
            .where(ChatUser.channel == channel, ChatUser.user_id == user_id)
            .order_by(PreRegistration.created_at.desc(), PreRegistration.id.desc())
        ).scalars()
        return [RegistrationView(r.reference_code, r.product_name, r.status, local_time(r.created_at),
                                 r.officer_message) for r in rows]


def all_since(db: Database, since: Optional[dt.date] = None) -> Iterator[Tuple[PreRegistration, Producer]]:
    """Every pre-registration (from ``since``, a date in Vietnam) with its producer, oldest first."""
    with db.session() as session:
        query = select(PreRegistration, Producer).join(Producer, PreRegistration.producer_id == Producer.id)
        if since is not None:
            query = query.where(PreRegistration.created_at >= vietnam_midnight(since))  # UTC: SQLite compares text
        yield from (tuple(row) for row in session.execute(query.order_by(PreRegistration.id)))
