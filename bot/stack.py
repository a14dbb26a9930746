"""Run the whole assistant: action server, Rasa server, the bot process and the officers' console.

``make run`` calls ``python -m bot.stack``. It trains the model if its inputs
changed (``bot.model_cache``), starts the child processes, waits until each answers,
and stays in the foreground until Ctrl-C (SIGINT) or SIGTERM, then stops every
child. The tests use the same ``Stack`` class to talk to the real assistant.

Settings (``ocop/settings.py``): ``RASA_URL`` (where Rasa listens,
http://127.0.0.1:5005), ``ACTION_PORT`` (5055), ``DATABASE_URL`` (a PostgreSQL
URL moves Rasa's tracker store there too; the default keeps conversations in
``var/tracker.db``), ``OCOP_CONSOLE_PORT`` (the web console, 8080; 0 leaves it out).
The schema is migrated here, before any child starts.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional
from urllib.parse import urlsplit

import yaml

from bot.model_cache import ROOT, ensure_model, rasa_env
from bot.rasa_client import api_headers
from ocop import logs
from ocop.settings import get_settings
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

# The secret of each hop between our processes (docs/security.md).
SECRETS = ("ACTION_SERVER_TOKEN", "RASA_JWT_SECRET", "BOT_CHANNEL_SECRET")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Rasa's SQL tracker store, with sessions bounded so that a turn's cost does not grow (rasa_server/tracker_store.py).
TRACKER_STORE: Dict[str, object] = {"type": "rasa_server.tracker_store.CompactingSQLTrackerStore",
                                    "max_session_events": 32}


def tracker_store_config(database_url: Optional[str], var_dir: Path) -> Dict[str, object]:
    """Rasa's SQL tracker store settings for ``DATABASE_URL`` (SQLite otherwise).

    The password is not written to disk: Rasa reads it from the environment
    variable ``OCOP_TRACKER_PASSWORD`` through ``${...}`` substitution.
    """
    if database_url and database_url.startswith("postgres"):
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        config: Dict[str, object] = {
            **TRACKER_STORE,
            "dialect": "postgresql",
            "url": url.host or "localhost",
            "port": url.port or 5432,
            "db": url.database,
        }
        if url.username:
            config["username"] = url.username
        if url.password:
            config["password"] = "${OCOP_TRACKER_PASSWORD}"
        return config
    return {**TRACKER_STORE, "dialect": "sqlite", "db": str(var_dir / "tracker.db")}


LOCK_STORE = "rasa_server.lock_store.AtomicRedisLockStore"  # Rasa's Redis lock store, changed atomically


def lock_store_config(redis_url: Optional[str]) -> Optional[Dict[str, object]]:
    """Rasa's Redis lock store for ``REDIS_URL``: one conversation handled by one Rasa server at a time,
    whichever server the load balancer chose. None without it (Rasa's in-memory lock: one server only).

    The password is read by Rasa from ``OCOP_LOCK_PASSWORD``, not written to disk.
    """
    if not redis_url:
        return None
    url = urlsplit(redis_url)
    config: Dict[str, object] = {"type": LOCK_STORE, "url": url.hostname or "127.0.0.1", "port": url.port or 6379,
                                 "db": int((url.path or "/0").strip("/") or 0), "key_prefix": "ocop",
                                 "use_ssl": url.scheme == "rediss"}
    if url.password:
        config["password"] = "${OCOP_LOCK_PASSWORD}"
    return config


def write_endpoints(action_port: int, var_dir: Path, database_url: Optional[str],
                    redis_url: Optional[str] = None, path: Optional[Path] = None) -> Path:
    """A copy of endpoints.yml for this run: action server port and secret, tracker store, lock store.

    Secrets are not written to disk: Rasa reads them from its environment
    through ``${...}`` substitution.
    """
    with open(ROOT / "endpoints.yml", encoding="utf-8") as handle:
        endpoints = yaml.safe_load(handle) or {}
    endpoints["action_endpoint"] = {
        "url": f"http://127.0.0.1:{action_port}/webhook",
        "headers": {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"},
    }
    endpoints["tracker_store"] = tracker_store_config(database_url, var_dir)
    lock_store = lock_store_config(redis_url)
    if lock_store is not None:
        endpoints["lock_store"] = lock_store
    path = path or var_dir / f"endpoints-{action_port}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Stack:
    """The action server and the Rasa server as child processes."""

    rasa_port: int = 5005
    action_port: int = 5055
    host: str = "127.0.0.1"
    var_dir: Path = ROOT / "var"
    database_url: Optional[str] = None
    model: Optional[Path] = None
    log_dir: Optional[Path] = None
    with_bot: bool = True  # the bot process: scheduler, reminders, channels
    redis_url: Optional[str] = None  # Rasa's lock store (several Rasa servers); in-memory without it
    console_port: Optional[int] = None  # the officers' web console (python -m web); not started without it
    console_listen: str = "127.0.0.1"
    secrets: Dict[str, str] = field(default_factory=dict)  # SECRETS of this run (set by start)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @classmethod
    def isolated(cls, var_dir: Path, model: Optional[Path] = None, database_url: Optional[str] = None) -> "Stack":
        """A stack on free ports whose logs (and SQLite databases, unless
        ``database_url`` names another database) live in ``var_dir``; tests and
        benchmarks run it beside a running `make run`."""
        return cls(
            rasa_port=free_port(),
            action_port=free_port(),
            var_dir=var_dir,
            database_url=database_url or f"sqlite:///{var_dir / 'ocop.db'}",
            model=model,
            log_dir=var_dir / "logs",
            with_bot=False,
        )

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    def start(self, timeout: float = 240.0) -> "Stack":
        """Start both servers and wait until they answer."""
        model = self.model or ensure_model()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        database_url = self.database_url or f"sqlite:///{self.var_dir / 'ocop.db'}"
        db = Database(database_url)
        db.upgrade()  # the schema is current before anyone uses it
        db.dispose()
        endpoints = write_endpoints(self.action_port, self.var_dir, self.database_url, self.redis_url)
        env = rasa_env()
        env["DATABASE_URL"] = database_url
        env["RASA_URL"] = self.rasa_url
        env["ACTION_PORT"] = str(self.action_port)
        env["OCOP_VAR_DIR"] = str(self.var_dir)
        # One secret per hop and per run unless the operator set them: only our own processes know them.
        for name in SECRETS:
            env.setdefault(name, secrets.token_urlsafe(32))
        self.secrets = {name: env[name] for name in SECRETS}
        if self.database_url:
            from sqlalchemy.engine import make_url

            password = make_url(self.database_url).password
            if password:
                env["OCOP_TRACKER_PASSWORD"] = password
        if self.redis_url and urlsplit(self.redis_url).password:
            env["OCOP_LOCK_PASSWORD"] = urlsplit(self.redis_url).password or ""
        python = sys.executable
        self.spawn(
            "actions",
            [python, "-m", "actions.server"],
            env,
        )
        self.spawn(
            "rasa",
            [
                python, "-m", "rasa_server", "run",
                "--enable-api",
                "--model", str(model),
                "--interface", self.host,
                "--port", str(self.rasa_port),
                "--endpoints", str(endpoints),
                "--credentials", str(ROOT / "credentials.yml"),
            ],
            env,
        )
        self.wait_ready(f"http://127.0.0.1:{self.action_port}/health", "actions", timeout)
        self.wait_ready(f"{self.rasa_url}/status", "rasa", timeout, api_headers(self.secrets["RASA_JWT_SECRET"]))
        if self.with_bot:
            self.spawn("bot", [python, "-m", "bot"], env)
        if self.console_port:
            self.spawn("console", [python, "-m", "web"],
                       {**env, "OCOP_CONSOLE_PORT": str(self.console_port), "OCOP_CONSOLE_LISTEN": self.console_listen})
            self.wait_ready(f"{self.console_url}/dang-nhap", "console", timeout)
        return self

    @property
    def console_url(self) -> str:
        return f"http://{self.console_listen}:{self.console_port}"

    def bot_env(self, **settings: str) -> Dict[str, str]:
        """The environment of a bot process attached to this running stack (its address, database, secrets)."""
        return {**rasa_env(), "RASA_URL": self.rasa_url, "DATABASE_URL": self.database_url or "",
                "OCOP_VAR_DIR": str(self.var_dir), "OCOP_METRICS_PORT": str(free_port()), **self.secrets,
                **settings}

    def spawn(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")
        logger.info("Starting %s", name)
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )

    def wait_ready(self, url: str, name: str, timeout: float, headers: Optional[Dict[str, str]] = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{name} exited with code {process.returncode}")
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2) as response:
                    if response.status == 200:
                        logger.info("%s is ready", name)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"{name} did not answer at {url} within {timeout:.0f}s")

    def pids(self) -> Dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def stop(self, grace: float = 10.0) -> None:
        """Stop every child process group: SIGTERM, then SIGKILL after ``grace``."""
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def wait(self) -> int:
        """Block until a child exits; return its exit code."""
        while True:
            for name, process in self.processes.items():
                code = process.poll()
                if code is not None:
                    logger.error("%s exited with code %s", name, code)
                    return code
            time.sleep(0.5)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def main() -> int:
    logs.configure()
    settings = get_settings()
    rasa = urlsplit(settings.rasa_url)
    stack = Stack(
        rasa_port=rasa.port or 5005,
        action_port=settings.action_port,
        host=rasa.hostname or "127.0.0.1",
        var_dir=settings.var_dir,
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        console_port=settings.console_port or None,
        console_listen=settings.console_listen,
    )
    console = (f"; officers' console {stack.console_url}/ (accounts: ocop officers add … --login NAME)"
               if stack.console_port else "")
    return run_until_stopped(stack.start, stack.wait, stack.stop,
                             f"OCOP Assistant is running: REST channel {stack.rasa_url}/webhooks/rest/webhook{console} "
                             f"(Ctrl-C to stop; 'make chat' in another terminal to talk to it)")


def run_until_stopped(start: Callable[[], object], wait: Callable[[], int], stop: Callable[[], None],
                      banner: str) -> int:
    """Start, say ``banner``, and supervise until a child exits or SIGINT/SIGTERM; always stop everything."""

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Installed explicitly for both: a shell's background job inherits an ignored
    # SIGINT, which Python would otherwise keep.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        start()
        print(banner, flush=True)
        return wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
