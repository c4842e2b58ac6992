"""NLU evaluation on a held-out split: prints the intent macro-F1 (a figure, not a pass/fail test).

Splits data/nlu 80/20 with a fixed seed, trains an NLU-only model on the 80 % (cached by
a hash of the data and config), tests it on the 20 % and writes Rasa's reports to
reports/nlu/. Run by `make test` before pytest; on its own: .venv/bin/python scripts/nlu_eval.py
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bot.training import MODELS_DIR, rasa_environment, training_inputs  # noqa: E402

RASA = str(Path(sys.executable).with_name("rasa"))
REPORTS = PROJECT_ROOT / "reports" / "nlu"
SEED = "7"


def run(*args: str) -> None:
    log = PROJECT_ROOT / "var" / "nlu_eval.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("a") as handle:
        result = subprocess.run([RASA, *args], cwd=PROJECT_ROOT, env=rasa_environment(), stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        sys.exit(f"nlu-eval: `rasa {args[0]} {args[1]}` failed; see {log}")


def main() -> None:
    digest = hashlib.sha256(SEED.encode())
    for path in training_inputs():
        digest.update(path.read_bytes())
    key = digest.hexdigest()[:16]
    split_dir = PROJECT_ROOT / "var" / f"nlu-split-{key}"
    model_name = f"nlu-eval-{key}"
    if not (split_dir / "test_data.yml").exists():
        run("data", "split", "nlu", "--nlu", "data/nlu", "--training-fraction", "0.8", "--random-seed", SEED, "--out", str(split_dir))
    if not (MODELS_DIR / f"{model_name}.tar.gz").exists():
        print("nlu-eval: training an NLU model on 80 % of the examples")
        run("train", "nlu", "--nlu", str(split_dir / "training_data.yml"), "--out", str(MODELS_DIR), "--fixed-model-name", model_name)
    REPORTS.mkdir(parents=True, exist_ok=True)
    run("test", "nlu", "--model", str(MODELS_DIR / f"{model_name}.tar.gz"), "--nlu", str(split_dir / "test_data.yml"), "--out", str(REPORTS))
    report = json.loads((REPORTS / "intent_report.json").read_text())
    macro = report["macro avg"]["f1-score"]
    print(f"nlu-eval: intent macro-F1 on the held-out 20 %: {macro:.3f} (report: reports/nlu/intent_report.json)")


if __name__ == "__main__":
    main()
