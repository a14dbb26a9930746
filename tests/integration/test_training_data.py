"""Training data and domain are consistent (`rasa data validate`) and big enough."""

import subprocess
import sys

import yaml

from bench.data.heldout import load_heldout
from bot.model_cache import ROOT, nlu_training_data, rasa_env, training_files
from ocop.text import fold, normalize_text


def test_rasa_data_validate_passes():
    command = [
        sys.executable, "-m", "rasa", "data", "validate",
        "--domain", str(ROOT / "domain.yml"),
        "--config", str(ROOT / "config.yml"),
        "--data", *[str(p) for p in training_files()],
        "--fail-on-warnings",
    ]
    result = subprocess.run(command, cwd=ROOT, env=rasa_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _training_examples():
    return nlu_training_data().intent_examples


def test_every_domain_intent_has_at_least_40_examples():
    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        intents = yaml.safe_load(handle)["intents"]
    counts = {}
    for example in _training_examples():
        counts[example.get("intent")] = counts.get(example.get("intent"), 0) + 1
    # Intents no one types: triggered by the bot process (EXTERNAL_*) or sent by a button (renewal_answer).
    typed = [i for i in intents if not i.startswith("EXTERNAL_") and i != "renewal_answer"]
    too_few = {i: counts.get(i, 0) for i in typed if counts.get(i, 0) < 40}
    assert not too_few


def test_heldout_set_is_disjoint_from_training_data():
    def key(text):
        return " ".join(fold(normalize_text(text)).split())

    trained = {key(e.get("text")) for e in _training_examples()}
    heldout = load_heldout()
    assert len(heldout) >= 400
    overlap = [
        text for example in heldout for text, _ in example.variants.values() if key(text) in trained
    ]
    assert not overlap, overlap[:10]
