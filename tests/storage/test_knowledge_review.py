"""Keeping answers true: `ocop kb check` and the monthly notice to officers list what needs a new reading."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import yaml

from bot import cli
from bot.knowledge_notice import KnowledgeNotice
from ocop import knowledge
from ocop.settings import PROJECT_ROOT, Settings
from ocop.storage import officers
from ocop.storage.db import Database


def knowledge_copy(tmp_path: Path) -> Path:
    """The real knowledge base, with one answer checked long ago and one following a superseded decision."""
    directory = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "data" / "knowledge", directory)
    for name, change in (("faq_origin.yml", {"last_checked": "2025-01-15"}),
                         ("faq_dossier.yml", {"rules": "QĐ 1048/QĐ-TTg (10/8/2021)"})):
        path = directory / name
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump({**raw, **change}, allow_unicode=True), encoding="utf-8")
    return directory


def test_the_shipped_answers_need_no_attention(monkeypatch, capsys) -> None:
    assert cli.main(["kb", "check"]) == 0
    assert "mọi câu trả lời đều được kiểm tra" in capsys.readouterr().out
    assert "_superseded" not in knowledge.load()


def test_old_checks_and_superseded_decisions_are_listed(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OCOP_KNOWLEDGE_DIR", str(knowledge_copy(tmp_path)))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["kb", "check"]) == 1
    out = capsys.readouterr().out
    assert "2 mục" in out
    assert "faq_origin" in out and "kiểm tra lần cuối 15/01/2025, quá 6 tháng" in out
    assert "faq_dossier" in out and "QĐ 1048/QĐ-TTg đã hết hiệu lực" in out
    assert cli.main(["kb", "check", "--max-age-months", "36"]) == 1  # the superseded decision remains
    assert "faq_origin" not in capsys.readouterr().out


def test_the_monthly_notice_reaches_every_officer(db: Database, tmp_path: Path) -> None:
    officers.add(db, "telegram", "111", "Cán bộ A")
    officers.add(db, "zalo", "222", "Cán bộ B")
    sent: list = []

    async def push(channel: str, user_id: str, messages: list) -> None:
        sent.append((channel, user_id, messages[0]["text"]))

    stale = Settings(database_url=db.url, knowledge_dir=knowledge_copy(tmp_path))
    assert asyncio.run(KnowledgeNotice(db, stale, push)()) == 2
    assert [(channel, user) for channel, user, _ in sent] == [("telegram", "111"), ("zalo", "222")]
    assert all("faq_dossier" in text for _, _, text in sent)
    fresh = Settings(database_url=db.url, knowledge_dir=PROJECT_ROOT / "data" / "knowledge")
    sent.clear()
    assert asyncio.run(KnowledgeNotice(db, fresh, push)()) == 0 and sent == []
