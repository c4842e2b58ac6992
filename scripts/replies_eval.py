"""The replies evaluation on either half of the in-context corpus, while developing the
interpretation step: prints the share read right per outcome and, for the development half (or a
file of your own), every reply read wrong.

    .venv/bin/python scripts/replies_eval.py --half development --wrong
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=("development", "held_out"), default="development")
    parser.add_argument("--cases", type=Path, help="a file of cases of your own, in the corpus's layout")
    parser.add_argument("--wrong", action="store_true", help="list the replies read wrong")
    options = parser.parse_args()
    if options.wrong and options.half == "held_out" and not options.cases:
        parser.error("--wrong lists replies; the held-out half is never looked at that closely")
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    from bot.training import ensure_model
    from tests.replies_evaluation import evaluate

    results = evaluate(Agent.load(str(ensure_model())), options.cases or options.half)
    print(results.table())
    if options.wrong:
        for row in results.rows:
            if not row["right"] or not row["aside_right"]:
                print(f"  {row['kind']:<7} expected {row['expected']} got {row['got']} [{row['intent']} {row['confidence']:.2f}] | {row['reply']}")


if __name__ == "__main__":
    main()
