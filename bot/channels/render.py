"""Rasa's messages → what a platform can show, decided by the channel's capabilities.

Rasa replies with texts and buttons (``{"title", "payload"}``). A channel with
buttons (Telegram) gets the buttons as they are, for an inline keyboard. A
channel without (Zalo) gets them as a numbered list under the text, and the
payloads are remembered so that a reply "1", "2" … chooses that option
(``ocop.storage.chat_state``, read by the bridge). Every text is then split at the
channel's maximum length, at line breaks (or spaces) when possible; buttons go
with the last piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

NUMBERED_HINT = "(Trả lời bằng số thứ tự)"
EMPTY_TEXT = "…"  # a platform message needs some text above its buttons


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Piece:
    """One platform message: its text and, on channels with buttons, its buttons."""

    text: str
    buttons: Tuple[Button, ...] = ()


def split_text(text: str, limit: int) -> List[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks (or spaces) when possible."""
    pieces: List[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def numbered(text: str, buttons: Sequence[Button]) -> str:
    """The text with its options as a numbered list under it."""
    listing = "\n".join(f"{i}. {b.title}" for i, b in enumerate(buttons, start=1))
    return f"{text}\n\n{listing}\n{NUMBERED_HINT}".strip()


def render(messages: Sequence[Dict[str, Any]], buttons: bool, max_length: int) -> Tuple[List[Piece], List[str]]:
    """The pieces to send, and the payloads of the last numbered list (empty when none)."""
    pieces: List[Piece] = []
    options: List[str] = []
    for message in messages:
        text = message.get("text") or ""
        choices = tuple(Button(str(b.get("title", "")), str(b.get("payload", "")))
                        for b in message.get("buttons") or [])
        if not text and not choices:
            continue  # images and custom payloads: nothing a chat platform here can show
        if choices and not buttons:
            text, options = numbered(text, choices), [b.payload for b in choices]
            choices = ()
        parts = split_text(text, max_length) or [EMPTY_TEXT]
        pieces.extend(Piece(part) for part in parts[:-1])
        pieces.append(Piece(parts[-1], choices))
    return pieces, options
