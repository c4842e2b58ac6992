"""The conversation's phrase files, read once per action server (a restart reads an edit)."""

from __future__ import annotations

from functools import lru_cache

from bot.guidance.understanding.words import ConversationWords, load_conversation_words
from bot.settings import load_settings


@lru_cache(maxsize=1)
def conversation_words() -> ConversationWords:
    settings = load_settings()
    return load_conversation_words(settings.phrase_language, settings.conversation_words_dir)
