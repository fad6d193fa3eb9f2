"""Texts written for the tests (not from the corpus), in the corpus's genres and damage,
with hand-made expected results, scored by the shared scorer: how the rules generalize."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = Path(__file__).parent / "data" / "extract" / "heldout"
SCORER = ROOT / ".." / "shared" / "tools" / "score_extraction.py"


@pytest.fixture(scope="module")
def scores() -> dict:
    if not SCORER.is_file():
        pytest.skip(f"no scorer at {SCORER}")
    lines: list[str] = []
    out = evaluate(HELDOUT, scorer=SCORER, per_file=lines)
    print("\n".join(lines))
    print(out)
    return out


def test_heldout_documents(scores):
    assert scores["documents"]["f1"] >= 0.97, scores


def test_heldout_relations(scores):
    assert scores["relations"]["f1"] >= 0.85, scores


def test_heldout_dates_and_people(scores):
    assert scores["dates"]["accuracy"] >= 0.95, scores
    assert scores["people"]["f1"] >= 0.90, scores
    assert scores["texts_without_prediction"] == []
