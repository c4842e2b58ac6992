"""A limit on failed logins per e-mail address and per client address, kept in memory.

In memory is enough for the one gateway process Waypoint runs; a restart forgets the
failures, which only gives an attacker a few more guesses per restart. Behind a proxy every
client shares the proxy's address, so the per-address limit is set higher than the per-e-mail one.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Callable

WINDOW_SECONDS = 15 * 60
FAILURES_PER_EMAIL = 5
FAILURES_PER_ADDRESS = 20


class FailedLoginLimit:
    def __init__(
        self,
        per_email: int = FAILURES_PER_EMAIL,
        per_address: int = FAILURES_PER_ADDRESS,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = {"email": per_email, "address": per_address}
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, kind: str, value: str) -> deque[float]:
        failures = self._failures[(kind, value)]
        cutoff = self._clock() - self._window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            del self._failures[(kind, value)]  # keeps the table from growing with every address ever seen
            return deque()
        return failures

    def blocked(self, email: str, address: str) -> bool:
        return len(self._recent("email", email)) >= self._limits["email"] or len(
            self._recent("address", address)
        ) >= self._limits["address"]

    def attempt(self, email: str, address: str) -> bool:
        """Count a login attempt before its password is checked; False (and nothing counted) when blocked.

        Counted first, not after the slow password check, so guesses sent in parallel cannot all pass
        the check before any of them is counted. It does not await, so on the event loop it is atomic.
        """
        if self.blocked(email, address):
            return False
        self.record_failure(email, address)
        return True

    def record_failure(self, email: str, address: str) -> None:
        now = self._clock()
        self._failures[("email", email)].append(now)
        self._failures[("address", address)].append(now)

    def record_success(self, email: str, address: str) -> None:
        """The attempt counted for a login that succeeded is taken back.

        The e-mail's failures are forgotten; the address keeps its other failures, since logging
        into one's own account must not reset guessing at others.
        """
        self._failures.pop(("email", email), None)
        failures = self._failures.get(("address", address))
        if failures:
            failures.pop()
            if not failures:
                del self._failures[("address", address)]
