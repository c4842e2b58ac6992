"""The answers to a risk and to "are you safe right now?", and the flags they raise."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.distress import ActionRespondNotSafe, ActionRespondToDistress, ActionRespondUnsureIfSafe
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.settings import PROJECT_ROOT
from bot.storage.models import SafetyFlag
from bot.storage.progress import CONSENT_GIVEN, record_consent

pytestmark = pytest.mark.both_databases

CLIENT = "d" * 32
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
VIOLENCE = {"level": "clear", "categories": ["harm_from_others"], "phrase": "he hit me", "by": "words"}


def tracker(intent: str, risk: dict[str, Any] | None = None, earlier_risk: dict[str, Any] | None = None) -> Tracker:
    events = []
    if earlier_risk:
        events.append({"event": "user", "text": "...", "parse_data": {"intent": {"name": "express_distress"}, "risk": earlier_risk}})
    return Tracker(
        sender_id=CLIENT,
        slots={},
        latest_message={"text": "...", "intent": {"name": intent, "confidence": 1.0}, "entities": [], "risk": risk or {}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run(action, tracker_: Tracker) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker_, DOMAIN)
    return dispatcher


def flags(db) -> list[tuple[str | None, str | None, str | None]]:
    with db() as session:
        return [(f.category, f.level, f.reason) for f in session.execute(select(SafetyFlag).order_by(SafetyFlag.id)).scalars()]


@pytest.fixture
def consented(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)


async def test_violence_at_home_gets_domestic_abuse_support_and_a_flag_with_its_kind(consented, db):
    dispatcher = await run(ActionRespondToDistress(), tracker("express_distress", VIOLENCE))
    [message] = dispatcher.messages
    assert "Domestic abuse support" in message["text"] and "Emergency services" in message["text"]
    assert message["custom"] == {"asks": "safety"}  # the gateway sends the answer with this context
    assert flags(db) == [("harm_from_others", "clear", "statement")]


async def test_an_unclear_answer_to_the_check_question_is_flagged_as_possible(consented, db):
    risk = {"level": "possible", "categories": ["suicidal_passive"], "reason": "unclear_check"}
    await run(ActionRespondToDistress(), tracker("express_distress", risk))
    assert flags(db) == [("suicidal_passive", "possible", "unclear_check")]


async def test_not_safe_and_not_sure_are_flagged_with_the_kind_of_the_risk_before(consented, db):
    dispatcher = await run(ActionRespondNotSafe(), tracker("not_safe_now", earlier_risk=VIOLENCE))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_distress_not_safe", "utter_practitioner_alerted"]
    dispatcher = await run(ActionRespondUnsureIfSafe(), tracker("unsure_if_safe", earlier_risk=VIOLENCE))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_distress_unsure", "utter_practitioner_alerted"]
    assert flags(db) == [("harm_from_others", "clear", "not_safe"), ("harm_from_others", "possible", "unsure_if_safe")]


async def test_without_consent_nothing_is_flagged_and_no_alert_is_promised(actions_db, db):
    dispatcher = await run(ActionRespondNotSafe(), tracker("not_safe_now", earlier_risk=VIOLENCE))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_distress_not_safe"]
    assert flags(db) == []
