"""The fixed choices of the pre-registration form (subject types, product groups).

Read from ``data/forms/choices.yml`` so that officers can add keywords without
touching code; shared by the form's validators and the officers' export.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, Text

import yaml

CHOICES_FILE = Path(__file__).resolve().parent.parent / "data" / "forms" / "choices.yml"


@functools.lru_cache(maxsize=1)
def choices() -> Dict[Text, Dict[Text, Dict[Text, Any]]]:
    """``{"subject_types": {key: {label, keywords}}, "product_groups": {...}}``."""
    with open(CHOICES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def label(table: Text, key: Text) -> Text:
    """The Vietnamese label of a choice, or the key itself when unknown."""
    return str(choices()[table].get(key, {}).get("label", key))
