"""Everything Rasa's gateway channel does with a message before the turn (bot/rasa_channel.py): it is
understood once (the NLU pipeline, with the risk assessment at its end); safety has the first word
(bot/rasa_safety.py); then the reply is read in the context of the question it answers
(bot/rasa_understanding.py)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage

from bot.rasa_safety import Prepared, SafetyLayer
from bot.rasa_understanding import UnderstandingLayer


class TurnPreparation:
    def __init__(self, safety: Optional[SafetyLayer] = None, understanding: Optional[UnderstandingLayer] = None) -> None:
        self._safety = safety or SafetyLayer()
        self._understanding = understanding or UnderstandingLayer()

    async def prepare(self, agent: Any, message: UserMessage) -> Prepared:
        parse = await agent.processor.parse_message(message)
        prepared = await self._safety.prepare(agent, message, parse)
        if prepared is not None and prepared.answering is None:
            return prepared
        if prepared is not None:  # a held message goes on as the answer it was
            message, parse, answering = prepared.message, prepared.message.parse_data, prepared.answering
        else:
            metadata = message.metadata if isinstance(message.metadata, dict) else {}
            answering = _question_answered(metadata)
        understood = await self._understanding.understand(agent, message, parse, answering)
        if understood.replies is not None:
            return Prepared(replies=understood.replies)
        message.parse_data = understood.parse
        return Prepared(message=message, acknowledgement=understood.acknowledgement)


def _question_answered(metadata: Dict[Text, Any]) -> Dict[Text, Any]:
    answering = metadata.get("answering")
    return answering if isinstance(answering, dict) and answering.get("question") == "question" else {}
