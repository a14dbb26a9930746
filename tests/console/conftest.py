"""A console on a fresh database (SQLite, and PostgreSQL with TEST_DATABASE_URL) with one officer per role."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterator

import pytest
from starlette.testclient import TestClient

from ocop.settings import Settings
from ocop.storage import console_accounts, officers
from ocop.storage.db import Database
from web.app import create_app

PASSWORD = "mat-khau-thu-nghiem"
ROLES = ("viewer", "officer", "admin")


@dataclass
class Console:
    db: Database
    settings: Settings
    app: object

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1:8080", headers={"accept": "text/html"})

    def signed_in(self, role: str) -> TestClient:
        client = self.client()
        response = sign_in(client, role, PASSWORD)
        assert response.status_code == 303, response.text
        return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, login: str, password: str):
    page = client.get("/dang-nhap")
    return client.post("/dang-nhap", data={"csrf_token": csrf_of(page.text), "login": login, "password": password,
                                           "next": "/tien-do"}, follow_redirects=False)


@pytest.fixture
def console(db: Database, tmp_path: Path) -> Iterator[Console]:
    settings = replace(Settings.from_env({}), database_url=db.url, var_dir=tmp_path)
    ids: Dict[str, int] = {}
    for number, role in enumerate(ROLES):
        ids[role] = officers.add(db, "telegram", str(1000 + number), f"Cán bộ {role}")
        console_accounts.set_login(db, ids[role], role, PASSWORD, role, "test")
    yield Console(db, settings, create_app(settings, db))
