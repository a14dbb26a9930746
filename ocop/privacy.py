"""Mask personal data (phone numbers, tax codes, e-mails) before it is logged or stored."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Match, Optional, Text

_EMAIL = re.compile(r"[\w.+\-]+@([\w\-]+(?:\.[\w\-]+)+)")
# Runs of six or more digits, possibly split by spaces, dots or dashes.
_NUMBER = re.compile(r"\+?\d(?:[\s.\-]?\d){5,}")


def _mask_number(match: Match[Text]) -> Text:
    digits = re.sub(r"\D", "", match.group())
    return "*" * (len(digits) - 2) + digits[-2:]


def mask(text: Optional[Text]) -> Optional[Text]:
    """Keep the last two digits of long numbers and the domain of e-mails."""
    if text is None:
        return None
    text = _EMAIL.sub(lambda m: f"***@{m.group(1)}", text)
    return _NUMBER.sub(_mask_number, text)


# Fields of a record that hold personal data.
PERSONAL_FIELDS = ("tax_code", "phone", "email", "address", "id_number")


def mask_fields(record: Mapping[Text, Any]) -> Dict[Text, Any]:
    """A copy of ``record`` whose personal fields are masked; other values are kept as they are."""
    return {key: mask(str(value)) if key in PERSONAL_FIELDS and value is not None else value
            for key, value in record.items()}
