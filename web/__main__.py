"""``python -m web``: serve the officers' console with uvicorn (127.0.0.1:8080 unless set).

    OCOP_CONSOLE_LISTEN=127.0.0.1 OCOP_CONSOLE_PORT=8080 python -m web

The schema must be current (``make run`` and ``ocop db upgrade`` migrate it).
"""

from __future__ import annotations

import uvicorn

from ocop import logs
from ocop.settings import Settings
from web.app import create_app


def main() -> None:
    settings = Settings.from_env()
    logs.configure(settings.secrets(), json_lines=settings.log_format == "json")
    print(f"Trang quản trị OCOP: http://{settings.console_listen}:{settings.console_port}/", flush=True)
    uvicorn.run(create_app(settings), host=settings.console_listen, port=settings.console_port,
                log_level="warning", log_config=None, proxy_headers=False, ws="none")


if __name__ == "__main__":
    main()
