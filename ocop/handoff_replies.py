"""An officer answers a producer who asked for a person: the reply goes to the producer's chat.

The reply is queued like an announcement to that one chat (``ocop.announcements``),
so the bot process delivers it once and records it in the conversation.
"""

from __future__ import annotations

from typing import Optional, Text

from ocop.announcements import queue_message
from ocop.conversations import split_sender
from ocop.storage import audit, chat_users
from ocop.storage.db import Database
from ocop.storage.models import HandoffRequest

MAX_REPLY = 2000


def reply(db: Database, handoff_id: int, officer: Text, text: Text) -> Optional[Text]:
    """Queue the officer's reply to the producer's chat; None when queued, else a Vietnamese reason."""
    text = (text or "").strip()
    if not text or len(text) > MAX_REPLY:
        return f"Nội dung trả lời cần có và dài tối đa {MAX_REPLY} ký tự."
    with db.session() as session:
        request = session.get(HandoffRequest, handoff_id)
        if request is None or request.status != "open":
            return "Yêu cầu này đã được đóng."
        channel, user_id = split_sender(request.sender_id)
        user = chat_users.get_or_create(session, channel, user_id)
        session.flush()
        if user.blocked_at is not None:
            return "Người này đã chặn trợ lý nên không nhận được tin nhắn."
        queue_message(session, user.id, text, officer, "handoff_reply")
        audit.record(session, officer, "handoff_replied", "handoff_request", handoff_id)
        return None
