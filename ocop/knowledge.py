"""The OCOP knowledge base: one YAML file per topic under ``data/knowledge/``.

Officers edit those files without touching code. Each entry holds the answer
for a phone's first screen (``answer``), details behind a "Xem thêm" button
(``more``), the rules it follows, its documents (``source``) and other sources
(``references``), when a person last read them, and follow-up topics.
Files whose name starts with "_" are not answers: ``_superseded.yml`` (decisions
no longer in force) and ``_documents.yml`` (the official page of each document,
linked from every answer that cites it). Read by the action server (the answers)
and the officers' tools (``ocop kb check``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Text, Tuple

import yaml

from ocop.settings import get_settings
from ocop.text import fold

DOCUMENTS_FILE = "_documents.yml"
# Zalo's limit for one text message; every message the knowledge base produces stays under it.
MAX_MESSAGE_CHARS = 2000
# About what a cheap phone shows without scrolling: the answer itself, before the source lines.
FIRST_SCREEN_CHARS = 550


@dataclass(frozen=True)
class Document:
    """An official document answers cite, with the page a producer can open."""

    number: Text  # "QĐ 148/QĐ-TTg"
    title: Text  # "QĐ 148/QĐ-TTg ngày 24/02/2023 về bộ tiêu chí và quy trình…"
    url: Text = ""


@dataclass(frozen=True)
class Entry:
    """One knowledge-base topic."""

    intent: Text
    title: Text
    answer: Text
    rules: Text
    source: Text
    last_checked: Text
    more: Text = ""
    references: Text = ""
    follow_up: List[Text] = field(default_factory=list)
    must_contain: List[Text] = field(default_factory=list)
    documents: Tuple[Document, ...] = ()  # the cited documents that have a page to open

    def source_line(self) -> Text:
        """The lines closing the first screen: rules, documents and check date."""
        return (
            f"Căn cứ: {self.rules}.\nNguồn: {self.source} "
            f"(kiểm tra lần cuối {vietnamese_date(self.last_checked)})."
        )

    def reply(self) -> Text:
        """The first message: the answer and where it comes from."""
        return f"{self.answer.strip()}\n\n{self.source_line()}"

    @property
    def has_more(self) -> bool:
        return bool(self.more.strip() or self.references.strip() or self.documents)

    def more_reply(self) -> Text:
        """The "Xem thêm" message: details, the documents to open and the other sources."""
        parts = [f"{self.title} (chi tiết)"]
        if self.more.strip():
            parts.append(self.more.strip())
        parts.append(f"Nguồn: {self.source} (kiểm tra lần cuối {vietnamese_date(self.last_checked)}).")
        if self.documents:
            parts.append("Đọc văn bản:\n" + "\n".join(f"• {d.title}: {d.url}" for d in self.documents))
        if self.references.strip():
            parts.append(f"Tư liệu khác: {self.references.strip()}")
        return "\n\n".join(parts)


def vietnamese_date(iso: Text) -> Text:
    year, month, day = str(iso).split("-")
    return f"{day}/{month}/{year}"


def cites(text: Text, decision: Text) -> bool:
    """Whether ``text`` names ``decision`` ("QĐ 1048/QĐ-TTg" also matches "Quyết định 1048/QĐ-TTg")."""
    number = re.search(r"\d+/[^\s,;)]+", decision)
    key = fold(number.group() if number else decision).lower()
    return re.search(rf"(?<![\w/]){re.escape(key)}(?![\w/])", fold(text).lower()) is not None


def load(directory: Optional[Text] = None) -> Dict[Text, Entry]:
    """All entries keyed by intent name (``Settings.knowledge_dir`` unless ``directory`` is given)."""
    return _load(directory or str(get_settings().knowledge_dir))


def load_documents(directory: Path) -> List[Document]:
    """The documents of ``_documents.yml`` (empty when the file is absent)."""
    path = Path(directory) / DOCUMENTS_FILE
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    return [Document(number=str(r["number"]), title=str(r["title"]), url=str(r.get("url") or "")) for r in rows]


@functools.lru_cache(maxsize=4)
def _load(directory: Text) -> Dict[Text, Entry]:
    documents = [d for d in load_documents(Path(directory)) if d.url]
    entries: Dict[Text, Entry] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        if path.name.startswith("_"):  # not an answer: _superseded.yml, _documents.yml
            continue
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        cited = f"{raw['rules']} {raw['source']}"
        entry = Entry(
            intent=raw["intent"],
            title=raw["title"],
            answer=raw["answer"],
            rules=raw["rules"],
            source=raw["source"],
            last_checked=str(raw["last_checked"]),
            more=str(raw.get("more") or ""),
            references=str(raw.get("references") or ""),
            follow_up=list(raw.get("follow_up") or []),
            must_contain=list(raw.get("must_contain") or []),
            documents=tuple(d for d in documents if cites(cited, d.number)),
        )
        entries[entry.intent] = entry
    return entries
