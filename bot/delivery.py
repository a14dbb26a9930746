"""What a failed or successful push does to its delivery row (reminders and announcements alike).

A row has ``status``, ``attempts``, ``next_attempt_at``, ``last_error`` and
``sent_at`` (``DeliveryState`` in ``bot/storage/models.py``) and a
``chat_user``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from bot.channels import NeedsTemplate

MAX_ATTEMPTS = 5


class BlockedByUser(Exception):
    """The user blocked the bot on their channel: stop pushing to them."""


class DeliveryUnknown(Exception):
    """The request timed out: the platform may or may not have delivered it."""


class RetryLater(Exception):
    """The platform asked us to slow down for ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


def record_outcome(row: Any, error: Optional[BaseException], now: dt.datetime, first_retry: dt.timedelta) -> str:
    """Set the row's status after one attempt; ``attempts`` already counts it."""
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, None
    elif isinstance(error, BlockedByUser):
        row.status, row.last_error = "blocked", "blocked by the user"
        row.chat_user.blocked_at = now
    elif isinstance(error, DeliveryUnknown):
        # Sending again could give a second copy: at most once wins.
        row.status, row.last_error = "unconfirmed", "timed out: delivery unknown"
    elif isinstance(error, NeedsTemplate):
        row.status, row.last_error = "needs_template", "outside the platform's reply window"
    else:
        row.last_error = f"{type(error).__name__}: {error}"[:255]
        if isinstance(error, RetryLater):
            row.status, row.next_attempt_at = "failed", now + dt.timedelta(seconds=error.seconds)
            row.attempts -= 1  # the platform's pacing is not the message's fault
        elif row.attempts >= MAX_ATTEMPTS:
            row.status = "abandoned"
        else:
            row.status, row.next_attempt_at = "failed", now + first_retry * (2 ** (row.attempts - 1))
    return row.status
