"""Settings: one name per setting, read once, with the documented defaults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ocop.settings import DEFAULT_REMINDER_OFFSETS, PROJECT_ROOT, Settings


def test_defaults_point_into_the_project_and_loopback() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'ocop.db'}"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.reminder_offsets == DEFAULT_REMINDER_OFFSETS == (180, 150, 125, 30, 0)
    assert settings.quiet_hours == (dt.time(21, 0), dt.time(7, 0))
    assert settings.telegram.token is None and settings.telegram.webhook_listen == "127.0.0.1"
    assert settings.zalo_bot.webhook_listen == settings.zalo_oa.webhook_listen == "127.0.0.1"
    assert settings.knowledge_dir == PROJECT_ROOT / "data" / "knowledge"


def test_environment_values_are_parsed(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "DATABASE_URL": "postgresql://u@h/db", "RASA_URL": "http://127.0.0.1:6005/", "OCOP_DATA_DIR": str(tmp_path),
        "OCOP_REMINDER_OFFSETS": "7, 30,0,30", "OCOP_QUIET_HOURS": "22:00-06:30", "OCOP_OFFICE_PHONE": "028 1234",
        "TELEGRAM_BOT_TOKEN": "t", "ZALO_OA_WEBHOOK_PORT": "9000", "OCOP_BROADCAST_RATE": "10",
    })
    assert settings.database_url == "postgresql://u@h/db" and settings.rasa_url == "http://127.0.0.1:6005"
    assert settings.knowledge_dir == tmp_path / "knowledge"
    assert settings.reminder_offsets == (30, 7, 0)
    assert settings.quiet_hours == (dt.time(22, 0), dt.time(6, 30))
    assert settings.office == {"phone": "028 1234"}
    assert settings.telegram.token == "t" and settings.zalo_oa.webhook_port == 9000 and settings.broadcast_rate == 10
