"""How the bot's messages look on Telegram: inline keyboards, texts cut to size, media files."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_TEXT = 4096  # Telegram's limit for a message, in UTF-16 code units
MAX_CAPTION = 1024  # and for the caption of a photo or file
MAX_CALLBACK_BYTES = 64
# The gateway's own pictures and files; the same names GET /media/{name} serves.
MEDIA_PATH = re.compile(r"^/media/([A-Za-z0-9_-]{16,100}\.(?:png|json))$")
EXPORT_FILE_NAME = "my-waypoint-data.json"


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the basic plane counts twice."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text into messages within `limit`, at line ends where possible, then at spaces."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        candidate = current + line
        if telegram_length(candidate.rstrip("\n")) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current.rstrip("\n"))
        current = ""
        for piece in _split_long_line(line, limit):
            if telegram_length((current + piece).rstrip("\n")) <= limit:
                current += piece
            else:
                if current.strip():
                    chunks.append(current.rstrip("\n"))
                current = piece
    if current.strip():
        chunks.append(current.rstrip("\n"))
    return chunks


def _split_long_line(line: str, limit: int) -> list[str]:
    """A line longer than `limit`, cut at the last space that fits, or hard when there is none."""
    pieces: list[str] = []
    while telegram_length(line) > limit:
        cut = limit
        while telegram_length(line[:cut]) > limit:  # wide characters take two units each
            cut -= 1
        space = line.rfind(" ", 0, cut)
        cut = space + 1 if space > limit // 2 else cut
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


class CallbackPayloads:
    """Button payloads as Telegram's callback data, which holds at most 64 bytes.

    Short payloads travel as they are, and so still work after a restart. A longer one travels as
    a key into this in-memory map (the newest `capacity` kept); after a restart its button asks the
    client to type the answer instead.
    """

    KEY_PREFIX = "~"

    def __init__(self, capacity: int = 10_000) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def data_for(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(self.KEY_PREFIX):
            return payload
        key = self.KEY_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self._capacity:
            self._long.popitem(last=False)
        return key

    def payload_for(self, data: str) -> str | None:
        if data.startswith(self.KEY_PREFIX):
            return self._long.get(data)
        return data


def inline_keyboard(buttons: list[dict[str, Any]], payloads: CallbackPayloads) -> InlineKeyboardMarkup | None:
    """One button per row: the titles are sentences, too long to sit side by side on a phone."""
    rows = [
        [InlineKeyboardButton(str(button["title"])[:200] or "…", callback_data=payloads.data_for(str(button["payload"])))]
        for button in buttons
        if button.get("payload")
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def media_file(url: str | None, media_dir: Path) -> Path | None:
    """The file behind one of the gateway's own media URLs (`/media/<name>`); None for anything else."""
    match = MEDIA_PATH.match(url or "")
    return media_dir / match[1] if match else None


def is_web_address(url: str | None) -> bool:
    """A picture elsewhere on the web, which Telegram can fetch itself."""
    return bool(url) and url.startswith(("https://", "http://"))


def text_of(message: dict[str, Any]) -> str:
    """A stored message's text as Telegram shows it. A bot cannot post as someone else, so a message
    the client's practitioner wrote says so in words: who wrote it above, where replies go below."""
    text = message.get("text") or ""
    author = message.get("author")
    if not author or not text:
        return text
    return f"{author['label']}:\n\n{text}\n\n({author['note']})"
