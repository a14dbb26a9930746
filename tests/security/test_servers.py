"""Only our own processes reach our servers: loopback, and a secret on every hop."""

from __future__ import annotations

import httpx
import psutil

from bot.rasa_client import api_headers
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
    allowed = httpx.get(f"{url}/actions", headers={"Authorization": f"Bearer {stack.secrets['ACTION_SERVER_TOKEN']}"})
    assert allowed.status_code == 200 and {"name": "action_my_registrations"} in allowed.json()


def test_the_servers_listen_on_loopback_only(stack: Stack) -> None:
    ports = {stack.action_port, stack.rasa_port}
    listening = {(c.laddr.ip, c.laddr.port) for c in psutil.net_connections("inet")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port in ports}
    assert {port for _, port in listening} == ports
    assert all(ip in ("127.0.0.1", "::1") for ip, _ in listening), listening


def test_rasa_api_needs_a_signed_token(stack: Stack) -> None:
    url = stack.rasa_url
    for method, path in (("GET", "/status"), ("POST", "/model/parse"), ("GET", "/conversations/telegram:42/tracker"),
                         ("POST", "/conversations/telegram:42/tracker/events"), ("PUT", "/model")):
        assert httpx.request(method, f"{url}{path}", json={"text": "x"}).status_code == 401, path
    forged = api_headers("not-the-secret-but-quite-long-enough-for-hs256")
    assert httpx.get(f"{url}/status", headers=forged).status_code == 401
    signed = api_headers(stack.secrets["RASA_JWT_SECRET"])
    assert httpx.get(f"{url}/status", headers=signed).status_code == 200


def test_a_browser_page_cannot_use_the_api_cross_site(stack: Stack) -> None:
    preflight = httpx.options(f"{stack.rasa_url}/model/parse", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in {k.lower() for k in preflight.headers}


def test_the_bot_channel_needs_its_secret(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webhooks/ocop_bot/webhook"
    body = {"channel": "telegram", "user_id": "42", "message": "hồ sơ của tôi"}
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    right = {"Authorization": f"Bearer {stack.secrets['BOT_CHANNEL_SECRET']}"}
    assert httpx.post(url, json={**body, "channel": "rest"}, headers=right).status_code == 400
    assert httpx.post(url, json=[body], headers=right).status_code == 400
    replies = httpx.post(url, json=body, headers=right, timeout=30)
    assert replies.status_code == 200 and replies.json()
