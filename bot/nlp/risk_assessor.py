"""The last step of Rasa's NLU pipeline: how much risk each typed message shows (bot/guidance/risk.py).

It sees the classifier's intent ranking, so the model's `express_distress` is one signal among the
phrases; it adds `risk` (level, categories, the phrase to quote) to the parse, makes a clear risk
the `express_distress` intent whatever the classifier said, and takes `express_distress` away when
nothing but an idiom ("the hours are killing me") or a phrase the client already explained made the
classifier hear distress. Every typed message passes through here, in every state of the dialogue.

The phrase files are read once when Rasa loads the model (PHRASE_LANGUAGE, SAFETY_WORDS_DIR);
restart Rasa after editing them. Nothing here is trained.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.guidance.risk import CLEAR, MODEL_CONFIDENCE, NONE, assess
from bot.guidance.safety_words import SafetyWords, load_safety_words
from bot.settings import load_settings

logger = logging.getLogger(__name__)

DISTRESS = "express_distress"
RISK = "risk"
# Set by the gateway on a message the client has said was only a way of speaking.
RISK_CHECKED = "risk_checked"
STATEMENT = "inform"
SECOND_READING_CONFIDENCE = 0.3


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskAssessor(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"distress_confidence": MODEL_CONFIDENCE}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RiskAssessor":
        settings = load_settings()
        words = load_safety_words(settings.phrase_language, settings.safety_words_dir)
        model_confidence = float(config["distress_confidence"])
        return cls(words, model_confidence)

    def __init__(self, words: SafetyWords, model_confidence: float = MODEL_CONFIDENCE) -> None:
        self._words = words
        self._model_confidence = model_confidence

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._assess(message)
        return messages

    def _assess(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button's payload: Rasa reads its intent from it
        ranking = message.get(INTENT_RANKING_KEY) or []
        distress = max((float(i.get("confidence") or 0) for i in ranking if i.get("name") == DISTRESS), default=0.0)
        metadata = message.get("metadata") or {}
        checked = isinstance(metadata, dict) and metadata.get(RISK_CHECKED) is True
        assessment = assess(text, self._words, distress, checked, self._model_confidence)
        message.set(RISK, assessment.as_dict(), add_to_output=True)
        intent = (message.get(INTENT) or {}).get("name")
        if assessment.level == CLEAR:
            message.set(INTENT, {"name": DISTRESS, "confidence": 1.0}, add_to_output=True)
        elif assessment.level == NONE and intent == DISTRESS:
            # Not distress after all: the classifier's next reading if it has one, else what such
            # talk is ("the hours are killing me"), a statement.
            others = [i for i in ranking if i.get("name") not in (DISTRESS, "nlu_fallback")]
            if others and float(others[0].get("confidence") or 0) >= SECOND_READING_CONFIDENCE:
                message.set(INTENT, {"name": others[0]["name"], "confidence": others[0].get("confidence")}, add_to_output=True)
            else:
                message.set(INTENT, {"name": STATEMENT, "confidence": 1.0}, add_to_output=True)
