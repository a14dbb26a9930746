"""Officers' chat commands, the same on every channel: announcements and open hand-offs.

* ``/broadcast`` followed by optional filter lines (``tỉnh: Cà Mau``, ``xã: …``,
  ``nhóm: đồ uống``, ``sao: 4``, ``hết hạn: 90``; a first line ``khẩn`` sends it
  during the quiet hours too) and the text: the bot shows how
  many will receive it and keeps a draft in the database
  (``ocop.announcements.save_draft``), with two options, "Gửi" and
  "Hủy" (buttons on Telegram, a numbered list on Zalo). The officer confirms by
  choosing "Gửi" or typing "gửi"; the draft becomes an announcement once
  (``confirm_draft``), even after a restart of the bot process.
* ``/handoffs``: the open hand-off requests, newest first, each with the chat
  that asked, in messages of at most ``MESSAGE_LIMIT`` characters;
  ``/handoff_close N [ghi chú]`` closes one.

Only chat accounts on the officers' allow-list may use them; every refused
attempt is written to the audit log. ``handle`` is synchronous (database
work): the bridge runs it in a worker thread. It answers in Rasa's message
format, so the channel renders the options like any other buttons.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, Optional, Tuple

from bot.rasa_client import Messages
from ocop import announcements
from ocop.audiences import Audience
from ocop.choices import find_product_group
from ocop.storage import audit, handoffs, officers
from ocop.storage.db import Database
from ocop.text import fold
from ocop.vietnam_time import local_time

BROADCAST, SEND, CANCEL = "broadcast", "broadcast_send", "broadcast_cancel"
HANDOFFS, CLOSE = "handoffs", "handoff_close"
COMMANDS = (BROADCAST, SEND, CANCEL, HANDOFFS, CLOSE)
COMMAND = re.compile(r"/([A-Za-z_]+)(?:@\w+)?(?:\s+|$)")
CONFIRM_WORDS = ("gui", "gui di")  # typed instead of choosing "Gửi" (folded)
DRAFT_LIFETIME = dt.timedelta(hours=24)  # "gửi" confirms only a recent draft
HANDOFFS_SHOWN = 50
MESSAGE_LIMIT = 3500  # under Telegram's 4,096 and Zalo's 2,000 × 2 (the channel splits further if needed)
ENTRY_LIMIT = 300  # one request's line

FILTER_WORDS = {"tinh": "province", "tinh/thanh pho": "province", "thanh pho": "province", "xa": "ward",
                "phuong": "ward", "xa/phuong": "ward", "nhom": "product_group", "sao": "stars",
                "het han": "expiring_days", "het han trong": "expiring_days"}

URGENT_WORDS = ("khan", "khan cap", "gap", "[khan]", "khan:")  # a first line that marks the announcement urgent
REFUSED = "Xin lỗi, lệnh này chỉ dành cho cán bộ OCOP."
USAGE = ("Cú pháp: /broadcast rồi nội dung thông báo. Có thể thêm ở đầu các dòng lọc: "
         "\"tỉnh: Cà Mau\", \"xã: …\", \"nhóm: đồ uống\", \"sao: 4\", \"hết hạn: 90\"; "
         "dòng đầu \"khẩn\" để gửi cả trong giờ nghỉ ban đêm.")
CANCELLED = "Đã hủy thông báo."
EXPIRED = "Bản nháp này đã hết hiệu lực, bạn gửi lại lệnh /broadcast nhé."


def parse_message(message: str) -> Tuple[Audience, str]:
    """An officer's "/broadcast" text: leading "tỉnh: …", "xã: …", "nhóm: …", "sao: 4",
    "hết hạn: 90" lines choose the audience; the rest is the announcement."""
    filters: Dict[str, object] = {}
    lines = message.strip().splitlines()
    while lines and ":" in lines[0]:
        key, value = lines[0].split(":", 1)
        field = FILTER_WORDS.get(" ".join(fold(key).lower().split()))
        if field is None:
            break
        value = value.strip()
        filters[field] = int(value.split()[0]) if field in ("stars", "expiring_days") and value[:1].isdigit() else value
        lines.pop(0)
    if "product_group" in filters:
        filters["product_group"] = find_product_group(str(filters["product_group"])) or filters["product_group"]
    return Audience(**filters), "\n".join(lines).strip()


def split_urgent(message: str) -> Tuple[bool, str]:
    """(urgent, the rest): a first line "khẩn" (or "khẩn cấp", "gấp") marks the announcement urgent."""
    first, _, rest = message.strip().partition("\n")
    if " ".join(fold(first).lower().split()) in URGENT_WORDS:
        return True, rest
    return False, message


def command_of(text: str) -> Optional[Tuple[str, str]]:
    """(command, the rest) when ``text`` is one of the officers' commands, else None."""
    match = COMMAND.match(text.strip())
    if match is None or match.group(1).lower() not in COMMANDS:
        return None
    return match.group(1).lower(), text.strip()[match.end():].strip()


