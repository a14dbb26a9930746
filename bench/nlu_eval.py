"""Held-out NLU evaluation: our Vietnamese pipeline against Rasa's default one.

    .venv/bin/python -m bench.nlu_eval            # what `make eval` runs

Both pipelines are trained (NLU only) on the same training files
(``data/nlu*.yml`` and ``data/lookups.yml``); the baseline uses the ``config.yml``
that ``rasa init`` writes, untouched. Each model is served by ``rasa run
--enable-api`` and every held-out utterance (``bench/data/nlu_heldout.yml``, never
trained on) is sent to ``POST /model/parse`` in its accented, unaccented and
teencode form. Printed per pipeline and variant: intent accuracy (an
``nlu_fallback`` answer counts as wrong) and macro-F1, entity F1 (exact type and
span) overall and for the five structured entities, training time and parse
latency p50/p99. Results also go to ``bench/results/nlu_eval.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from bench.data.heldout import VARIANTS, load_heldout
from bot.model_cache import component_files, hash_files, nlu_files, rasa_env
from bot.rasa_client import RasaClient
from bot.stack import Stack
from ocop.settings import PROJECT_ROOT as ROOT

KEY_ENTITIES = ["tax_code", "phone", "certificate_number", "star_rating", "product_group"]
RESULTS = ROOT / "bench" / "results"
MODELS = ROOT / "models"


def default_config() -> Path:
    """The config.yml that `rasa init` writes (Rasa fills in its default pipeline)."""
    import rasa.cli

    return Path(rasa.cli.__file__).parent / "initial_project" / "config.yml"


def train_nlu(config: Path, out: Path, name: str) -> Tuple[Path, float]:
    """Train an NLU-only model (cached in models/ by hash); return path and seconds.

    A cached model reports the training time recorded when it was trained.
    """
    inputs = [*nlu_files(), *component_files()]
    cached = MODELS / f"eval-{name}-{hash_files(inputs)}-{hash_config(config)}.tar.gz"
    timing = cached.with_suffix(".seconds")
    if cached.exists() and timing.exists():
        return cached, float(timing.read_text())
    with tempfile.TemporaryDirectory() as data_dir:
        for path in nlu_files():
            shutil.copy(path, Path(data_dir) / path.name)
        started = time.perf_counter()
        log = open(out / f"train-{name}.log", "wb")
        subprocess.run(
            [
                sys.executable, "-m", "rasa", "train", "nlu",
                "--config", str(config),
                "--nlu", data_dir,
                "--out", str(out),
                "--fixed-model-name", name,
            ],
            cwd=ROOT, check=True, env=rasa_env(), stdout=log, stderr=log,
        )
        log.close()
        seconds = time.perf_counter() - started
    MODELS.mkdir(exist_ok=True)
    shutil.move(str(out / f"{name}.tar.gz"), cached)
    timing.write_text(f"{seconds:.1f}")
    return cached, seconds


def hash_config(config: Path) -> str:
    """Rasa's default config lives outside the project: hash its content only."""
    return hashlib.sha256(config.read_bytes()).hexdigest()[:8]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def f1(tp: int, fp: int, fn: int) -> float:
    if tp == 0:
        return 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall)


def macro_f1(gold: List[str], predicted: List[str]) -> float:
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores.append(f1(tp, fp, fn))
    return sum(scores) / len(scores)


def evaluate(client: RasaClient, examples, variant: str) -> Dict[str, object]:
    gold_intents, predicted_intents, latencies = [], [], []
    counts: Dict[str, Counter] = defaultdict(Counter)
    errors: List[Tuple[str, str, str]] = []
    for example in examples:
        text, gold_entities = example.variants[variant]
        started = time.perf_counter()
        result = client.parse(text)
        latencies.append((time.perf_counter() - started) * 1000)
        predicted = (result.get("intent") or {}).get("name") or "None"
        gold_intents.append(example.intent)
        predicted_intents.append(predicted)
        if predicted != example.intent:
            errors.append((example.intent, predicted, text))
        found = {(e["entity"], e["start"], e["end"]) for e in result.get("entities", [])}
        for entity in gold_entities | found:
            kind = entity[0]
            if entity in gold_entities and entity in found:
                counts[kind]["tp"] += 1
            elif entity in found:
                counts[kind]["fp"] += 1
            else:
                counts[kind]["fn"] += 1
    total = Counter()
    for c in counts.values():
        total.update(c)
    return {
        "n": len(examples),
        "intent_accuracy": sum(g == p for g, p in zip(gold_intents, predicted_intents)) / len(examples),
        "intent_macro_f1": macro_f1(gold_intents, predicted_intents),
        "entity_f1": f1(total["tp"], total["fp"], total["fn"]),
        "entity_f1_by_type": {
            kind: {"f1": f1(c["tp"], c["fp"], c["fn"]), "support": c["tp"] + c["fn"]}
            for kind, c in sorted(counts.items())
        },
        "parse_ms_p50": percentile(latencies, 50),
        "parse_ms_p99": percentile(latencies, 99),
        "errors": errors,
    }


