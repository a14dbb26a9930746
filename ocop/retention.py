"""How long conversations are kept: erasure on request, and the retention period.

Rasa's tracker store keeps every event of every conversation
(``ocop/conversation_history.py``). Two jobs of the bot process's scheduler
delete them:

* ``erase_requested_conversations``: the conversations whose producer asked
  for erasure (``ocop.storage.erasure.erase_chat_user``), at
  least ``ERASURE_DELAY`` after the request, so that Rasa has stored the turn
  that asked (Rasa appends a turn's events when it ends; erasing earlier
  would let it write the whole conversation back);
* ``purge_expired_conversations``: every event older than the retention
  period (``Settings.conversation_retention_days``, default 90 days).
"""

from __future__ import annotations

import datetime as dt
import logging

from ocop.conversation_history import ConversationHistory
from ocop.storage import erasure
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

ERASURE_DELAY = dt.timedelta(seconds=30)


def erase_requested_conversations(db: Database, history: ConversationHistory, now: dt.datetime) -> int:
    """Carry out the erasure requests that are due; how many conversations were erased."""
    done = 0
    for request in erasure.conversation_erasures_due(db, now - ERASURE_DELAY):
        events = history.erase(request.sender_id)
        erasure.conversation_erased(db, request.id, events, now)
        logger.info("Erased a conversation on request (%d events)", events)
        done += 1
    return done


def purge_expired_conversations(history: ConversationHistory, retention_days: int, now: dt.datetime) -> int:
    """Delete the events older than the retention period; how many."""
    purged = history.purge_before(now - dt.timedelta(days=retention_days))
    if purged:
        logger.info("Deleted %d conversation events older than %d days", purged, retention_days)
    return purged
