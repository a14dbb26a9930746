"""The console refuses strangers, low roles, forged posts and password guessing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ocop.storage import console_accounts
from ocop.storage.models import AuditLog, ConsoleSession
from tests.console.conftest import PASSWORD, Console, csrf_of, sign_in

PAGES = ["/tai-khoan", "/tien-do", "/tien-do.xlsx", "/ho-so", "/ho-so/1", "/chung-nhan", "/chung-nhan/sap-het-han",
         "/chung-nhan/sap-het-han.xlsx", "/thong-bao", "/thong-bao/1", "/ho-tro",
         "/ho-tro/1"]


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(console: Console, path: str) -> None:
    response = console.client().get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dang-nhap?next=")
    assert console.client().get(path, headers={"accept": "*/*"}).status_code == 401


def test_signing_in_sets_a_strict_cookie_and_stores_only_a_hash(console: Console) -> None:
    client = console.client()
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/tien-do"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token = client.cookies["ocop_console"]
    with console.db.session() as session:
        stored = session.execute(select(ConsoleSession.token_hash)).scalars().all()
    assert stored and token not in stored
    assert client.get("/tien-do").status_code == 200


def test_a_wrong_password_is_refused_politely_and_the_sixth_try_is_locked(console: Console) -> None:
    client = console.client()
    for _ in range(4):
        response = sign_in(client, "viewer", "sai-mat-khau-123")
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    response = sign_in(client, "viewer", "sai-mat-khau-123")
    assert "tạm khóa" in response.text
    # Locked: even the right password is refused for now.
    response = sign_in(client, "viewer", PASSWORD)
    assert response.status_code == 401 and "tạm khóa" in response.text
    with console.db.session() as session:
        assert session.execute(select(AuditLog).where(AuditLog.action == "console_locked")).first()


def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(console: Console) -> None:
    response = sign_in(console.client(), "khong-ton-tai", PASSWORD)
    assert response.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in response.text


def test_sign_in_without_the_form_token_is_refused(console: Console) -> None:
    client = console.client()
    client.get("/dang-nhap")
    response = client.post("/dang-nhap", data={"csrf_token": "doan-bua", "login": "admin", "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code == 403 and "ocop_console" not in client.cookies


def test_many_attempts_from_one_address_are_slowed_down(console: Console) -> None:
    client = console.client()
    statuses = [sign_in(client, f"nobody{i}", "x" * 12).status_code for i in range(22)]
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429


def test_sign_out_needs_the_token_and_ends_the_session(console: Console) -> None:
    client = console.signed_in("viewer")
    page = client.get("/tien-do")
    assert client.post("/dang-xuat", data={"csrf_token": "sai"}).status_code == 403
    assert client.get("/tien-do").status_code == 200
    client.post("/dang-xuat", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    client.cookies.clear()
    assert console.client().get("/tien-do", follow_redirects=False).status_code == 303
    with console.db.session() as session:
        assert session.execute(select(ConsoleSession)).first() is None


def test_next_never_leads_to_another_site(console: Console) -> None:
    client = console.client()
    page = client.get("/dang-nhap?next=//evil.example/x")
    response = client.post("/dang-nhap", data={"csrf_token": csrf_of(page.text), "login": "admin",
                                               "password": PASSWORD, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/tien-do"


def test_pages_carry_strict_security_headers(console: Console) -> None:
    response = console.client().get("/dang-nhap")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


ACTIONS = {  # every POST of the console and the lowest role allowed to use it
    "/ho-so/1/trang-thai": "officer", "/ho-so/yeu-cau/1": "officer", "/chung-nhan/nhap": "admin",
    "/chung-nhan/nhap/abcdefghijklmnopqrstuvwxyz.csv/xac-nhan": "admin", "/thong-bao/xem-truoc": "officer",
    "/thong-bao/gui": "officer", "/thong-bao/huy": "officer", "/ho-tro/1/tra-loi": "officer",
    "/ho-tro/1/dong": "officer", "/tai-khoan/1": "admin",
}
LOWER = {"officer": ["viewer"], "admin": ["viewer", "officer"]}


@pytest.mark.parametrize("path", sorted(ACTIONS))
def test_every_action_refuses_strangers_and_lower_roles(console: Console, path: str) -> None:
    assert console.client().post(path, data={"csrf_token": "x"}).status_code == 401
    for role in LOWER[ACTIONS[path]]:
        client = console.signed_in(role)
        token = csrf_of(client.get("/tien-do").text)
        assert client.post(path, data={"csrf_token": token}).status_code == 403, role


@pytest.mark.parametrize("path", sorted(ACTIONS))
def test_every_action_refuses_a_post_without_the_sessions_token(console: Console, path: str) -> None:
    client = console.signed_in("admin")
    assert client.post(path, data={"csrf_token": "forged"}).status_code == 403
    assert client.post(path, data={}).status_code == 403


def test_the_route_table_has_no_unlisted_action(console: Console) -> None:
    from starlette.routing import Route

    posts = {route.path for route in console.app.routes if isinstance(route, Route) and "POST" in route.methods}
    listed = {"/dang-nhap", "/dang-xuat", "/ho-so/{id:int}/trang-thai", "/ho-so/yeu-cau/{claim_id:int}",
              "/chung-nhan/nhap", "/chung-nhan/nhap/{name}/xac-nhan", "/thong-bao/xem-truoc", "/thong-bao/gui",
              "/thong-bao/huy", "/ho-tro/{id:int}/tra-loi", "/ho-tro/{id:int}/dong", "/tai-khoan/{id:int}"}
    assert posts == listed


def test_an_admin_changes_a_role_and_lifts_a_lock_but_not_their_own_role(console: Console) -> None:
    for _ in range(5):
        sign_in(console.client(), "viewer", "sai-mat-khau-123")
    viewer = console.signed_in("admin")
    page = viewer.get("/tai-khoan")
    assert "Tạm khóa đến" in page.text
    rows = {a.login: a.id for a in console_accounts.accounts(console.db) if a.login}
    viewer.post(f"/tai-khoan/{rows['viewer']}", data={"csrf_token": csrf_of(page.text), "action": "unlock"})
    assert sign_in(console.client(), "viewer", PASSWORD).status_code == 303
    done = viewer.post(f"/tai-khoan/{rows['viewer']}", data={"csrf_token": csrf_of(page.text), "action": "role",
                                                               "role": "officer"})
    assert "Đã đổi quyền" in done.text
    own = viewer.post(f"/tai-khoan/{rows['admin']}", data={"csrf_token": csrf_of(page.text), "action": "role",
                                                             "role": "viewer"})
    assert "Không tự đổi quyền" in own.text
    assert {a.login: a.role for a in console_accounts.accounts(console.db) if a.login} == {
        "viewer": "officer", "officer": "officer", "admin": "admin"}
    assert console.signed_in("officer").get("/tai-khoan").status_code == 403


def test_an_oversized_password_is_refused_without_being_hashed(console: Console) -> None:
    response = sign_in(console.client(), "admin", "x" * 100_000)
    assert response.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    with pytest.raises(ValueError):
        console_accounts.set_login(console.db, 1, "dai", "x" * 300, "viewer", "test")
