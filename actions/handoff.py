"""Hand a producer over to an officer: give the office's contact, record the request.

Triggered when the producer asks for a person (intent ``human_handoff``) and by
``action_clarify`` after two misunderstandings in a row.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import database, settings
from ocop.storage import handoffs

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def office() -> Dict[Text, Text]:
    """The office's contact: data/settings/office.yml, overridden by OCOP_OFFICE_*."""
    with open(settings().data_dir / "settings" / "office.yml", encoding="utf-8") as handle:
        contact = {k: str(v or "") for k, v in (yaml.safe_load(handle) or {}).items()}
    return {**contact, **settings().office}


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
    handoffs.record(database(), tracker.sender_id, reason, tracker.latest_message.get("text"))
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
