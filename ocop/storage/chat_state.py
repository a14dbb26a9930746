"""What a channel remembers of a chat between two updates, in the database so that every ingress shares it.

* numbered options: the payloads of the last list of options a chat without
  buttons was shown; a reply "1", "2" … chooses one, after a restart or on
  another ingress process too;
* seen updates: the update (or message) ids a channel has handled; one
  delivered again is answered once, whichever process receives it.

Both are short-lived: ``forget_before`` deletes old rows (the bot process's
daily retention job).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import List, Optional, Text

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ocop.storage.db import Database
from ocop.storage.models import NumberedOptions, SeenUpdate, utcnow

OPTIONS_KEPT = dt.timedelta(days=7)
SEEN_KEPT = dt.timedelta(days=2)  # platforms redeliver within minutes or hours


def remember_options(db: Database, channel: Text, user_id: Text, payloads: List[Text]) -> None:
    """The list just shown to the chat; an empty one forgets the last."""
    with db.session() as session:
        row = session.get(NumberedOptions, (channel, user_id))
        if not payloads:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            session.add(NumberedOptions(channel=channel, user_id=user_id, payloads=json.dumps(payloads),
                                        shown_at=utcnow()))
        else:
            row.payloads, row.shown_at = json.dumps(payloads), utcnow()


def chosen_option(db: Database, channel: Text, user_id: Text, text: Text) -> Optional[Text]:
    """The payload a reply "1", "2" … chooses, or None when it chooses nothing."""
    answer = text.strip()
    if not answer.isdigit():
        return None
    with db.session() as session:
        raw = session.execute(select(NumberedOptions.payloads).where(
            NumberedOptions.channel == channel, NumberedOptions.user_id == user_id)).scalar_one_or_none()
    options = json.loads(raw) if raw else []
    return options[int(answer) - 1] if 1 <= int(answer) <= len(options) else None


def first_time(db: Database, channel: Text, key: Text) -> bool:
    """True the first time ``key`` reaches ``channel`` (and remembers it), False after, on any process."""
    try:
        with db.session() as session:
            session.add(SeenUpdate(channel=channel, key=key[:128], seen_at=utcnow()))
        return True
    except IntegrityError:
        return False


def forget_before(db: Database, now: dt.datetime) -> int:
    """Delete old options and seen ids; how many rows."""
    with db.session() as session:
        options = session.execute(delete(NumberedOptions).where(NumberedOptions.shown_at < now - OPTIONS_KEPT))
        seen = session.execute(delete(SeenUpdate).where(SeenUpdate.seen_at < now - SEEN_KEPT))
        return options.rowcount + seen.rowcount
