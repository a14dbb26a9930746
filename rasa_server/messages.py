"""What both input channels do with a request: validate it, clean the text, run it, collect the replies."""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic.exceptions import InvalidUsage
from sanic.request import Request

logger = logging.getLogger(__name__)

MAX_CHARACTERS = 2000
MAX_ID_LENGTH = 128
CUT_NOTE = (
    "(Tin nhắn của bạn dài quá 2.000 ký tự nên tôi chỉ đọc phần đầu. "
    "Bạn gửi câu hỏi ngắn gọn hơn hoặc chia thành nhiều tin giúp tôi nhé.)"
)


def json_object(request: Request) -> Dict[Text, Any]:
    """The request's JSON body; a 400 when it is not a JSON object."""
    try:
        body = request.json
    except Exception:  # sanic raises its own error for unreadable JSON
        body = None
    if not isinstance(body, dict):
        raise InvalidUsage("the body must be a JSON object")
    return body


def text_field(body: Dict[Text, Any], name: Text, max_length: Optional[int] = None) -> Text:
    """A required string field; a 400 when missing, empty or of another type."""
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidUsage(f"'{name}' must be a non-empty string")
    if max_length is not None and len(value) > max_length:
        raise InvalidUsage(f"'{name}' is longer than {max_length} characters")
    return value


def clean_text(text: Text) -> Text:
    """NFC, and no NUL or other control characters (tabs and line breaks stay)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


async def handle(on_new_message: Callable[[UserMessage], Awaitable[Any]], raw_text: Text, sender_id: Text,
                 input_channel: Text, metadata: Optional[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Run one message through Rasa; the replies, after a note when the message was cut."""
    text = clean_text(raw_text)
    cut = len(text) > MAX_CHARACTERS
    if cut:
        text = text[:MAX_CHARACTERS]
    collector = CollectingOutputChannel()
    try:
        await on_new_message(UserMessage(text, collector, sender_id, input_channel=input_channel,
                                         metadata=metadata))
    except Exception:  # Rasa logs its own failure; the caller still gets whatever was said
        logger.exception("The message could not be handled")
    messages = list(collector.messages)
    if cut:
        messages.insert(0, {"recipient_id": sender_id, "text": CUT_NOTE})
    return messages
