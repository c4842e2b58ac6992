"""The conversation evaluation's first part: the in-context replies corpus (tests/corpora/replies/)
through the interpretation step (bot/guidance/understanding/) with the trained model's NLU, and the
share read right per outcome kind.

Used by tests/test_replies_evaluation.py (the held-out half, in `make test`) and by
scripts/replies_eval.py (either half, while developing).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.guidance.understanding.interpret import Heard, interpret
from bot.guidance.understanding.reading import OUTCOMES, Question
from bot.guidance.understanding.words import ConversationWords, load_conversation_words
from bot.settings import PROJECT_ROOT

CORPUS_DIR = PROJECT_ROOT / "tests" / "corpora" / "replies"
TARGET = 0.97
# What `make test` holds the held-out half to until the target is met: the shares measured at
# commit 41bb90d, less what differs between two trainings (one reply in forty is 2.5 points). Raise
# them as the shares rise; never lower them to let a change through.
FLOORS = {"answer": 0.91, "correction": 0.8, "no": 0.88, "non_answer": 0.85, "off_topic": 0.7, "question": 0.78, "request": 0.73, "yes": 0.88, "asides": 0.95}


def load_cases(half: str | Path) -> tuple[datetime.date, list[dict[str, Any]]]:
    path = half if isinstance(half, Path) else CORPUS_DIR / f"{half}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = data.get("today")
    today = today if isinstance(today, datetime.date) else datetime.date.fromisoformat(str(today))
    cases = []
    for case in data["cases"]:
        expect = dict(case["expect"])
        # YAML reads an unquoted yes/no as a boolean.
        if isinstance(expect.get("outcome"), bool):
            expect["outcome"] = "yes" if expect["outcome"] else "no"
        if isinstance(expect.get("value"), datetime.date):
            expect["value"] = expect["value"].isoformat()
        cases.append({**case, "expect": expect})
    return today, cases


def key_of(asked: str, kind: str) -> str:
    """The question's key as the bot knows it, read from its words (the corpus gives only the words)."""
    if re.search(r"practitioner|send it|send with it|transcript|summary|take anything out|handover|adviser", asked, re.I):
        return f"handoff.{kind}"
    if re.search(r"get out of this guidance process", asked, re.I):
        return "goals"
    return kind


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"[\W_]+", " ", value.casefold()).strip()
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def value_of(reading_value: Any) -> Any:
    if isinstance(reading_value, dict) and "action" in reading_value:
        return "edit_items"
    return reading_value


def right_value(kind: str, outcome: str, expected: Any, got: Any) -> bool:
    if outcome == "answer" and kind == "open":
        return True  # the client's own words are stored as written
    if expected is None:
        return True
    return _norm(expected) == _norm(value_of(got))


@dataclass
class Results:
    half: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def accuracy(self) -> dict[str, float]:
        by_outcome: dict[str, list[bool]] = defaultdict(list)
        for row in self.rows:
            by_outcome[row["expected"]["outcome"]].append(row["right"])
        return {o: round(sum(v) / len(v), 4) for o, v in sorted(by_outcome.items()) if v}

    def aside_accuracy(self) -> float:
        rights = [row["aside_right"] for row in self.rows]
        return round(sum(rights) / len(rights), 4) if rights else 0.0

    def below_target(self) -> list[str]:
        missed = [f"{o}: {a:.1%}" for o, a in self.accuracy().items() if a < TARGET]
        if self.aside_accuracy() < TARGET:
            missed.append(f"asides: {self.aside_accuracy():.1%}")
        return missed

    def below_floors(self) -> list[str]:
        shares = {**self.accuracy(), "asides": self.aside_accuracy()}
        return [f"{o}: {a:.1%} (floor {FLOORS[o]:.0%})" for o, a in shares.items() if a < FLOORS.get(o, TARGET)]

    def table(self) -> str:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row["expected"]["outcome"]] += 1
        lines = [f"replies evaluation ({self.half} half, {len(self.rows)} replies in context; target {TARGET:.0%} per outcome):"]
        for outcome, accuracy in self.accuracy().items():
            lines.append(f"  {outcome:<12} {accuracy:>7.1%}  of {counts[outcome]}")
        lines.append(f"  {'asides':<12} {self.aside_accuracy():>7.1%}  (the feeling or event beside the reply, or none)")
        missed = self.below_target()
        lines.append(f"  target: {'met for every outcome' if not missed else f'not met yet for {len(missed)} of {len(self.accuracy()) + 1}'}")
        return "\n".join(lines)

    def write(self, path: Path, commit: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "what": "tests/replies_evaluation.py: the in-context replies corpus through the interpretation step",
            "half": self.half,
            "date": datetime.date.today().isoformat(),
            "commit": commit,
            "target_per_outcome": TARGET,
            "accuracy_per_outcome": self.accuracy(),
            "aside_accuracy": self.aside_accuracy(),
            "replies": len(self.rows),
        }
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def evaluate(agent: Any, half: str | Path, words: ConversationWords | None = None) -> Results:
    words = words or load_conversation_words()
    today, cases = load_cases(half)
    results = Results(half if isinstance(half, str) else half.name)
    for case in cases:
        question = Question(
            key=case.get("key") or key_of(case.get("asked") or "", case["kind"]),
            kind=case["kind"],
            options=tuple(case.get("options") or ()),
            nothing_is_an_answer=case["kind"] == "list" and bool(re.search(r"\bsay no\b|\bor no\b", case.get("asked") or "", re.I)),
        )
        parse = asyncio.run(agent.parse_message(case["reply"]))
        reading = interpret(question, case["reply"], Heard.from_parse(parse), words, today)
        expected = case["expect"]
        right = reading.outcome == expected["outcome"] and right_value(case["kind"], reading.outcome, expected.get("value"), reading.value)
        results.rows.append({
            "kind": case["kind"], "reply": case["reply"], "expected": expected,
            "got": reading.as_dict(), "intent": parse["intent"]["name"], "confidence": parse["intent"].get("confidence") or 0.0, "right": right,
            "aside_right": reading.aside == expected.get("aside"),
        })
    return results


assert set(OUTCOMES) >= {"answer", "yes", "no"}
