"""The application database: one ``Database`` (engine + sessions) per process, passed down.

A process creates its ``Database`` at start-up from ``Settings.database_url``
(PostgreSQL in production, SQLite under ``var/`` by default) and hands it to
whatever reads or writes. SQLAlchemy 1.4 is used in 2.0 style
(``future=True``). The schema is migrated only at start-up (``make run``, the
bot process) and by ``ocop db upgrade``; opening a session never migrates.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator, List, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
# Processes starting together (the stack, the bot) migrate one at a time on PostgreSQL.
MIGRATION_LOCK = 4815162342


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class Database:
    """Engine and session factory of one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def upgrade(self) -> "Database":
        """Bring the schema to the newest Alembic revision."""
        config = _alembic_config()
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return self

    def current(self) -> Optional[str]:
        """The revision the database is at (None when never migrated)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @staticmethod
    def history() -> List[str]:
        """Every revision, oldest first: "0001 handoff requests"."""
        script = ScriptDirectory.from_config(_alembic_config())
        return [f"{rev.revision} {rev.doc.splitlines()[0]}" for rev in reversed(list(script.walk_revisions()))]

    def dispose(self) -> None:
        self.engine.dispose()
