"""Growing delays after failed logins, per e-mail address and per client address, kept in memory.

Never a hard block: a hard block would let anyone keep a practitioner away from an urgent flag by
failing on purpose. After a few free failures each further check of a password waits: 1 s, then
2, 4, 8... up to LONGEST_DELAY_SECONDS after the one before, whether it came from the attacker or
the practitioner. The login request is held for that wait and then checked, so the right password
gets in once the delay is over. Checks are spaced per key, so guesses sent in parallel wait their
turn one after the other; only when the line of waiting attempts reaches LONGEST_WAIT_SECONDS is
an attempt answered at once with when to try again.

In memory is enough for the one gateway process Waypoint runs; a restart forgets the failures,
which gives an attacker a few more free guesses per restart. Behind a proxy every client shares
the proxy's address unless TRUSTED_PROXIES is set (bot/gateway/addresses.py).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

# Read at call time, so that tests can shorten them.
FREE_FAILURES = {"email": 5, "address": 20}
FIRST_DELAY_SECONDS = 1.0
LONGEST_DELAY_SECONDS = 30.0
LONGEST_WAIT_SECONDS = 60.0
FORGET_AFTER_SECONDS = 15 * 60
TIDY_INTERVAL_SECONDS = 60.0


@dataclass
class _Failures:
    times: deque[float] = field(default_factory=deque)
    next_check: float = 0.0  # no password of this key is checked before then


def delay_after(failures: int, free: int) -> float:
    """How long the next check waits after the previous one, once `failures` recent failures are counted."""
    if failures < free:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - free), LONGEST_DELAY_SECONDS)


class LoginDelays:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._keys: dict[tuple[str, str], _Failures] = {}
        self._tidied_at = clock()

    def __len__(self) -> int:
        return len(self._keys)

    def _recent(self, key: tuple[str, str], now: float) -> _Failures:
        failures = self._keys.setdefault(key, _Failures())
        while failures.times and failures.times[0] <= now - FORGET_AFTER_SECONDS:
            failures.times.popleft()
        return failures

    def reserve(self, email: str, address: str) -> tuple[bool, float]:
        """Book a check of this attempt's password: (True, seconds to wait first) or (False, seconds to try again in).

        The attempt is counted as a failure now, before its slow password check, so that parallel
        guesses cannot all pass before any is counted; `succeeded` takes it back.
        """
        now = self._clock()
        self._forget_idle(now)
        keys = [("email", email), ("address", address)]
        states = [self._recent(key, now) for key in keys]
        start = max([now, *(state.next_check for state in states)])
        if start - now > LONGEST_WAIT_SECONDS:
            return False, start - now - LONGEST_WAIT_SECONDS
        for (kind, _), state in zip(keys, states):
            state.times.append(start)
            state.next_check = start + delay_after(len(state.times), FREE_FAILURES[kind])
        return True, start - now

    def succeeded(self, email: str, address: str) -> None:
        """The right password: the e-mail's failures are forgotten; the address keeps its others,
        since logging into one's own account must not reset guessing at others."""
        self._keys.pop(("email", email), None)
        state = self._keys.get(("address", address))
        if state is not None and state.times:
            state.times.pop()

    def _forget_idle(self, now: float) -> None:
        """Once a minute, keys with no recent failure and no booked check go: the table holds recent trouble only."""
        if now - self._tidied_at < TIDY_INTERVAL_SECONDS:
            return
        self._tidied_at = now
        idle = [
            key
            for key, state in self._keys.items()
            if state.next_check <= now and (not state.times or state.times[-1] <= now - FORGET_AFTER_SECONDS)
        ]
        for key in idle:
            del self._keys[key]
