"""Consent to notifications, asked the same way on every channel.

``/start`` registers the chat (and clears a block) and asks whether the user
wants notifications (certificate reminders, officers' announcements), with
two options; the answer is stored. ``/stop`` withdraws consent. "start" or
"bắt đầu" typed as a word registers the chat and goes on to Rasa.
Announcements go only to chats that said yes.
"""

from __future__ import annotations

import asyncio
from typing import Optional

from bot.rasa_client import Messages
from ocop.storage import chat_users
from ocop.storage.db import Database
from ocop.text import fold

YES, NO = "consent:yes", "consent:no"
START_WORDS = ("start", "bat dau")


def question(title: str) -> Messages:
    return [{
        "text": "Chào bạn! Tôi là Trợ lý OCOP. Bạn có đồng ý nhận thông báo (nhắc hạn giấy chứng nhận, "
                f"tin từ cán bộ OCOP) qua {title} không? Nhắn /stop bất cứ lúc nào để ngừng.",
        "buttons": [{"title": "Đồng ý", "payload": YES}, {"title": "Không", "payload": NO}],
    }]


STOPPED = [{"text": "Đã ngừng gửi thông báo cho bạn. Nhắn /start nếu muốn nhận lại."}]
AGREED = [{"text": "Cảm ơn bạn, tôi sẽ gửi thông báo khi cần. Bạn cần hỏi gì về OCOP cứ nhắn nhé."}]
DECLINED = [{"text": "Vâng, tôi sẽ không gửi thông báo. Bạn cần hỏi gì về OCOP cứ nhắn nhé."}]


def _command(text: str) -> str:
    """"/start@ocop_bot abc" → "/start"."""
    words = text.split()
    return words[0].split("@", 1)[0].lower() if words else ""


async def answer(db: Database, channel: str, title: str, user_id: str, text: str) -> Optional[Messages]:
    """The reply when ``text`` is about consent, else None (after registering a typed "start")."""
    command = _command(text)
    if command == "/start":
        await asyncio.to_thread(chat_users.register, db, channel, user_id)
        return question(title)
    if command == "/stop":
        await asyncio.to_thread(chat_users.set_consent, db, channel, user_id, False)
        return STOPPED
    if text in (YES, NO):
        await asyncio.to_thread(chat_users.set_consent, db, channel, user_id, text == YES)
        return AGREED if text == YES else DECLINED
    if " ".join(fold(text).lower().split()) in START_WORDS:
        await asyncio.to_thread(chat_users.register, db, channel, user_id)
    return None
