"""Offline intent accuracy on the development set, in seconds instead of a training run.

    .venv/bin/python -m bench.intent_dev [--extra data/new.yml] [--errors]

Fits the same features and classifier as ``nlu.linear_intent_classifier`` (its
default configuration: TF-IDF word 1–2-grams and character 2–5-grams of the
folded words, logistic regression) on the NLU training files plus ``--extra``
files, then prints intent accuracy per variant on ``bench/data/intent_dev.yml``
and, with ``--errors``, the commonest confusions. For choosing training data and
settings; report accuracy from the held-out evaluations (``make eval``).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import List, Optional, Sequence

import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bench.data.heldout import VARIANTS
from bot.model_cache import nlu_files
from nlu.linear_intent_classifier import LinearIntentClassifier
from nlu.segmentation import segment
from ocop.settings import PROJECT_ROOT as ROOT

DEV = ROOT / "bench" / "data" / "intent_dev.yml"


def folded(text: str) -> str:
    """The classifier's input: the folded words without symbols, as the tokenizer gives them."""
    words = segment(text)
    kept = [w for w in words if not w.is_symbol] or words
    return " ".join(" ".join(w.folded.lower().replace("_", " ").split()) for w in kept)


def training_examples(paths: Sequence[Path]) -> List[tuple]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for path in paths
            for m in load_data(str(path)).intent_examples if m.get("intent")]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", nargs="*", default=[], help="more NLU files to train on")
    parser.add_argument("--errors", action="store_true", help="print the commonest confusions")
    args = parser.parse_args(argv)
    config = LinearIntentClassifier.get_default_config()
    examples = training_examples([*nlu_files(), *map(Path, args.extra)])
    texts = [folded(text) for text, _ in examples]
    vectorizers = [
        TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True),
    ]
    for vectorizer in vectorizers:
        vectorizer.fit(texts)
    classifier = LogisticRegression(C=config["C"], max_iter=config["max_iter"], class_weight="balanced")
    classifier.fit(hstack([v.transform(texts) for v in vectorizers]).tocsr(), [intent for _, intent in examples])
    with open(DEV, encoding="utf-8") as handle:
        items = yaml.safe_load(handle)
    print(f"{len(examples)} training examples; {len(items)} development questions")
    for variant in VARIANTS:
        questions = [folded(item[variant]) for item in items]
        predicted = classifier.predict(hstack([v.transform(questions) for v in vectorizers]).tocsr())
        right = sum(p == item["intent"] for p, item in zip(predicted, items))
        print(f"{variant}: {right}/{len(items)} = {right / len(items):.1%}")
        if args.errors:
            errors = Counter((item["intent"], p) for p, item in zip(predicted, items) if p != item["intent"])
            for (expected, got), count in errors.most_common(10):
                print(f"    {count} × {expected} → {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
