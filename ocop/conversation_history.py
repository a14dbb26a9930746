"""The conversation history Rasa keeps, seen from our side: erase it, scrub personal data, expire it.

Rasa's SQL tracker store keeps every event of every conversation in one table,
``events`` (``sender_id``, ``type_name``, ``timestamp``, ``data`` as JSON, …),
in the application's PostgreSQL database or, by default, in
``var/tracker.db``. Rasa never deletes from it, so this module does:

* ``scrub(sender_id)`` after a registration is stored: what the producer
  typed in answer to a personal question of a form (tax code, phone, e-mail,
  address, name), the slots holding those values and the bot's summary of
  them are replaced, and long numbers and e-mails anywhere in the
  conversation are masked;
* ``erase(sender_id)`` on the producer's request: every event of the
  conversation;
* ``purge_before(cutoff)``: events older than the retention period.

Rows are only changed between turns (Rasa appends a turn's events when it
ends), so callers run ``erase`` from the bot process's scheduler, not from an
action in the middle of a turn.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from sqlalchemy import MetaData, Table, delete, inspect, select, update
from sqlalchemy.engine import Engine

from ocop.privacy import mask
from ocop.settings import Settings
from ocop.storage.db import make_engine

# Form slots whose answers are personal data.
PERSONAL_SLOTS = frozenset({"tax_code", "phone", "email", "address", "representative", "cert_tax_code"})
REMOVED = "(đã xóa)"


def tracker_store_url(settings: Settings) -> str:
    """Where Rasa keeps conversations: the PostgreSQL database, or ``var/tracker.db``."""
    if settings.database_url.startswith("postgres"):
        return settings.database_url
    return f"sqlite:///{settings.var_dir / 'tracker.db'}"


def _personal_values(value: Any) -> Iterable[Text]:
    """The texts a personal slot holds (an address is a dict of texts)."""
    if isinstance(value, dict):  # an address: the commune and province alone say little of anyone
        return [v for k, v in value.items()
                if k in ("full", "original", "street") and isinstance(v, str) and len(v) >= 3]
    return [str(value)] if value not in (None, "") and len(str(value)) >= 3 else []


def _without(text: Optional[Text], values: Iterable[Text]) -> Optional[Text]:
    """``text`` with every personal value replaced and long numbers and e-mails masked."""
    if text is None:
        return None
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, REMOVED)
    return mask(text)


def _scrub_event(data: Dict[Text, Any], asking: Optional[Text], values: Iterable[Text]) -> Dict[Text, Any]:
    """One event with personal data removed; ``asking`` is the form question it answers, if any."""
    kind = data.get("event")
    if kind == "user":
        text = REMOVED if asking in PERSONAL_SLOTS else _without(data.get("text"), values)
        data["text"] = text
        parse = data.get("parse_data") or {}
        if parse:
            parse["text"] = text
            for entity in parse.get("entities") or []:
                entity["value"] = REMOVED if asking in PERSONAL_SLOTS else _without(str(entity.get("value")), values)
    elif kind == "slot" and data.get("name") in PERSONAL_SLOTS and data.get("value") is not None:
        data["value"] = REMOVED
    elif kind == "bot" and data.get("text"):
        data["text"] = _without(data["text"], values)
    return data


class ConversationHistory:
    """Rasa's ``events`` table in the tracker store database."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)

    def _events(self) -> Optional[Table]:
        if not inspect(self.engine).has_table("events"):
            return None  # Rasa has not stored anything yet
        return Table("events", MetaData(), autoload_with=self.engine)

    def scrub(self, sender_id: Text) -> int:
        """Remove the personal data of one conversation; the number of events changed."""
        events = self._events()
        if events is None:
            return 0
        changed = 0
        asking: Optional[Text] = None
        with self.engine.begin() as connection:
            rows = [(row_id, raw, json.loads(raw)) for row_id, raw in connection.execute(
                select(events.c.id, events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id))]
            values = {text for _, _, data in rows if data.get("event") == "slot"
                      and data.get("name") in PERSONAL_SLOTS for text in _personal_values(data.get("value"))}
            values.discard(REMOVED)
            for row_id, raw, data in rows:
                if data.get("event") == "slot" and data.get("name") == "requested_slot":
                    asking = data.get("value")
                scrubbed = json.dumps(_scrub_event(data, asking, values))
                if data.get("event") == "user":
                    asking = None  # answered
                if scrubbed != raw:
                    connection.execute(update(events).where(events.c.id == row_id).values(data=scrubbed))
                    changed += 1
        return changed

    def excerpt(self, sender_id: Text, limit: int = 12) -> List[Tuple[Text, Text, dt.datetime]]:
        """The last ``limit`` messages of a conversation, oldest first: ("user"|"bot", masked text, when)."""
        events = self._events()
        if events is None:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(events.c.type_name, events.c.data).where(events.c.sender_id == sender_id,
                                                                 events.c.type_name.in_(("user", "bot")))
                .order_by(events.c.id.desc()).limit(limit)).all()
        found = []
        for kind, raw in reversed(rows):
            data = json.loads(raw)
            if data.get("text"):
                moment = dt.datetime.fromtimestamp(data.get("timestamp") or 0, dt.timezone.utc)
                found.append((kind, mask(data["text"]), moment))
        return found

    def erase(self, sender_id: Text) -> int:
        """Delete every event of one conversation; how many."""
        events = self._events()
        if events is None:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount

    def purge_before(self, cutoff: dt.datetime) -> int:
        """Delete every event older than ``cutoff``; how many."""
        events = self._events()
        if events is None:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(delete(events).where(events.c.timestamp < cutoff.timestamp())).rowcount

    def dispose(self) -> None:
        self.engine.dispose()
