"""Tables of the application database (SQLAlchemy 1.4, declarative, 2.0 style)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class HandoffRequest(Base):
    """A producer asked for an officer, or the assistant failed twice in a row."""

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False, index=True)
    reason = Column(String(32), nullable=False)  # "asked" or "repeated_fallback"
    last_message = Column(Text, nullable=True)  # masked: no phone numbers or tax codes
    status = Column(String(16), nullable=False, default="open", index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    closed_note = Column(Text, nullable=True)
    closed_by = Column(String(160), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)


class Producer(Base):
    """An OCOP subject: enterprise, cooperative, cooperative group, farm or household business."""

    __tablename__ = "producers"

    id = Column(Integer, primary_key=True)
    subject_type = Column(String(32), nullable=False)
    name = Column(String(255), nullable=False)
    tax_code = Column(String(16), nullable=False, unique=True)  # digits only, 10, 13 or 12
    representative = Column(String(255), nullable=False)
    phone = Column(String(20), nullable=False)  # E.164
    email = Column(String(255), nullable=True)
    address = Column(Text, nullable=False)  # after conversion to the current units
    ward = Column(String(128), nullable=True)
    province = Column(String(128), nullable=True)
    ward_key = Column(String(128), nullable=True)  # ocop.text.place_key(ward): audiences match in SQL
    province_key = Column(String(128), nullable=True, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    registrations = relationship("PreRegistration", back_populates="producer")


class ChatUser(Base):
    """A person talking to the assistant on one channel, linked to a producer once known."""

    __tablename__ = "chat_users"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_chat_users_channel_user"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    user_id = Column(String(128), nullable=False)
    producer_id = Column(Integer, ForeignKey("producers.id"), nullable=True, index=True)
    blocked_at = Column(DateTime(timezone=True), nullable=True)  # the user blocked the bot: no more pushes
    notifications = Column(Boolean, nullable=True)  # consent to pushes: None = not asked, False = /stop
    last_inbound_at = Column(DateTime(timezone=True), nullable=True)  # Zalo OA's reply window starts here
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    producer = relationship("Producer")


class PreRegistration(Base):
    """One product pre-registered for the OCOP cycle, with its reference code."""

    __tablename__ = "pre_registrations"
    __table_args__ = (
        UniqueConstraint("producer_id", "product_key", name="uq_pre_registrations_producer_product"),
    )

    id = Column(Integer, primary_key=True)
    reference_code = Column(String(32), nullable=True, unique=True)  # set right after insert
    producer_id = Column(Integer, ForeignKey("producers.id"), nullable=False, index=True)
    chat_user_id = Column(Integer, ForeignKey("chat_users.id"), nullable=True, index=True)
    product_name = Column(String(255), nullable=False)
    product_key = Column(String(255), nullable=False)  # folded, lower-case: duplicate detection
    product_group = Column(String(32), nullable=False)
    description = Column(Text, nullable=False)
    has_quality_documents = Column(Boolean, nullable=False)
    status = Column(String(16), nullable=False, default="submitted", index=True)
    officer_message = Column(Text, nullable=True)  # what the officer asked for or why it was refused
    privacy_notice = Column(String(16), nullable=True)  # the version of the notice the producer agreed to
    privacy_agreed_at = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    producer = relationship("Producer", back_populates="registrations")
    chat_user = relationship("ChatUser")


class AuditLog(Base):
    """Who did what to which record; details are masked (no phone numbers or tax codes)."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    actor = Column(String(160), nullable=False)  # "rest:<sender>", "cli"
    action = Column(String(64), nullable=False)
    entity = Column(String(64), nullable=False)
    entity_id = Column(Integer, nullable=True)
    details = Column(Text, nullable=True)


