"""Engine, sessions and migrations of the application database.

``DATABASE_URL`` selects the database (PostgreSQL in production); the default
is SQLite in ``var/ocop.db``. SQLAlchemy 1.4 is used in 2.0 style
(``future=True``). ``migrate()`` brings the schema to the newest Alembic
revision and is called by every process before it touches the database.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Dict, Iterator, Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url() -> str:
    """``DATABASE_URL`` or the embedded SQLite database under ``var/``."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    (ROOT / "var").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / 'ocop.db'}"


def make_engine(url: Optional[str] = None) -> Engine:
    """A 2.0-style engine; SQLite gets foreign keys and a busy timeout."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Upgrade the schema of ``engine``'s database to the newest revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Processes starting together (Rasa's action server, the bot) migrate one at a time.
            connection.execute(text("SELECT pg_advisory_xact_lock(4815162342)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_factories: Dict[str, sessionmaker] = {}
_factories_lock = threading.Lock()


def _factory(url: str) -> sessionmaker:
    """One migrated engine per database URL, created once even under concurrent calls."""
    with _factories_lock:
        if url not in _factories:
            engine = make_engine(url)
            migrate(engine)
            _factories[url] = sessionmaker(engine, future=True, expire_on_commit=False)
        return _factories[url]


@contextlib.contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on error."""
    session = _factory(url or database_url())()
    try:
        with session.begin():
            yield session
    finally:
        session.close()
