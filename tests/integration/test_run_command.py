"""`make run`'s program: serves the REST channel and the console, stops every child on SIGINT and SIGTERM."""

import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from bot.model_cache import ROOT, rasa_env
from bot.stack import free_port


def ignoring_sigint() -> None:
    """What a shell does to a background job (`make run &`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_stack_serves_and_stops_all_children(trained_model, tmp_path, stop_with):
    rasa_port, action_port, console_port = free_port(), free_port(), free_port()
    env = {**rasa_env(), "RASA_URL": f"http://127.0.0.1:{rasa_port}", "ACTION_PORT": str(action_port),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'ocop.db'}", "OCOP_VAR_DIR": str(tmp_path),
           "OCOP_CONSOLE_PORT": str(console_port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.stack"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        preexec_fn=ignoring_sigint,
    )
    children = []
    try:
        deadline = time.monotonic() + 240
        banner = ""
        for line in process.stdout:
            if "OCOP Assistant is running" in line or time.monotonic() > deadline:
                banner = line
                break
        assert process.poll() is None, "the stack exited early"
        replies = httpx.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "run-test", "message": "xin chào"}, timeout=30,
        ).json()
        assert any("Xin chào" in (r.get("text") or "") for r in replies)
        assert f"officers' console http://127.0.0.1:{console_port}/" in banner
        sign_in = httpx.get(f"http://127.0.0.1:{console_port}/dang-nhap", timeout=10)
        assert sign_in.status_code == 200 and "Đăng nhập" in sign_in.text
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 4  # action server, Rasa, bot process, console
        process.send_signal(stop_with)
        process.wait(timeout=60)
        time.sleep(1)
        alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
        assert not alive
    finally:  # whatever failed above, nothing is left running
        for child in children:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)