class Certificate(Base):
    """An OCOP certificate: 3 to 5 stars, valid 36 months from the issue date unless given."""

    __tablename__ = "certificates"

    id = Column(Integer, primary_key=True)
    number = Column(String(64), nullable=False, unique=True)  # as printed, e.g. "318/GCN-UBND"
    product_name = Column(String(255), nullable=False)
    holder_name = Column(String(255), nullable=False)
    holder_tax_code = Column(String(16), nullable=False, index=True)
    producer_id = Column(Integer, ForeignKey("producers.id"), nullable=True, index=True)
    star_rating = Column(Integer, nullable=False)
    issuing_authority = Column(String(255), nullable=False)
    decision_number = Column(String(64), nullable=True)
    decision_date = Column(Date, nullable=True)  # of the recognition decision: validity counts from it
    issue_date = Column(Date, nullable=False)  # handed over, often later at a ceremony
    expiry_date = Column(Date, nullable=False, index=True)
    status = Column(String(16), nullable=False, default="valid", index=True)  # valid/expiring/expired/renewed/withdrawn
    holder_address = Column(Text, nullable=True)  # as imported: a business address
    ward = Column(String(128), nullable=True)  # the current commune/ward, converted from the address
    ward_key = Column(String(128), nullable=True, index=True)  # ocop.text.place_key(ward)
    province_key = Column(String(128), nullable=True)  # ward names repeat across provinces
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    producer = relationship("Producer")


class CertificateSubscription(Base):
    """A chat user proved (certificate number + tax code) that a certificate is theirs."""

    __tablename__ = "certificate_subscriptions"
    __table_args__ = (UniqueConstraint("certificate_id", "chat_user_id", name="uq_certificate_subscriptions"),)

    id = Column(Integer, primary_key=True)
    certificate_id = Column(Integer, ForeignKey("certificates.id"), nullable=False, index=True)
    chat_user_id = Column(Integer, ForeignKey("chat_users.id"), nullable=False, index=True)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    certificate = relationship("Certificate")
    chat_user = relationship("ChatUser")


class DeliveryState:
    """Columns every delivery row has (see ``ocop/outbox.py``; statuses are ``DeliveryStatus``)."""

    status = Column(String(16), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(String(255), nullable=True)
    sent_at = Column(DateTime(timezone=True), nullable=True)


class ReminderDelivery(DeliveryState, Base):
    """One reminder (certificate, days before expiry, chat user): sent at most once.

    ``sending`` is written and committed before the message goes out and
    ``sent`` after; a row left in ``sending`` by a crash is never sent again
    (it becomes ``unconfirmed``).
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("certificate_id", "chat_user_id", "offset_days", name="uq_reminder_deliveries"),
    )

    id = Column(Integer, primary_key=True)
    certificate_id = Column(Integer, ForeignKey("certificates.id"), nullable=False, index=True)
    chat_user_id = Column(Integer, ForeignKey("chat_users.id"), nullable=False, index=True)
    offset_days = Column(Integer, nullable=False)
    # status: pending, sending, sent, failed, blocked, abandoned, unconfirmed, skipped, needs_template
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    certificate = relationship("Certificate")
    chat_user = relationship("ChatUser")


class RenewalRequest(Base):
    """A producer's answer to a reminder: re-evaluation, upgrade, or no renewal."""

    __tablename__ = "renewal_requests"

    id = Column(Integer, primary_key=True)
    certificate_id = Column(Integer, ForeignKey("certificates.id"), nullable=False, index=True)
    chat_user_id = Column(Integer, ForeignKey("chat_users.id"), nullable=True, index=True)  # None once erased
    choice = Column(String(16), nullable=False)  # renew, upgrade, decline
    status = Column(String(16), nullable=False, default="open")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)

    certificate = relationship("Certificate")
    chat_user = relationship("ChatUser")


