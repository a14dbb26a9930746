"""Shared fixtures: the trained model (cached by data hash), running stacks, databases.

Storage and conversation tests run on SQLite always and also on PostgreSQL when
``TEST_DATABASE_URL`` names one (``.ci/run`` sets it); an unreachable
PostgreSQL is an error, not a skip.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import MetaData, text

from bot.model_cache import ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack
from ocop.storage.db import Database, make_engine

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES: List[str] = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def empty_postgresql(url: str) -> str:
    """Drop every table of the test database (application and Rasa tracker) and return ``url``."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            metadata = MetaData()
            metadata.reflect(connection)
            metadata.drop_all(connection)
    except Exception as error:  # any failure means CI is misconfigured
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is unusable: {error}", returncode=3)
    finally:
        engine.dispose()
    return url


def pytest_sessionstart(session: pytest.Session) -> None:
    """With TEST_DATABASE_URL set, an unreachable PostgreSQL stops the run at once."""
    if TEST_DATABASE_URL:
        engine = make_engine(TEST_DATABASE_URL)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}", returncode=3)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The real Rasa model of the project; trained only when its inputs changed."""
    return ensure_model()


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server and Rasa server running on free ports with the real model (SQLite)."""
    running = Stack.isolated(tmp_path_factory.mktemp("var"), trained_model).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def rasa(stack: Stack) -> Iterator[RasaClient]:
    with RasaClient(stack.rasa_url, jwt_secret=stack.secrets["RASA_JWT_SECRET"]) as client:
        yield client


@pytest.fixture(scope="session", params=DATABASES)
def db_stack(request: pytest.FixtureRequest, stack: Stack, trained_model: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack on each test database: the shared SQLite one, or one on PostgreSQL."""
    if request.param == "sqlite":
        yield stack
        return
    running = Stack.isolated(
        tmp_path_factory.mktemp("var-pg"), trained_model, database_url=empty_postgresql(TEST_DATABASE_URL)
    ).start()
    yield running
    running.stop()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty application database for storage tests: a SQLite file, or a
    PostgreSQL schema of its own (the PostgreSQL stack keeps the public schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ocop.db'}"
        return
    schema = f"storage_{uuid.uuid4().hex[:12]}"
    admin = make_engine(TEST_DATABASE_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is unusable: {error}", returncode=3)
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The fresh database of ``database_url``, migrated, as processes get it at start-up."""
    database = Database(database_url).upgrade()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def stack_db(stack: Stack) -> Iterator[Database]:
    """The application database of the shared SQLite stack."""
    database = Database(stack.database_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def db_stack_db(db_stack: Stack) -> Iterator[Database]:
    """The application database of ``db_stack`` (SQLite or PostgreSQL)."""
    database = Database(db_stack.database_url)
    yield database
    database.dispose()
