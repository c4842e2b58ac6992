"""What goes to Rasa for a client's message, and what goes with it.

A button's payload goes only if the bot offered that button to this client lately: anything else a
client sends is text, and text never starts with "/" (Rasa would read it as an intent and skip
understanding it, and the risk assessment with it). The message's metadata says whether it answers
one of the two safety questions, from the note the dialogue left on the question (`custom.asks`):
Rasa's channel then reads the answer in that context (bot/rasa_safety.py). For the check question
it also carries the message that was held for it, which goes on as the answer to the question it
answered once the client says it was only a way of speaking.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.gateway.inbound import as_text
from bot.storage import message_log
from bot.storage.models import Message

ASKS = "asks"
RISK_CHECK = "risk_check"
SAFETY = "safety"
QUESTION = "question"


def accepted_payload(session: Session, client_id: str, payload: str | None) -> str | None:
    """`payload` if it belongs to a button offered to the client lately, else None (the text is used)."""
    if payload and payload in message_log.offered_payloads(session, client_id):
        return payload
    return None


def rasa_input(session: Session, message: Message) -> tuple[str, dict[str, Any]]:
    """The text (or accepted payload) Rasa reads for `message`, and its metadata."""
    text = message.payload or as_text(message.text)
    answering = question_answered(session, message)
    return text, ({"answering": answering} if answering else {})


def question_answered(session: Session, message: Message) -> dict[str, Any] | None:
    """What the bot asked just before `message`, from the note on its question: a safety question,
    the check question (with the message held for it), or a question of the conversation."""
    for reply in reversed(message_log.replies_before(session, message)):
        custom = (reply.content or {}).get("custom") or {}
        if custom.get(ASKS) == SAFETY:
            return {"question": SAFETY}
        if custom.get(ASKS) == RISK_CHECK:
            held = session.get(Message, reply.reply_to_id) if reply.reply_to_id else None
            if held is None:
                return None
            return {
                "question": RISK_CHECK,
                "held_text": held.payload or as_text(held.text),
                "categories": custom.get("categories") or [],
                "held_question": question_answered(session, held) or {},
            }
        if custom.get(ASKS) == QUESTION and isinstance(custom.get(QUESTION), dict):
            return {
                "question": QUESTION,
                "note": custom[QUESTION],
                "text": reply.text,
                "buttons": (reply.content or {}).get("buttons") or [],
            }
    return None
