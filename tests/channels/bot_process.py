"""The bot process (``python -m bot``) as the channel tests run it: against the test stack and fakes."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from bot.model_cache import ROOT
from bot.stack import Stack


@contextlib.contextmanager
def bot_process(stack: Stack, log_dir: Path, **settings: str) -> Iterator[subprocess.Popen]:
    """Run the bot process with ``settings`` (channel tokens, URLs) on the stack's Rasa and database.

    No quiet hours unless ``settings`` give them: what a test pushes must go out whatever the time of the run.
    """
    env = stack.bot_env(**{"OCOP_QUIET_HOURS": "00:00-00:00", **settings})
    with open(log_dir / "bot.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(30)
