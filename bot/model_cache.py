"""The trained Rasa model, cached under ``models/`` by a hash of what it is made of.

The hash covers ``config.yml``, ``domain.yml``, the training files ``data/*.yml``
(not ``data/knowledge/``: answers change without retraining), the Vietnamese NLU
components and their data files in ``nlu/`` with the ``ocop`` text helpers they
import, and the Rasa version. A model whose
file name carries the current hash is up to date; otherwise ``ensure_model``
trains one. Run ``python -m bot.model_cache`` (``make model``) to print the path, training if needed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence

from ocop.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from rasa.shared.nlu.training_data.training_data import TrainingData

ROOT = PROJECT_ROOT
MODEL_PREFIX = "ocop-"

logger = logging.getLogger(__name__)


def training_files(root: Path = ROOT) -> List[Path]:
    """The Rasa training data: every ``data/*.yml`` file."""
    return sorted((root / "data").glob("*.yml"))


def nlu_files(root: Path = ROOT) -> List[Path]:
    """The NLU part of the training data: examples (``nlu*.yml``), regexes, lookups, synonyms."""
    return sorted((root / "data").glob("nlu*.yml")) + [root / "data" / "lookups.yml"]


def nlu_training_data(root: Path = ROOT) -> TrainingData:
    """The NLU training files merged into one Rasa ``TrainingData`` (a new object on every call)."""
    from rasa.shared.nlu.training_data.loading import load_data

    parts = [load_data(str(path)) for path in nlu_files(root)]
    return parts[0].merge(*parts[1:])


def component_files(root: Path = ROOT) -> List[Path]:
    """The Vietnamese NLU components, their data files and the core helpers they import."""
    return (sorted((root / "nlu").glob("*.py")) + sorted((root / "nlu").glob("*.yml"))
            + [root / "ocop" / name for name in ("text.py", "pieces.py", "abbreviations.yml", "admin_units.py")])


def model_inputs(root: Path = ROOT) -> List[Path]:
    """Every file whose content changes the trained model."""
    return [root / "config.yml", root / "domain.yml", *training_files(root), *component_files(root)]


def hash_files(paths: Sequence[Path], root: Path = ROOT) -> str:
    """A short hash of the Rasa version and the names and contents of ``paths``."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"rasa=={version('rasa')}\n".encode())
    for path in paths:
        digest.update(str(Path(path).resolve().relative_to(root)).encode() + b"\0")
        digest.update(Path(path).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_hash(root: Path = ROOT) -> str:
    """A short hash of the model inputs and the Rasa version."""
    return hash_files(model_inputs(root), root)


def model_path(root: Path = ROOT) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    return root / "models" / f"{MODEL_PREFIX}{model_hash(root)}.tar.gz"


def train(root: Path = ROOT, out_dir: Optional[Path] = None) -> Path:
    """Train the model for the current inputs with ``rasa train``.

    The model goes to ``models/`` unless ``out_dir`` is given.
    """
    target = model_path(root)
    if out_dir is not None:
        target = Path(out_dir) / target.name
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(root / "config.yml"),
        "--domain", str(root / "domain.yml"),
        "--data", *[str(p) for p in training_files(root)],
        "--out", str(target.parent),
        "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    logger.info("Training the Rasa model %s", target.name)
    subprocess.run(command, cwd=root, check=True, env=rasa_env())
    return target


def ensure_model(root: Path = ROOT) -> Path:
    """The up-to-date model, trained first if the inputs changed."""
    target = model_path(root)
    if not target.exists():
        train(root)
    return target


def rasa_env() -> dict:
    """The environment for Rasa processes: quiet TensorFlow, no telemetry, project on the path."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(ensure_model())
    return 0


if __name__ == "__main__":
    sys.exit(main())
