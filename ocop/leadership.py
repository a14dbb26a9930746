"""One leader among the worker processes: the one that runs the scheduler and the senders.

On PostgreSQL the leader holds a session-level advisory lock
(``pg_try_advisory_lock``) on a connection of its own for as long as it
leads; when its process dies the server closes that session and the lock is
free at once, and a standby that asks again (every few seconds) takes over.
The leader checks its connection every time it is asked, so a leader cut off
from the database steps down rather than run beside a new one. On SQLite
(one machine) the same is done with an exclusive lock on a file beside the
database (``fcntl.flock``), released by the operating system when the
process dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from ocop.storage.db import Database

logger = logging.getLogger(__name__)

LEADER_LOCK = 4815162343  # the advisory lock key of the workers' leader (MIGRATION_LOCK + 1)


class Leadership:
    """``check()``: whether this process leads now, trying to become leader when it does not."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: Optional[Connection] = None
        self._file: Optional[IO[bytes]] = None
        self._postgres = db.engine.dialect.name == "postgresql"
        # Connections of its own, never pooled: closing one ends its session, and the lock with it.
        self._engine = create_engine(db.url, future=True, poolclass=NullPool) if self._postgres else None

    @property
    def leading(self) -> bool:
        return self._connection is not None or self._file is not None

    def check(self) -> bool:
        """Still the leader (the lock's connection answers), or just became it."""
        if self.leading:
            if self._still_holding():
                return True
            logger.warning("Lost the leader lock: stepping down")
            self.release()
        return self._acquire()

    def _acquire(self) -> bool:
        if self._postgres:
            connection = self._engine.connect()
            try:
                got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK}).scalar())
                connection.commit()
            except Exception:
                connection.close()
                logger.exception("Leader election: the database does not answer")
                return False
            if not got:
                connection.close()
                return False
            self._connection = connection
        else:
            handle = open(self._lock_path(), "ab")
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            self._file = handle
        logger.info("This process is now the leader (pid %d)", os.getpid())
        return True

    def _still_holding(self) -> bool:
        if self._connection is None:
            return True  # the file lock lasts as long as the process
        try:
            self._connection.execute(text("SELECT 1")).scalar()
            self._connection.commit()
            return True
        except Exception:
            return False

    def _lock_path(self) -> Path:
        database = make_url(self.db.url).database or "ocop.db"
        return Path(f"{database}.leader.lock")

    def release(self) -> None:
        """Stop leading (at shutdown, or when the lock's connection was lost)."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK})
                self._connection.commit()
            except Exception:  # the connection is gone: so is the lock
                pass
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None

    def dispose(self) -> None:
        self.release()
        if self._engine is not None:
            self._engine.dispose()
