"""The NLU evaluation in `make test`: the trained model on the evaluation set written apart from its
training data (tests/nlu_evaluation.py); the figures are printed at the end of the run and written to
reports/nlu.json. The 0.95 target is not met yet; the test holds the model to the floor measured
when it was last raised (FLOOR), so that worse training data fails."""

from __future__ import annotations

import subprocess

from bot.settings import PROJECT_ROOT
from tests.nlu_evaluation import FLOOR, evaluate

REPORT = PROJECT_ROOT / "reports" / "nlu.json"


def test_the_model_keeps_its_macro_f1_on_examples_it_never_saw(trained_agent, evaluation_summaries):
    results = evaluate(trained_agent)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()
    results.write(REPORT, commit)
    evaluation_summaries.append(results.summary())
    assert results.macro_f1() >= FLOOR, results.summary()
