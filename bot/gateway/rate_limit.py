"""A limit on how fast one client can send messages, whatever the channel."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from bot.gateway.inbound import Rejection

WINDOW_SECONDS = 60.0


class MessageRateLimit:
    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._recent: defaultdict[str, deque[float]] = defaultdict(deque)

    def check(self, client_id: str) -> None:
        """Count one message of `client_id`; Rejection 429 when they are over the limit."""
        now = time.monotonic()
        recent = self._recent[client_id]
        while recent and now - recent[0] > WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= self._per_minute:
            raise Rejection(
                429,
                "too_many_messages",
                "You're writing faster than I can read. Please wait a few seconds, then send it again.",
            )
        recent.append(now)

    def give_back(self, client_id: str) -> None:
        """Uncount the newest message: it was not stored (the database was away), and will come again."""
        recent = self._recent.get(client_id)
        if recent:
            recent.pop()