def run_pipeline(name: str, config: Path, out: Path, examples) -> Dict[str, object]:
    model, train_seconds = train_nlu(config, out, name)
    print(f"[{name}] trained in {train_seconds:.1f}s", flush=True)
    stack = Stack.isolated(out / f"var-{name}", model).start()
    try:
        with RasaClient(stack.rasa_url, jwt_secret=stack.secrets["RASA_JWT_SECRET"]) as client:
            for _ in range(20):  # warm-up, not measured
                client.parse("xin chào")
            results = {variant: evaluate(client, examples, variant) for variant in VARIANTS}
    finally:
        stack.stop()
    for variant, r in results.items():
        print(f"[{name}] {variant}: intent accuracy {r['intent_accuracy']:.1%}, "
              f"macro-F1 {r['intent_macro_f1']:.3f}, entity F1 {r['entity_f1']:.3f}, "
              f"parse p50 {r['parse_ms_p50']:.1f} ms", flush=True)
    return {"train_seconds": train_seconds, "variants": results}


def print_table(ours: Dict, baseline: Dict) -> None:
    print("\n| variant | pipeline | intent acc. | intent macro-F1 | entity F1 | " +
          " | ".join(f"{k} F1" for k in KEY_ENTITIES) + " | parse p50 ms | parse p99 ms |")
    print("|---" * (7 + len(KEY_ENTITIES)) + "|")
    for variant in VARIANTS:
        for label, result in (("ours", ours), ("Rasa default", baseline)):
            r = result["variants"][variant]
            by_type = r["entity_f1_by_type"]
            cells = [f"{by_type.get(k, {}).get('f1', 0):.3f}" for k in KEY_ENTITIES]
            print(f"| {variant} | {label} | {r['intent_accuracy']:.1%} | {r['intent_macro_f1']:.3f} | "
                  f"{r['entity_f1']:.3f} | " + " | ".join(cells) +
                  f" | {r['parse_ms_p50']:.1f} | {r['parse_ms_p99']:.1f} |")
        margin = ours["variants"][variant]["intent_accuracy"] - baseline["variants"][variant]["intent_accuracy"]
        print(f"| {variant} | margin | {margin:+.1%} | | | " + " | " * len(KEY_ENTITIES) + " |")
    print(f"\nNLU training time: ours {ours['train_seconds']:.0f}s, "
          f"Rasa default {baseline['train_seconds']:.0f}s (2 cores)")


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", type=int, default=15, help="misclassified lines shown per variant")
    parser.add_argument("--ours-only", action="store_true", help="skip Rasa's default pipeline")
    args = parser.parse_args(argv)
    examples = load_heldout()
    print(f"Held-out set: {len(examples)} utterances x {len(VARIANTS)} variants, "
          f"{len({e.intent for e in examples})} intents", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = run_pipeline("ours", ROOT / "config.yml", out, examples)
        baseline = None if args.ours_only else run_pipeline("rasa-default", default_config(), out, examples)
    if baseline is not None:
        print_table(ours, baseline)
    for variant in VARIANTS:
        errors = ours["variants"][variant]["errors"]
        if errors and args.show_errors:
            print(f"\nOur misclassified {variant} examples ({len(errors)}):")
            for gold, predicted, text in errors[: args.show_errors]:
                print(f"  {gold} -> {predicted}: {text}")
    (RESULTS / "nlu_eval.json").write_text(
        json.dumps({"ours": ours, "rasa_default": baseline}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
