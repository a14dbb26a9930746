"""The fixed choices of the pre-registration form (subject types, product groups).

Read from ``data/forms/choices.yml`` so that officers can add keywords without
touching code; shared by the form's validators and the officers' export.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Optional, Text

import yaml

from ocop.settings import get_settings
from ocop.text import fold


@functools.lru_cache(maxsize=1)
def choices() -> Dict[Text, Dict[Text, Dict[Text, Any]]]:
    """``{"subject_types": {key: {label, keywords}}, "product_groups": {...}}``."""
    with open(get_settings().data_dir / "forms" / "choices.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def label(table: Text, key: Text) -> Text:
    """The Vietnamese label of a choice, or the key itself when unknown."""
    return str(choices()[table].get(key, {}).get("label", key))


def find_product_group(text: Text) -> Optional[Text]:
    """The product group a word names ("đồ uống", "do uong", "do_uong"), or None."""
    wanted = " ".join(fold(text).lower().split())
    for key, choice in choices()["product_groups"].items():
        if wanted in (key, fold(choice["label"]).lower()) or any(wanted == fold(k).lower() for k in choice["keywords"]):
            return key
    return None
