"""Tables of the application database (SQLAlchemy 1.4, declarative, 2.0 style)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Integer, String, Text
from sqlalchemy.orm import declarative_base

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
