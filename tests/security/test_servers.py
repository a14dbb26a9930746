"""Only our own processes reach our servers: loopback, and a secret on every hop."""

from __future__ import annotations

import httpx
import psutil

from bot.stack import Stack


def test_the_action_server_refuses_calls_without_the_secret(stack: Stack) -> None:
    url = f"http://127.0.0.1:{stack.action_port}"
    call = {"next_action": "action_my_registrations", "sender_id": "telegram:42", "version": "3.6.2",
            "tracker": {"sender_id": "telegram:42", "slots": {}, "latest_message": {}, "events": []},
            "domain": {}}
    assert httpx.post(f"{url}/webhook", json=call).status_code == 401
    assert httpx.post(f"{url}/webhook", json=call, headers={"Authorization": "Bearer guess"}).status_code == 401
    assert httpx.get(f"{url}/actions").status_code == 401
    assert httpx.get(f"{url}/health").status_code == 200
    allowed = httpx.get(f"{url}/actions", headers={"Authorization": f"Bearer {stack.action_server_token}"})
    assert allowed.status_code == 200 and {"name": "action_my_registrations"} in allowed.json()


def test_the_servers_listen_on_loopback_only(stack: Stack) -> None:
    ports = {stack.action_port, stack.rasa_port}
    listening = {(c.laddr.ip, c.laddr.port) for c in psutil.net_connections("inet")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port in ports}
    assert {port for _, port in listening} == ports
    assert all(ip in ("127.0.0.1", "::1") for ip, _ in listening), listening
