"""Rasa's own checks on the project: data validation, the intent contract, test stories."""

from __future__ import annotations

import yaml

from bot.settings import PROJECT_ROOT
from tests.rasa_support import run_rasa, trained_model

CONTRACT_INTENTS = (
    "greet goodbye affirm deny thank help bot_challenge out_of_scope request_human pause resume skip "
    "show_progress show_plan delete_my_data express_distress start_reflection explore_options "
    "make_decision plan_actions review_progress give_feedback"
).split()


def training_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            if "intent" in block:
                lines = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
                examples.setdefault(block["intent"], []).extend(lines)
    return examples


def test_every_contract_intent_is_in_the_domain_and_trained_with_at_least_15_examples():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    examples = training_examples()
    for intent in CONTRACT_INTENTS:
        assert intent in domain["intents"], intent
        distinct = {example.lower() for example in examples.get(intent, [])}
        assert len(distinct) >= 15, f"{intent} has {len(distinct)} distinct examples"


def test_no_example_is_trained_for_two_intents():
    seen: dict[str, str] = {}
    for intent, lines in training_examples().items():
        for line in lines:
            assert seen.setdefault(line.lower(), intent) == intent, f"{line!r} is under {seen[line.lower()]} and {intent}"


def test_rasa_data_validate_reports_no_errors():
    result = run_rasa("data", "validate")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_pass_without_a_single_prediction_error(tmp_path):
    result = run_rasa(
        "test", "core",
        "--model", str(trained_model()),
        "--stories", "tests/stories",
        "--fail-on-prediction-errors",
        "--out", str(tmp_path),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
