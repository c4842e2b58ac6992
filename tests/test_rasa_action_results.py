"""Rasa's check of the action server's answers (bot/rasa_action_results.py) judges as Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_action_results

ORIGINAL = RemoteAction._validate_action_result

ANSWERS = [
    {"events": [{"event": "slot", "name": "stage", "value": "start"}], "responses": [{"response": "utter_help"}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "timestamp": None, "name": "stage"}]},
    {"events": "not a list"},
    {"events": [{"no": "event key"}]},
    {"responses": ["not an object"]},
    {"events": [{"event": "action", "name": 3}]},
]


def judged(validate, answer) -> str:
    try:
        validate(RemoteAction("action_x", None), answer)
        return "valid"
    except ValidationError as error:
        return error.message


@pytest.mark.parametrize("answer", ANSWERS)
def test_an_answer_is_judged_as_rasa_judges_it(answer):
    assert judged(rasa_action_results.validate_action_result, answer) == judged(ORIGINAL, answer)


def test_installed_rasa_uses_it_and_a_wrong_answer_still_raises(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", ORIGINAL)
    rasa_action_results.install()
    assert RemoteAction._validate_action_result is rasa_action_results.validate_action_result
    assert RemoteAction("action_x", None)._validate_action_result({"events": []}) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result({"events": "not a list"})
