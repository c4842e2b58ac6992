"""The safety evaluation on either half of the safety corpus, while developing the phrase files.

`make test` runs the held-out half (tests/test_safety_evaluation.py). This script starts a stack of
its own with the trained model and prints the figures, and with --missed what was missed and what
was a false alarm (use it on the development half, or on phrasings of your own with --corpus: the
held-out half is never tuned on).

    .venv/bin/python scripts/safety_eval.py --half development --missed
    .venv/bin/python scripts/safety_eval.py --corpus our_phrasings.yml --missed --moment "start question"
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.safety_evaluation import MOMENTS, evaluate  # noqa: E402
from tests.stack_support import Stack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=("development", "held_out"), default="development")
    parser.add_argument("--corpus", type=Path, help="a file of phrasings of your own, in the corpus's layout, instead of a half")
    parser.add_argument("--moment", action="append", choices=list(MOMENTS), help="only these moments (default: all)")
    parser.add_argument("--missed", action="store_true", help="list what was missed and what was a false alarm")
    parser.add_argument("--report", type=Path, help="also write the figures as JSON here")
    options = parser.parse_args()
    if options.missed and options.half == "held_out" and not options.corpus:
        parser.error("--missed lists phrasings; the held-out half is never looked at that closely")
    with tempfile.TemporaryDirectory() as work_dir:
        stack = Stack(Path(work_dir))
        stack.start()
        try:
            results = evaluate(stack, options.corpus or options.half, options.moment, progress=lambda line: print(f"safety-eval: {line}", flush=True))
        finally:
            stack.stop()
    print(results.table())
    if options.missed:
        for moment, figures in results.figures(with_texts=True).items():
            for text in figures["missed"]:
                print(f"  missed at {moment}: {text}")
            for text in figures["false_alarms"]:
                print(f"  false alarm at {moment}: {text}")
    if options.report:
        results.write(options.report)
    missed = results.targets_missed()
    print("targets: all met" if not missed else "targets missed:\n  " + "\n  ".join(missed))


if __name__ == "__main__":
    main()
