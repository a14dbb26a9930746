"""Test data that must be valid: tax codes with a correct check digit."""

from __future__ import annotations

import uuid

from stdnum.vn import mst


def new_tax_code(prefix: str = "04") -> str:
    """A random 10-digit tax code with a valid check digit (one base in 11 has none)."""
    while True:
        base = prefix + str(uuid.uuid4().int)[:7]
        code = base + mst.calc_check_digit(base)
        if mst.is_valid(code):
            return code
