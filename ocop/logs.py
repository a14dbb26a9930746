"""Logging for every process of ours: level and logger on each line, and nothing secret or personal in it.

``configure(secrets)`` replaces whatever handlers libraries installed at
import (underthesea gives the root logger one), sets INFO, keeps httpx and
httpcore at WARNING (they log every request URL, and Telegram's and Zalo's
URLs carry the bot token), and formats every line — tracebacks included —
through ``RedactingFormatter``: the given secrets become ``***`` and long
numbers (phones, tax codes, personal ids) and e-mail addresses are masked
(``ocop.privacy.mask``).
"""

from __future__ import annotations

import json
import logging
from typing import Iterable, List, Optional

from ocop.privacy import mask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = ("httpx", "httpcore", "apscheduler.executors.default")


class RedactingFormatter(logging.Formatter):
    """A formatter that removes secrets and masks personal data in the message and the traceback."""

    def __init__(self, secrets: Iterable[Optional[str]] = (), fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        # Longest first, so that a secret containing another is removed whole.
        self._secrets: List[str] = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return mask(text) or ""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)  # other handlers keep the original
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return super().format(record)


class JsonLinesFormatter(RedactingFormatter):
    """One JSON object per line (``LOG_FORMAT=json``): time, level, logger, message, traceback; redacted."""

    def format(self, record: logging.LogRecord) -> str:
        redacted = logging.makeLogRecord(record.__dict__)
        redacted.msg, redacted.args = self.redact(record.getMessage()), None
        line = {"time": self.formatTime(redacted), "level": record.levelname, "logger": record.name,
                "message": redacted.msg}
        if record.exc_info:
            line["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def configure(secrets: Iterable[Optional[str]] = (), level: int = logging.INFO, json_lines: bool = False) -> None:
    """One stderr handler on the root logger with the redacting formatter (JSON lines if asked)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLinesFormatter(secrets) if json_lines else RedactingFormatter(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
