"""Logs never carry secrets or personal numbers, tracebacks included."""

from __future__ import annotations

import logging

import httpx

from ocop.logs import RedactingFormatter

TOKEN = "123456:ABC-secret-token-value"


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("bot", logging.ERROR, __file__, 1, message, args, exc_info)


def test_secrets_and_numbers_are_redacted_in_messages_and_tracebacks() -> None:
    formatter = RedactingFormatter([TOKEN])
    try:
        raise httpx.HTTPStatusError(f"500 for url https://bot-api.example/bot{TOKEN}/sendMessage",
                                    request=httpx.Request("POST", "http://x"), response=httpx.Response(500))
    except httpx.HTTPStatusError:
        import sys
        line = formatter.format(record("Zalo send to %s failed, phone %s, mst %s", "chat", "0912345678",
                                       "0312345673", exc_info=sys.exc_info()))
    assert TOKEN not in line and "secret-token" not in line
    assert "0912345678" not in line and "0312345673" not in line
    assert "Traceback" in line and "***" in line and "ERROR bot:" in line


def test_json_lines_carry_level_and_logger_and_are_redacted_too() -> None:
    import json
    import sys

    from ocop.logs import JsonLinesFormatter

    try:
        raise RuntimeError(f"token {TOKEN} rejected")
    except RuntimeError:
        line = JsonLinesFormatter([TOKEN]).format(record("send to %s failed", "0912345678", exc_info=sys.exc_info()))
    parsed = json.loads(line)
    assert (parsed["level"], parsed["logger"]) == ("ERROR", "bot") and "\n" not in line
    assert "0912345678" not in line and TOKEN not in line and "RuntimeError" in parsed["exception"]
