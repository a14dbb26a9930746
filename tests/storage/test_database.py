"""The schema is migrated only on purpose: at start-up and by ``ocop db``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from bot import cli
from ocop.storage.db import Database


def test_opening_a_session_never_migrates_and_ocop_db_does(tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    db = Database(url)
    with db.session():
        pass
    assert db.current() is None and "producers" not in inspect(db.engine).get_table_names()
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db", "current"]) == 0 and "ocop db upgrade" in capsys.readouterr().out
    assert cli.main(["db", "upgrade"]) == 0
    head = Database.history()[-1].split()[0]
    assert db.current() == head and "producers" in inspect(db.engine).get_table_names()
    assert cli.main(["db", "history"]) == 0 and capsys.readouterr().out.splitlines()[-1].startswith(head)
    db.dispose()
