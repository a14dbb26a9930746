"""Every setting of OCOP Assistant, read once from the environment.

A process reads its ``Settings`` once at start-up (``get_settings()``) and
passes them, or the parts it needs, down; nothing else in the project reads
the environment. Each setting has exactly one name; ``docs/operations.md`` lists
them all. Secrets (bot tokens, keys, passwords) are kept as they are and must
never be logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

# The project's folder: the default home of data/, var/ and models/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_REMINDER_OFFSETS = (90, 60, 30, 7, 0)
OFFICE_KEYS = ("name", "phone", "email", "address", "hours")


def _offsets(raw: Optional[str]) -> Tuple[int, ...]:
    """"90,60,30,7,0" → (90, 60, 30, 7, 0), most distant first; the default when empty."""
    if not raw:
        return DEFAULT_REMINDER_OFFSETS
    values = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    return tuple(v for v in values if v >= 0) or DEFAULT_REMINDER_OFFSETS


def _quiet_hours(raw: Optional[str]) -> Tuple[dt.time, dt.time]:
    """"21:00-07:00" → (21:00, 07:00)."""
    start, end = (raw or "21:00-07:00").split("-", 1)
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


@dataclass(frozen=True)
class TelegramSettings:
    token: Optional[str] = None  # turns the channel on; secret
    api_base_url: Optional[str] = None  # another Bot API server (the tests' fake)
    webhook_url: Optional[str] = None  # webhook mode instead of long polling
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: Optional[str] = None  # derived from the token when unset


@dataclass(frozen=True)
class ZaloBotSettings:
    token: Optional[str] = None
    api_base_url: Optional[str] = None
    webhook_url: Optional[str] = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8445
    webhook_secret: Optional[str] = None


@dataclass(frozen=True)
class ZaloOaSettings:
    app_id: Optional[str] = None  # turns the channel on
    secret_key: Optional[str] = None
    refresh_token: Optional[str] = None  # the first one; later ones are stored
    api_base_url: Optional[str] = None
    oauth_base_url: Optional[str] = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8444
    reply_window_hours: float = 168.0


@dataclass(frozen=True)
class Settings:
    """The whole configuration; build it with ``from_env`` (tests build it directly)."""

    database_url: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    action_port: int = 5055
    data_dir: Path = PROJECT_ROOT / "data"
    var_dir: Path = PROJECT_ROOT / "var"
    knowledge_dir: Path = PROJECT_ROOT / "data" / "knowledge"
    office: Dict[str, str] = field(default_factory=dict)  # overrides of data/settings/office.yml
    reminder_offsets: Tuple[int, ...] = DEFAULT_REMINDER_OFFSETS
    quiet_hours: Tuple[dt.time, dt.time] = (dt.time(21, 0), dt.time(7, 0))
    broadcast_rate: float = 25.0
    telegram: TelegramSettings = TelegramSettings()
    zalo_bot: ZaloBotSettings = ZaloBotSettings()
    zalo_oa: ZaloOaSettings = ZaloOaSettings()

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.var_dir / 'ocop.db'}")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ

        def get(name: str) -> Optional[str]:
            return env.get(name) or None

        data_dir = Path(get("OCOP_DATA_DIR") or PROJECT_ROOT / "data")
        var_dir = Path(get("OCOP_VAR_DIR") or PROJECT_ROOT / "var")
        return cls(
            database_url=get("DATABASE_URL") or f"sqlite:///{var_dir / 'ocop.db'}",
            rasa_url=(get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            action_port=int(get("ACTION_PORT") or 5055),
            data_dir=data_dir,
            var_dir=var_dir,
            knowledge_dir=Path(get("OCOP_KNOWLEDGE_DIR") or data_dir / "knowledge"),
            office={key: env[f"OCOP_OFFICE_{key.upper()}"] for key in OFFICE_KEYS if get(f"OCOP_OFFICE_{key.upper()}")},
            reminder_offsets=_offsets(get("OCOP_REMINDER_OFFSETS")),
            quiet_hours=_quiet_hours(get("OCOP_QUIET_HOURS")),
            broadcast_rate=float(get("OCOP_BROADCAST_RATE") or 25),
            telegram=TelegramSettings(
                token=get("TELEGRAM_BOT_TOKEN"),
                api_base_url=get("TELEGRAM_API_BASE_URL"),
                webhook_url=get("TELEGRAM_WEBHOOK_URL"),
                webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
                webhook_port=int(get("TELEGRAM_WEBHOOK_PORT") or 8443),
                webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            ),
            zalo_bot=ZaloBotSettings(
                token=get("ZALO_BOT_TOKEN"),
                api_base_url=get("ZALO_BOT_API_BASE_URL"),
                webhook_url=get("ZALO_BOT_WEBHOOK_URL"),
                webhook_listen=get("ZALO_BOT_WEBHOOK_LISTEN") or "127.0.0.1",
                webhook_port=int(get("ZALO_BOT_WEBHOOK_PORT") or 8445),
                webhook_secret=get("ZALO_BOT_WEBHOOK_SECRET"),
            ),
            zalo_oa=ZaloOaSettings(
                app_id=get("ZALO_OA_APP_ID"),
                secret_key=get("ZALO_OA_SECRET_KEY"),
                refresh_token=get("ZALO_OA_REFRESH_TOKEN"),
                api_base_url=get("ZALO_OA_API_BASE_URL"),
                oauth_base_url=get("ZALO_OA_OAUTH_BASE_URL"),
                webhook_listen=get("ZALO_OA_WEBHOOK_LISTEN") or "127.0.0.1",
                webhook_port=int(get("ZALO_OA_WEBHOOK_PORT") or 8444),
                reply_window_hours=float(get("ZALO_OA_REPLY_WINDOW_HOURS") or 168),
            ),
        )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """This process's settings, read from the environment the first time they are needed."""
    return Settings.from_env()
