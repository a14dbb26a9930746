"""``make chat``: talk to the running assistant from a terminal.

Buttons are shown as a numbered list; typing the number sends the button's
payload, as the Zalo channel does.
"""

from __future__ import annotations

import sys
import uuid
from typing import Dict, List

import httpx

from bot.rasa_client import RasaClient
from ocop.settings import get_settings


def render(replies: List[Dict], choices: Dict[str, str]) -> None:
    """Print the bot's replies; remember numbered buttons in ``choices``."""
    choices.clear()
    for reply in replies:
        if reply.get("text"):
            print(f"Trợ lý: {reply['text']}")
        for number, button in enumerate(reply.get("buttons") or [], start=1):
            choices[str(number)] = button["payload"]
            print(f"   {number}. {button['title']}")


def main() -> int:
    url = get_settings().rasa_url
    sender = f"console:{uuid.uuid4().hex[:8]}"
    print("Trò chuyện với Trợ lý OCOP (gõ 'thoát' hoặc Ctrl-D để kết thúc).")
    choices: Dict[str, str] = {}
    with RasaClient(url, jwt_secret=get_settings().rasa_jwt_secret) as client:
        while True:
            try:
                text = input("Bạn: ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if text.lower() in {"thoát", "thoat", "/exit"}:
                return 0
            try:
                render(client.send(sender, choices.get(text, text)), choices)
            except httpx.HTTPError:
                print(f"Không kết nối được với trợ lý tại {url}. Hãy chạy 'make run' trước.")
                return 1


if __name__ == "__main__":
    sys.exit(main())
