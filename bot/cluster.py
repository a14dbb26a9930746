"""``make cluster``: the whole assistant as several processes on one machine, behind nginx, all on loopback.

    make cluster                      # DATABASE_URL must name PostgreSQL; REDIS_URL defaults to 127.0.0.1:6379
    .venv/bin/python -m bot.cluster --endpoints-only /etc/ocop/endpoints.yml

Started, with the commands and ports of ``deploy/systemd/`` and the nginx
configuration of ``deploy/nginx/ocop.conf`` (what runs here is what an
operator deploys):

* 2 action servers (5155, 5156) behind nginx on 5055;
* 2 Rasa servers (5105, 5106) behind nginx on 5005, sharing the PostgreSQL
  tracker store and Rasa's Redis lock store;
* 2 ingress bot processes (webhooks on 8541, 8542 behind nginx on 8443;
  metrics on 9111, 9112) and 2 worker bot processes (one leads; metrics on
  9121, 9122).

nginx comes from Debian's packages (``nginx-light``), installed when missing.
Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

from bot.model_cache import ROOT, ensure_model, rasa_env
from bot.rasa_client import api_headers
from bot.stack import SECRETS, Stack, run_until_stopped, write_endpoints
from ocop import logs
from ocop.settings import get_settings
from ocop.storage.db import Database

NGINX_CONF = ROOT / "deploy" / "nginx" / "ocop.conf"
ACTION_PORTS, RASA_PORTS = (5155, 5156), (5105, 5106)
BALANCED_ACTIONS, BALANCED_RASA = 5055, 5005
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
NGINX_MAIN = """# Written by bot/cluster.py: nginx in the foreground, its files under {root}.
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
daemon off;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {conf};
}}
"""


def ensure_nginx() -> str:
    """nginx from Debian's packages, installed when missing."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    print("nginx is missing: installing Debian's nginx-light", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("nginx") or "/usr/sbin/nginx"


def endpoints_file(path: Path, database_url: str, redis_url: str) -> Path:
    """The endpoints every Rasa server of the cluster uses: actions through nginx, PostgreSQL, Redis."""
    return write_endpoints(BALANCED_ACTIONS, path.parent, database_url, redis_url, path)


class Cluster:
    """The processes of a one-machine cluster, supervised like ``make run``'s stack."""

    def __init__(self, var_dir: Path, database_url: str, redis_url: str, model: Path) -> None:
        self.root = var_dir / "cluster"
        self.database_url, self.redis_url, self.model = database_url, redis_url, model
        self.processes = Stack(var_dir=self.root, log_dir=self.root / "logs", database_url=database_url,
                               with_bot=False)

    def environment(self) -> Dict[str, str]:
        env = rasa_env()
        env.update(DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, RASA_URL=f"http://127.0.0.1:{BALANCED_RASA}",
                   OCOP_VAR_DIR=str(self.root))
        for name in SECRETS:  # shared by every process of the cluster
            env.setdefault(name, secrets.token_urlsafe(32))
        return env

    def start(self) -> "Cluster":
        self.root.mkdir(parents=True, exist_ok=True)
        Database(self.database_url).upgrade().dispose()
        env = self.environment()
        endpoints = endpoints_file(self.root / "endpoints.yml", self.database_url, self.redis_url)
        python, spawn = sys.executable, self.processes.spawn
        for port in ACTION_PORTS:
            spawn(f"actions-{port}", [python, "-m", "actions.server"], {**env, "ACTION_PORT": str(port)})
        for port in RASA_PORTS:
            spawn(f"rasa-{port}", [python, "-m", "rasa_server", "run", "--enable-api", "--interface", "127.0.0.1",
                                   "--port", str(port), "--model", str(self.model), "--endpoints", str(endpoints),
                                   "--credentials", str(ROOT / "credentials.yml")], env)
        main = self.root / "nginx.conf"
        main.write_text(NGINX_MAIN.format(root=self.root, conf=NGINX_CONF), encoding="utf-8")
        spawn("nginx", [ensure_nginx(), "-c", str(main), "-p", str(self.root)], env)
        polling_once = bool(env.get("TELEGRAM_BOT_TOKEN")) and not env.get("TELEGRAM_WEBHOOK_URL")
        for index in (1, 2):
            ingress = {**env, "OCOP_BOT_ROLE": "ingress", "TELEGRAM_WEBHOOK_PORT": f"854{index}",
                       "OCOP_METRICS_PORT": f"911{index}"}
            if polling_once and index == 2:  # Telegram allows one long-polling consumer: the rest need webhooks
                ingress["TELEGRAM_BOT_TOKEN"] = ""
            spawn(f"ingress-{index}", [python, "-m", "bot"], ingress)
            spawn(f"worker-{index}", [python, "-m", "bot"],
                  {**env, "OCOP_BOT_ROLE": "worker", "OCOP_METRICS_PORT": f"912{index}"})
        headers = api_headers(env["RASA_JWT_SECRET"])
        for port in ACTION_PORTS:
            self.processes.wait_ready(f"http://127.0.0.1:{port}/health", f"actions-{port}", 240)
        for port in RASA_PORTS:
            self.processes.wait_ready(f"http://127.0.0.1:{port}/status", f"rasa-{port}", 300, headers)
        self.processes.wait_ready(f"http://127.0.0.1:{BALANCED_RASA}/status", "nginx", 30, headers)
        return self

    def stop(self) -> None:
        self.processes.stop()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints-only", type=Path, metavar="FILE",
                        help="write the Rasa endpoints of a cluster to FILE (for deploy/systemd) and stop")
    args = parser.parse_args(argv)
    logs.configure()
    settings = get_settings()
    if not settings.database_url.startswith("postgres"):
        print("make cluster needs DATABASE_URL naming PostgreSQL (the Rasa servers share its tracker store), e.g.\n"
              "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make cluster", file=sys.stderr)
        return 2
    redis_url = settings.redis_url or DEFAULT_REDIS
    if args.endpoints_only:
        print(endpoints_file(args.endpoints_only, settings.database_url, redis_url))
        return 0
    cluster = Cluster(settings.var_dir, settings.database_url, redis_url, ensure_model())

    return run_until_stopped(cluster.start, cluster.processes.wait, cluster.stop,
                             f"OCOP Assistant cluster is running: REST channel "
                             f"http://127.0.0.1:{BALANCED_RASA}/webhooks/rest/webhook through nginx to Rasa on "
                             f"{', '.join(map(str, RASA_PORTS))} (Ctrl-C to stop)")


if __name__ == "__main__":
    sys.exit(main())
