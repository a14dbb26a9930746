"""The architecture as code: one import direction (import-linter) and a clean lint (ruff).

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and are
drawn in ``docs/architecture.md``: ``ocop`` is the core and imports none of
the processes' packages; ``bot``, ``actions`` and ``nlu`` never import each
other; nothing in production imports the benches or the fakes; no cycles.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ocop.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)


def test_import_contracts_are_kept() -> None:
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " 0 broken" in result.stdout


def test_ruff_is_clean() -> None:
    result = run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]