def handle(db: Database, channel: str, user_id: str, text: str) -> Optional[Messages]:
    """The reply to an officers' command, or None when ``text`` is not one (it goes to Rasa)."""
    actor = f"{channel}:{user_id}"
    if " ".join(fold(text).lower().split()) in CONFIRM_WORDS:
        draft_id = announcements.latest_open_draft(db, actor, dt.datetime.now(dt.timezone.utc) - DRAFT_LIFETIME)
        if draft_id is None or not officers.is_officer(db, channel, user_id):
            return None  # an ordinary "gửi": Rasa's business
        return _send(db, actor, draft_id)
    parsed = command_of(text)
    if parsed is None:
        return None
    command, rest = parsed
    if not officers.is_officer(db, channel, user_id):
        hashed = audit.actor_hash(db, actor)  # attempts from one chat can be told apart; its id is not stored
        with db.session() as session:
            audit.record(session, hashed, f"refused_{command}", "officer_command")
        return _text(REFUSED)
    if command == BROADCAST:
        return _draft(db, actor, rest)
    if command == HANDOFFS:
        return _handoffs(db)
    if command == CLOSE:
        number, _, note = rest.partition(" ")
        closed = number.isdigit() and handoffs.close(db, int(number), actor, note.strip())
        return _text(f"Đã đóng yêu cầu #{number}." if closed else
                     "Không có yêu cầu đang mở với số này. Cú pháp: /handoff_close 12 [ghi chú]")
    draft_id = int(rest) if rest.isdigit() else None
    if command == CANCEL:
        if draft_id is not None:
            announcements.discard_draft(db, draft_id, actor)
        return _text(CANCELLED)
    return _send(db, actor, draft_id) if draft_id is not None else _text(EXPIRED)


def _draft(db: Database, actor: str, body: str) -> Messages:
    urgent, body = split_urgent(body)
    audience, text = parse_message(body)
    if not text:
        return _text(USAGE)
    size = announcements.count(db, audience)
    draft_id = announcements.save_draft(db, actor, audience, text, size, urgent)
    when = ("KHẨN: gửi ngay, kể cả trong giờ nghỉ." if urgent else
            "Trong giờ nghỉ ban đêm thông báo chờ đến sáng; ghi dòng đầu \"khẩn\" nếu cần gửi ngay.")
    return [{
        "text": f"Thông báo sẽ gửi tới {size} người ({audience.describe()}):\n\n{text}\n\n{when}\n"
                "Chọn “Gửi” (hoặc gõ “gửi”) để gửi đi.",
        "buttons": [{"title": f"Gửi cho {size} người", "payload": f"/{SEND} {draft_id}"},
                    {"title": "Hủy", "payload": f"/{CANCEL} {draft_id}"}],
    }]


def _send(db: Database, actor: str, draft_id: int) -> Messages:
    confirmed = announcements.confirm_draft(db, draft_id, actor)
    if confirmed is None:
        return _text(EXPIRED)
    announcement_id, size = confirmed
    return _text(f"Đã xếp hàng thông báo số {announcement_id} cho {size} người. "
                 f"Xem kết quả: ocop broadcast-report {announcement_id}")


def _handoffs(db: Database) -> Messages:
    rows = handoffs.open_requests(db)
    lines = [f"Yêu cầu gặp cán bộ đang mở: {len(rows)} (đóng một yêu cầu: /handoff_close số [ghi chú])"] + [
        f"• #{h.id} {local_time(h.created_at):%d/%m %H:%M} {h.sender_id} ({h.reason}): {h.last_message or ''}"
        [:ENTRY_LIMIT] for h in rows[:HANDOFFS_SHOWN]]
    messages, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > MESSAGE_LIMIT:
            messages.append({"text": current})
            current = ""
        current = f"{current}\n{line}" if current else line
    messages.append({"text": current})
    return messages


def _text(text: str) -> Messages:
    return [{"text": text}]


def is_command(text: str) -> bool:
    """Whether ``text`` may be for ``handle`` (no database needed to tell)."""
    return command_of(text) is not None or " ".join(fold(text).lower().split()) in CONFIRM_WORDS
