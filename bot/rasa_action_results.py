"""Rasa's check of the action server's answers, with the schema checked once instead of every time.

Rasa 3.6 checks every answer of the action server with `jsonschema.validate(answer, schema)`, which
first checks the schema itself against JSON Schema's meta-schema, on every call: about a tenth of
Rasa's CPU time per turn (sampled with py-spy, issue 17). `install()` replaces that method with one
that builds the validator once; an answer is judged as before (the same validator class, schema and
best-matching error) and a wrong one raises the same ValidationError with the same message.
Installed by the gateway channel (bot/rasa_channel.py) when Rasa loads it.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
