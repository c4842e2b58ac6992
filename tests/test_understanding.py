"""What the trained model makes of requests that lead somewhere new: the handoff, and withdrawing
consent (handled as "delete my data", after a confirmation). The phrasings are not in the training data."""

from __future__ import annotations

import asyncio

import pytest

from bot.settings import PROJECT_ROOT

REQUESTS = [
    ("could you pass a summary on to my adviser?", "request_human"),
    ("I want my counsellor to know how it's going", "request_human"),
    ("please send what we did to my coach", "request_human"),
    ("I'd like to withdraw the consent I gave", "delete_my_data"),
    ("I no longer consent to you keeping my information", "delete_my_data"),
]


def test_the_phrasings_are_not_training_examples():
    training = " ".join(path.read_text().casefold() for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
    assert [text for text, _ in REQUESTS if f"- {text.casefold()}\n" in training] == []


@pytest.mark.parametrize("text, intent", REQUESTS)
def test_the_model_understands_the_request(trained_agent, text, intent):
    parsed = asyncio.run(trained_agent.parse_message(text))
    assert parsed["intent"]["name"] == intent
