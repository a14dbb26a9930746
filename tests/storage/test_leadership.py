"""One leader among the workers: the first to ask leads, a standby takes over once the leader is gone."""

from __future__ import annotations

from sqlalchemy import text

from ocop.leadership import Leadership
from ocop.storage.db import Database


def test_one_leader_and_a_takeover(db: Database) -> None:
    first, second = Leadership(db), Leadership(db)
    try:
        assert first.check() and not second.check()
        assert first.check() and not second.check()  # asked again: nothing changes
        first.release()  # the leader stops (or dies: the database ends its session, the OS its file lock)
        assert second.check() and not first.check()
    finally:
        first.dispose()
        second.dispose()


def test_a_leader_cut_off_from_the_database_steps_down(db: Database) -> None:
    leader, standby = Leadership(db), Leadership(db)
    try:
        assert leader.check()
        if leader._connection is None:
            return  # SQLite: the file lock cannot be cut off; the process's death releases it
        with db.engine.connect() as admin:  # the session of the leader's lock is killed
            pid = leader._connection.execute(text("SELECT pg_backend_pid()")).scalar()
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert standby.check()  # the lock went with the session
        assert not leader.check()  # and the old leader knows it is not leading any more
    finally:
        leader.dispose()
        standby.dispose()
