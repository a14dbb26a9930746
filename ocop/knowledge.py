"""The OCOP knowledge base: one YAML file per topic under ``data/knowledge/``.

Officers edit those files without touching code; each entry holds the answer,
the rules it follows, its source, when it was last checked and follow-up topics.
Files whose name starts with "_" are not answers (``_superseded.yml``).
Read by the action server (the answers) and the officers' tools (``ocop kb check``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Text

import yaml

from ocop.settings import get_settings


@dataclass(frozen=True)
class Entry:
    """One knowledge-base topic."""

    intent: Text
    title: Text
    answer: Text
    rules: Text
    source: Text
    last_checked: Text
    follow_up: List[Text] = field(default_factory=list)
    must_contain: List[Text] = field(default_factory=list)

    def source_line(self) -> Text:
        """The line appended to every answer: rules, source and check date."""
        return (
            f"Căn cứ: {self.rules}.\nNguồn: {self.source} "
            f"(kiểm tra lần cuối {_vietnamese_date(self.last_checked)})."
        )

    def reply(self) -> Text:
        """The full answer text sent to the producer."""
        return f"{self.answer.strip()}\n\n{self.source_line()}"


def _vietnamese_date(iso: Text) -> Text:
    year, month, day = str(iso).split("-")
    return f"{day}/{month}/{year}"


def load(directory: Optional[Text] = None) -> Dict[Text, Entry]:
    """All entries keyed by intent name (``Settings.knowledge_dir`` unless ``directory`` is given)."""
    return _load(directory or str(get_settings().knowledge_dir))


@functools.lru_cache(maxsize=4)
def _load(directory: Text) -> Dict[Text, Entry]:
    entries: Dict[Text, Entry] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        if path.name.startswith("_"):  # not an answer: _superseded.yml (ocop/knowledge_review.py)
            continue
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        entry = Entry(
            intent=raw["intent"],
            title=raw["title"],
            answer=raw["answer"],
            rules=raw["rules"],
            source=raw["source"],
            last_checked=str(raw["last_checked"]),
            follow_up=list(raw.get("follow_up") or []),
            must_contain=list(raw.get("must_contain") or []),
        )
        entries[entry.intent] = entry
    return entries
