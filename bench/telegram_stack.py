"""The stack and a bot process talking to a fake Telegram Bot API, for the Telegram benchmarks."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator, Optional

from bot.model_cache import ROOT, ensure_model
from bot.stack import Stack
from fakes.fake_telegram import FakeTelegram


@contextlib.contextmanager
def telegram_stack(fake: FakeTelegram, prepare: Optional[Callable[[Stack], None]] = None,
                   **bot_env: str) -> Iterator[Stack]:
    """Action server, Rasa (cached model) and the bot process on ``fake``; yielded once the bot answers.
    ``prepare(stack)`` runs before the bot process starts (its database is ready); ``bot_env`` is added to
    the bot process's environment."""
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack.isolated(Path(tmp), ensure_model()).start()
        if prepare is not None:
            prepare(stack)
        env = stack.bot_env(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url, **bot_env)
        bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                               stdout=open(Path(tmp) / "bot.log", "wb"), stderr=subprocess.STDOUT)
        try:
            fake.user_says(1, "xin chào")
            fake.wait_for_messages(1, 1, timeout=120)
            yield stack
        finally:
            bot.terminate()
            bot.wait(30)
            stack.stop()
            fake.stop()
