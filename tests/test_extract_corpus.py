"""The bar of issue 4 on the real texts of KG_CORPUS, and linear time on adversarial input."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.extract.perf import adversarial, best_seconds
from kg.extract.places import gazetteer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("KG_CORPUS", ROOT / ".." / "shared" / "corpus"))

BAR = {"documents": 0.97, "relations": 0.85, "people": 0.90}
DATES_BAR = 0.95


@pytest.fixture(scope="module")
def scores() -> dict:
    """The scorer's summary over KG_CORPUS (skips when the corpus is not there)."""
    if not (CORPUS / "gold.jsonl").is_file():
        pytest.skip(f"no corpus at {CORPUS}")
    return evaluate(CORPUS)


@pytest.mark.parametrize("measure", sorted(BAR))
def test_extract_corpus_meets_the_bar(scores, measure):
    assert scores[measure]["f1"] >= BAR[measure], scores


def test_extract_corpus_dates_meet_the_bar(scores):
    assert scores["dates"]["accuracy"] >= DATES_BAR, scores
    assert scores["texts_without_prediction"] == []


def test_extract_linear_time_on_adversarial_input():
    gazetteer()          # loaded once per process, not part of a text's cost
    small, large = adversarial(100_000), adversarial(1_000_000)
    ratio = best_seconds(large) / best_seconds(small)
    assert ratio < 20, ratio