class Officer(Base):
    """A chat account allowed to broadcast and to see hand-off requests."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_officers_channel_user"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    user_id = Column(String(128), nullable=False)
    name = Column(String(255), nullable=False)
    # The web console (web/): a login and an Argon2 hash, one of ROLES, and the sign-in lock.
    login = Column(String(64), nullable=True, unique=True)
    password_hash = Column(String(255), nullable=True)
    role = Column(String(16), nullable=False, default="officer", server_default="officer")
    failed_logins = Column(Integer, nullable=False, default=0, server_default="0")
    locked_until = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ConsoleSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    officer_id = Column(Integer, ForeignKey("officers.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)

    officer = relationship("Officer")


class Announcement(Base):
    """An officer's announcement and the audience it was sent to."""

    __tablename__ = "announcements"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    audience = Column(Text, nullable=False)  # JSON of the filters, for the report
    created_by = Column(String(160), nullable=False)
    urgent = Column(Boolean, nullable=False, default=False)  # pushed during quiet hours too
    # "announcement" (to an audience), or a message to one chat: "registration_status", "handoff_reply"
    kind = Column(String(24), nullable=False, default="announcement", server_default="announcement")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class BroadcastDelivery(DeliveryState, Base):
    """One copy of an announcement for one chat user: pending → sending → sent (at most once)."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "chat_user_id", name="uq_broadcast_deliveries"),)

    id = Column(Integer, primary_key=True)
    announcement_id = Column(Integer, ForeignKey("announcements.id"), nullable=False, index=True)
    chat_user_id = Column(Integer, ForeignKey("chat_users.id"), nullable=False, index=True)

    chat_user = relationship("ChatUser")
    announcement = relationship("Announcement")


class OaToken(Base):
    """The Zalo Official Account's tokens: one row, replaced atomically on refresh."""

    __tablename__ = "oa_tokens"

    id = Column(Integer, primary_key=True)
    access_token = Column(Text, nullable=True)
    refresh_token = Column(Text, nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class BroadcastDraft(Base):
    """An announcement an officer has written but not yet confirmed."""

    __tablename__ = "broadcast_drafts"

    id = Column(Integer, primary_key=True)
    created_by = Column(String(160), nullable=False)  # "telegram:<user id>"
    audience = Column(Text, nullable=False)  # JSON of the filters
    text = Column(Text, nullable=False)
    recipients = Column(Integer, nullable=False)  # the count the officer was shown
    urgent = Column(Boolean, nullable=False, default=False)
    announcement_id = Column(Integer, ForeignKey("announcements.id"), nullable=True)  # set once confirmed
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ButtonPayload(Base):
    """A button payload too long for the platform's callback data, keyed by its hash."""

    __tablename__ = "button_payloads"

    key = Column(String(40), primary_key=True)
    payload = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ProducerClaim(Base):
    """A chat that gave the tax code of a producer it is not linked to: an officer decides."""

    __tablename__ = "producer_claims"
    __table_args__ = (UniqueConstraint("producer_id", "chat_user_id", name="uq_producer_claims"),)

    id = Column(Integer, primary_key=True)
    producer_id = Column(Integer, ForeignKey("producers.id"), nullable=False, index=True)
    chat_user_id = Column(Integer, ForeignKey("chat_users.id"), nullable=True, index=True)
    details = Column(Text, nullable=False)  # JSON: what the chat said about the producer, for the officer
    status = Column(String(16), nullable=False, default="pending", index=True)  # pending, confirmed, refused
    decided_by = Column(String(160), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    decided_at = Column(DateTime(timezone=True), nullable=True)

    producer = relationship("Producer")
    chat_user = relationship("ChatUser")


class AppSecret(Base):
    """A secret the application generated for itself, shared by every process (e.g. the audit key)."""

    __tablename__ = "app_secrets"

    name = Column(String(64), primary_key=True)
    value = Column(String(128), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ErasureRequest(Base):
    """A producer asked for their data to be erased: the conversation history goes once the turn is stored."""

    __tablename__ = "erasure_requests"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(200), nullable=False, index=True)  # Rasa's sender id of the conversation
    requested_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    done_at = Column(DateTime(timezone=True), nullable=True)
    events_erased = Column(Integer, nullable=True)


class NumberedOptions(Base):
    """The options of the last numbered list a chat without buttons was shown ("1", "2" … choose them)."""

    __tablename__ = "numbered_options"

    channel = Column(String(32), primary_key=True)
    user_id = Column(String(64), primary_key=True)
    payloads = Column(Text, nullable=False)  # JSON list
    shown_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class SeenUpdate(Base):
    """An update (or message) id a channel has handled: delivered again, it is not answered twice."""

    __tablename__ = "seen_updates"

    channel = Column(String(32), primary_key=True)
    key = Column(String(128), primary_key=True)
    seen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
