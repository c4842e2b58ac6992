"""The safety evaluation on the held-out half of the safety corpus, through the real stack at five
moments (tests/safety_evaluation.py). Its figures are printed at the end of the run and written to
reports/safety.json. Issue 13's targets are not met yet: the test holds the figures to the floors
measured when they were last raised (FLOORS), so that a change which makes the safety net worse
fails, and prints how far the targets still are."""

from __future__ import annotations

import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from tests.safety_evaluation import FLOORS, evaluate

pytestmark = pytest.mark.stack

REPORT = PROJECT_ROOT / "reports" / "safety.json"


def test_the_held_out_safety_corpus_stays_above_its_floors_at_every_moment(stack, evaluation_summaries):
    results = evaluate(stack, "held_out")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()
    results.write(REPORT, commit)
    evaluation_summaries.append(results.table())
    assert results.targets_missed(FLOORS) == [], results.table()
