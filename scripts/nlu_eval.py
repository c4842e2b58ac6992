"""The NLU evaluation while writing training data: the trained model on the evaluation set written
apart from data/nlu (tests/corpora/nlu/evaluation.yml), intent macro-F1, F1 per intent and the most
common confusions. `make test` runs the same evaluation (tests/test_nlu_evaluation.py).

    .venv/bin/python scripts/nlu_eval.py

Never copy the evaluation set's examples into data/nlu: the figure would stop meaning anything.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))


def main() -> None:
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    from bot.training import ensure_model
    from tests.nlu_evaluation import evaluate

    results = evaluate(Agent.load(str(ensure_model())))
    print(results.summary())
    for intent, score in sorted(results.f1_by_intent().items(), key=lambda item: item[1]):
        print(f"  {intent:<20} {score:.3f}")
    print("most common confusions (expected -> predicted):")
    for (expected, predicted), count in results.confusions():
        print(f"  {expected} -> {predicted}: {count}")


if __name__ == "__main__":
    main()
