"""The NLU evaluation: the trained model on an evaluation set written apart from its training examples
(tests/corpora/nlu/evaluation.yml: its writer never saw data/nlu), intent macro-F1 over the set's
intents. A message the model leaves to the fallback counts as wrong.

Used by tests/test_nlu_evaluation.py (in `make test`, with the model the other tests load) and by
scripts/nlu_eval.py (per intent, with the confusions, while writing training data).
"""

from __future__ import annotations

import asyncio
import datetime
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

EVALUATION_SET = PROJECT_ROOT / "tests" / "corpora" / "nlu" / "evaluation.yml"
TARGET = 0.95
# What `make test` holds the model to until the target is met: 0.939 measured at commit c0b81f3,
# less what differs between two trainings. Raise it as the figure rises; never lower it.
FLOOR = 0.92


def examples(path: Path = EVALUATION_SET) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                found.append((text[2:].strip(), block["intent"]))
    return found


@dataclass
class Results:
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # text, expected, predicted

    def f1_by_intent(self) -> dict[str, float]:
        intents = sorted({expected for _, expected, _ in self.rows})
        scores = {}
        for intent in intents:
            true_positive = sum(1 for _, e, p in self.rows if e == intent and p == intent)
            predicted = sum(1 for _, _, p in self.rows if p == intent)
            actual = sum(1 for _, e, _ in self.rows if e == intent)
            precision = true_positive / predicted if predicted else 0.0
            recall = true_positive / actual if actual else 0.0
            scores[intent] = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
        return scores

    def macro_f1(self) -> float:
        scores = self.f1_by_intent()
        return round(sum(scores.values()) / len(scores), 4) if scores else 0.0

    def confusions(self, top: int = 15) -> list[tuple[tuple[str, str], int]]:
        return Counter((e, p) for _, e, p in self.rows if e != p).most_common(top)

    def summary(self) -> str:
        lines = [f"NLU evaluation: intent macro-F1 {self.macro_f1():.3f} on {len(self.rows)} examples written apart from the training data (target {TARGET}{' met' if self.macro_f1() >= TARGET else ', not met yet'}; floor {FLOOR})"]
        weakest = sorted(self.f1_by_intent().items(), key=lambda item: item[1])[:5]
        lines.append("  weakest: " + ", ".join(f"{intent} {score:.2f}" for intent, score in weakest))
        return "\n".join(lines)

    def write(self, path: Path, commit: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        by_error: dict[str, int] = defaultdict(int)
        for (expected, predicted), count in self.confusions(30):
            by_error[f"{expected} -> {predicted}"] = count
        report = {
            "what": "tests/nlu_evaluation.py: the trained model on tests/corpora/nlu/evaluation.yml",
            "date": datetime.date.today().isoformat(),
            "commit": commit,
            "target": TARGET,
            "macro_f1": self.macro_f1(),
            "f1_by_intent": self.f1_by_intent(),
            "most_common_confusions": dict(by_error),
            "examples": len(self.rows),
        }
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def evaluate(agent: Any, path: Path = EVALUATION_SET) -> Results:
    results = Results()
    for text, intent in examples(path):
        parsed = asyncio.run(agent.parse_message(text))
        results.rows.append((text, intent, (parsed.get("intent") or {}).get("name") or ""))
    return results
