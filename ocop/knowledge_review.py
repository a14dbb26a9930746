"""Keeping the knowledge base true: answers due for a new check, and answers that follow a superseded decision.

Every answer in ``data/knowledge/`` says when a person last read its sources
(``last_checked``) and which decisions it follows (``rules``). Decisions no
longer in force are listed in ``data/knowledge/_superseded.yml``. ``review``
lists the answers checked longer ago than ``max_age_months`` (default 6,
``OCOP_KB_MAX_AGE_MONTHS``) and the answers whose rules cite a superseded
decision; ``ocop kb check`` prints the list, and the bot process's scheduler
sends it to the officers once a month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Text

import yaml
from dateutil.relativedelta import relativedelta

from ocop.knowledge import Entry, cites

SUPERSEDED_FILE = "_superseded.yml"
DEFAULT_MAX_AGE_MONTHS = 6


@dataclass(frozen=True)
class Finding:
    """One answer that needs an officer's attention, and why."""

    intent: Text
    title: Text
    reason: Text


def superseded_decisions(directory: Path) -> Dict[Text, Text]:
    """``{decision: what replaced it}`` from ``_superseded.yml`` (empty when the file is absent)."""
    path = Path(directory) / SUPERSEDED_FILE
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    return {str(row["decision"]): str(row.get("replaced_by") or "") for row in rows}


def review(entries: Mapping[Text, Entry], superseded: Mapping[Text, Text], today: dt.date,
           max_age_months: int = DEFAULT_MAX_AGE_MONTHS) -> List[Finding]:
    """The answers due for a check or following a superseded decision, in the knowledge base's order."""
    oldest = today - relativedelta(months=max_age_months)
    findings: List[Finding] = []
    for intent, entry in sorted(entries.items()):
        checked = dt.date.fromisoformat(entry.last_checked)
        if checked < oldest:
            findings.append(Finding(intent, entry.title,
                                    f"kiểm tra lần cuối {checked:%d/%m/%Y}, quá {max_age_months} tháng"))
        for decision, replacement in superseded.items():
            if cites(entry.rules, decision):
                instead = f", thay bằng {replacement}" if replacement else ""
                findings.append(Finding(intent, entry.title, f"căn cứ {decision} đã hết hiệu lực{instead}"))
    return findings


def report(findings: List[Finding], max_age_months: int = DEFAULT_MAX_AGE_MONTHS) -> Text:
    """The officers' message (Vietnamese)."""
    if not findings:
        return (f"Kho câu trả lời OCOP: mọi câu trả lời đều được kiểm tra trong {max_age_months} tháng qua "
                "và không dựa trên quyết định đã hết hiệu lực.")
    lines = [f"Kho câu trả lời OCOP: {len(findings)} mục cần cán bộ đọc lại nguồn "
             "(sửa tệp trong data/knowledge/, cập nhật last_checked):"]
    lines += [f"• {finding.title} ({finding.intent}): {finding.reason}" for finding in findings]
    return "\n".join(lines)
