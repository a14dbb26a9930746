"""`make run`'s program: serves the REST channel, stops every child on Ctrl-C."""

import signal
import subprocess
import sys
import time

import httpx
import psutil

from bot.model_cache import ROOT, rasa_env
from bot.stack import free_port


def test_stack_serves_and_stops_all_children_on_sigint(trained_model, tmp_path):
    rasa_port, action_port = free_port(), free_port()
    env = {**rasa_env(), "RASA_URL": f"http://127.0.0.1:{rasa_port}", "ACTION_PORT": str(action_port),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'ocop.db'}", "OCOP_VAR_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.stack"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 240
        for line in process.stdout:
            if "OCOP Assistant is running" in line or time.monotonic() > deadline:
                break
        assert process.poll() is None, "the stack exited early"
        replies = httpx.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "run-test", "message": "xin chào"}, timeout=30,
        ).json()
        assert any("Xin chào" in (r.get("text") or "") for r in replies)
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 3  # action server, Rasa, bot process
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    time.sleep(1)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not alive
