"""Valid test data for tests and benchmarks: tax codes with a correct check digit."""

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


def tax_code(seed: int) -> str:
    """A valid tax code for each seed below 10,000,000 (the province digits move on
    when a base has no check digit)."""
    for province in range(1, 100):
        base = f"{province:02d}{seed:07d}"
        if mst.is_valid(base + mst.calc_check_digit(base)[-1]):
            return base + mst.calc_check_digit(base)
    raise ValueError(seed)
