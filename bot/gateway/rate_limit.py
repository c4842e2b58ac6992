"""Limits on how often something may happen per key (a client, an address) within a time window.

Keys with nothing recent are forgotten as the limit is used, so the tables hold only who was
active within the last window, not everyone ever seen.
"""

from __future__ import annotations

import time
from collections import deque

from bot.gateway.inbound import Rejection

WINDOW_SECONDS = 60.0


class SlidingWindowLimit:
    """At most `limit` events per key within `window_seconds`."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self._limit = limit
        self._window = window_seconds
        self._recent: dict[str, deque[float]] = {}
        self._pruned_at = time.monotonic()

    def __len__(self) -> int:
        """How many keys are held (for the tests that check the table does not grow)."""
        return len(self._recent)

    def take(self, key: str) -> float:
        """Count one event of `key`: 0 when it is allowed, else the seconds until one will be (not counted)."""
        now = time.monotonic()
        self._prune(now)
        recent = self._recent.setdefault(key, deque())
        while recent and now - recent[0] >= self._window:
            recent.popleft()
        if len(recent) >= self._limit:
            return max(self._window - (now - recent[0]), 1.0)
        recent.append(now)
        return 0.0

    def give_back(self, key: str) -> None:
        """Uncount the newest event of `key`: it did not happen after all."""
        recent = self._recent.get(key)
        if recent:
            recent.pop()
            if not recent:
                del self._recent[key]

    def _prune(self, now: float) -> None:
        """Once per window, forget every key whose newest event is older than the window."""
        if now - self._pruned_at < self._window:
            return
        self._pruned_at = now
        for key in [key for key, recent in self._recent.items() if not recent or now - recent[-1] >= self._window]:
            del self._recent[key]


class MessageRateLimit:
    """How fast one client can send messages, whatever the channel."""

    def __init__(self, per_minute: int) -> None:
        self._limit = SlidingWindowLimit(per_minute, WINDOW_SECONDS)

    def __len__(self) -> int:
        return len(self._limit)

    def check(self, client_id: str) -> None:
        """Count one message of `client_id`; Rejection 429 when they are over the limit."""
        if self._limit.take(client_id):
            raise Rejection(
                429,
                "too_many_messages",
                "You're writing faster than I can read. Please wait a few seconds, then send it again.",
            )

    def give_back(self, client_id: str) -> None:
        """Uncount the newest message: it was not stored (the database was away), and will come again."""
        self._limit.give_back(client_id)
