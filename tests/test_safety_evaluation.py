"""The safety evaluation on the held-out half of the safety corpus, through the real stack at five
moments (tests/safety_evaluation.py). Its figures are printed at the end of the run and written to
reports/safety.json; the targets of issue 13 are asserted."""

from __future__ import annotations

import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from tests.safety_evaluation import evaluate

pytestmark = pytest.mark.stack

REPORT = PROJECT_ROOT / "reports" / "safety.json"


def test_the_held_out_safety_corpus_meets_its_targets_at_every_moment(stack, evaluation_summaries):
    results = evaluate(stack, "held_out")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()
    results.write(REPORT, commit)
    evaluation_summaries.append(results.table())
    assert results.targets_missed() == [], results.table()
