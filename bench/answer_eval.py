"""Held-out answer evaluation through the REST channel, with round-trip latency.

    .venv/bin/python -m bench.answer_eval [--url http://127.0.0.1:5005]

Without ``--url`` it starts the stack (action server + Rasa) with the cached
model on free ports. Every question of ``bench/data/answer_heldout.yml`` (never
trained on) is sent in its accented, unaccented and teencode form to
``POST /webhooks/rest/webhook`` from a fresh sender. A reply passes when it
contains every expected fact (or every fact of ``also_expect``, where a second
topic answers the question as well; ``why`` says why), a "Nguồn:" source line,
and diacritics.
Printed per variant: pass rate and REST round-trip p50/p99.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

from bench.data.heldout import VARIANTS
from bench.nlu_eval import RESULTS, percentile
from bot.model_cache import ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack
from ocop.settings import PROJECT_ROOT as ROOT
from ocop.text import has_diacritics

QUESTIONS = ROOT / "bench" / "data" / "answer_heldout.yml"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def judge(reply: str, expect: Sequence[str]) -> bool:
    """All expected facts, a source line, and Vietnamese diacritics."""
    text = _norm(reply)
    return all(_norm(fact) in text for fact in expect) and "nguồn:" in text and has_diacritics(reply)


def run(client: RasaClient, questions: List[Dict], strict: bool = False) -> Dict[str, Dict]:
    results = {}
    for variant in VARIANTS:
        latencies, passed, failures = [], 0, []
        for item in questions:
            sender = f"answer-eval-{uuid.uuid4().hex}"
            started = time.perf_counter()
            replies = client.send(sender, item[variant])
            latencies.append((time.perf_counter() - started) * 1000)
            reply = "\n".join(r.get("text") or "" for r in replies)
            accepted = [item["expect"]] if strict else [item["expect"], item.get("also_expect")]
            if any(judge(reply, facts) for facts in accepted if facts):
                passed += 1
            else:
                failures.append((item["topic"], item[variant], reply[:80].replace("\n", " ")))
        results[variant] = {
            "n": len(questions),
            "pass_rate": passed / len(questions),
            "rest_ms_p50": percentile(latencies, 50),
            "rest_ms_p99": percentile(latencies, 99),
            "failures": failures,
        }
    return results


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running assistant; default: start one")
    parser.add_argument("--show-failures", type=int, default=10)
    parser.add_argument("--strict", action="store_true", help="ignore also_expect: only the first expectation")
    args = parser.parse_args(argv)
    with open(QUESTIONS, encoding="utf-8") as handle:
        questions = yaml.safe_load(handle)
    print(f"{len(questions)} held-out questions x {len(VARIANTS)} variants", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        stack = None
        url = args.url
        if url is None:
            stack = Stack.isolated(Path(tmp), ensure_model()).start()
            url = stack.rasa_url
        try:
            with RasaClient(url) as client:
                for _ in range(20):  # warm-up, not measured
                    client.send(f"warm-{uuid.uuid4().hex}", "ocop là gì")
                results = run(client, questions, args.strict)
        finally:
            if stack is not None:
                stack.stop()
    print("\n| variant | questions | pass rate | REST p50 ms | REST p99 ms |\n|---|---|---|---|---|")
    for variant, r in results.items():
        print(f"| {variant} | {r['n']} | {r['pass_rate']:.1%} | {r['rest_ms_p50']:.1f} | {r['rest_ms_p99']:.1f} |")
    for variant, r in results.items():
        if r["failures"] and args.show_failures:
            print(f"\nFailed {variant} ({len(r['failures'])}):")
            for topic, question, reply in r["failures"][: args.show_failures]:
                print(f"  [{topic}] {question} -> {reply}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "answer_eval.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
