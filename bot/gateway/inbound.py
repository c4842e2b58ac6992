"""Checking what a client sends before it is stored: every problem gets a clear, kind answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Rasa reads a leading "/" as an intent; buttons carry such payloads, or plain text like "3".
PAYLOAD_PATTERN = re.compile(r"^(/[A-Za-z_]{1,64}(\{.{0,200}\})?|[^\x00-\x1f/][^\x00-\x1f]{0,63})$", re.S)
MAX_PAYLOAD_CHARS = 300
# Control characters other than tab and newline carry no meaning in a chat and break some databases.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LEADING_SLASHES = re.compile(r"^[\s/]+")


def as_text(text: str | None) -> str:
    """Typed text as Rasa may read it: without leading slashes, however many and however spaced.

    Rasa reads a message starting with "/" as an intent and skips understanding it, and the risk
    assessment with it; only a button the bot offered may send one (bot/gateway/turn_input.py).
    """
    return _LEADING_SLASHES.sub("", text or "").strip()


@dataclass(frozen=True)
class Rejection(Exception):
    status: int
    code: str
    message: str


@dataclass(frozen=True)
class ChatMessage:
    text: str
    payload: str | None


def read_chat_message(data: Any, max_chars: int) -> ChatMessage:
    """A client's message from a decoded JSON body; raises Rejection with a friendly explanation."""
    if not isinstance(data, dict):
        raise Rejection(400, "invalid_body", "Please send a JSON object with a \"text\" field.")
    text = data.get("text")
    if text is None:
        raise Rejection(400, "missing_text", "The message needs a \"text\" field.")
    if not isinstance(text, str):
        raise Rejection(400, "invalid_text", "The \"text\" field must be a string.")
    payload = data.get("payload")
    text = CONTROL_CHARACTERS.sub("", text).strip()
    if not _is_encodable(text) or (isinstance(payload, str) and not _is_encodable(payload)):
        raise Rejection(400, "invalid_encoding", "Part of that message is not valid text. Please send it again.")
    if payload is not None:
        if (
            not isinstance(payload, str)
            or len(payload) > MAX_PAYLOAD_CHARS
            or CONTROL_CHARACTERS.search(payload)
            or not PAYLOAD_PATTERN.match(payload)
        ):
            raise Rejection(400, "invalid_payload", "That button payload is not one I can read.")
    if not as_text(text) and payload is None:
        raise Rejection(422, "empty_message", "Your message was empty. Write something and send it again.")
    if len(text) > max_chars:
        raise Rejection(
            413,
            "message_too_long",
            f"That message is longer than I can take ({max_chars} characters). "
            "Could you shorten it or send it in parts?",
        )
    return ChatMessage(text=text or payload or "", payload=payload)


def _is_encodable(value: str) -> bool:
    """False for lone surrogates, which JSON allows but no database can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
