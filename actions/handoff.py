"""Hand a producer over to an officer: give the office's contact, record the request.

Triggered when the producer asks for a person (intent ``human_handoff``) and by
``action_clarify`` after two misunderstandings in a row.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.privacy import mask
from bot.storage.db import session_scope
from bot.storage.models import HandoffRequest

logger = logging.getLogger(__name__)

OFFICE_FILE = Path(__file__).resolve().parent.parent / "data" / "settings" / "office.yml"


@functools.lru_cache(maxsize=1)
def office() -> Dict[Text, Text]:
    """The office's contact: data/settings/office.yml, overridden by OCOP_OFFICE_*."""
    with open(OFFICE_FILE, encoding="utf-8") as handle:
        settings = {k: str(v or "") for k, v in (yaml.safe_load(handle) or {}).items()}
    for key in ("name", "phone", "email", "address", "hours"):
        value = os.environ.get(f"OCOP_OFFICE_{key.upper()}")
        if value:
            settings[key] = value
    return settings


def contact_message() -> Text:
    info = office()
    lines = [f"Bạn có thể liên hệ trực tiếp cán bộ phụ trách OCOP: {info['name']}."]
    if info.get("phone"):
        lines.append(f"• Điện thoại: {info['phone']}")
    if info.get("email"):
        lines.append(f"• Email: {info['email']}")
    if info.get("address"):
        lines.append(f"• {info['address']}")
    if info.get("hours"):
        lines.append(f"• Giờ làm việc: {info['hours']}")
    lines.append("Tôi đã ghi nhận yêu cầu của bạn để cán bộ liên hệ lại.")
    return "\n".join(lines)


def record_handoff(tracker: Tracker, reason: Text) -> None:
    """Store the request for officers; the message is masked first."""
    with session_scope() as session:
        session.add(
            HandoffRequest(
                sender_id=tracker.sender_id,
                reason=reason,
                last_message=mask(tracker.latest_message.get("text")),
            )
        )
    logger.info("Hand-off recorded (%s)", reason)


class ActionHandoff(Action):
    """The producer asked for a person."""

    def name(self) -> Text:
        return "action_handoff"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        record_handoff(tracker, "asked")
        dispatcher.utter_message(text=contact_message())
        return []
