"""Calls to the Bot API that respect Telegram's rate limits and survive a flaky network.

python-telegram-bot's own AIORateLimiter needs an extra that is not installed; what the
gateway needs is small: wait as long as Telegram asks after a 429, back off on network errors,
and give up after a few attempts. A reply that still fails stays `unsent` in the message log,
and the relay's outbox sends it again later (bot/gateway/relay.py).

Every wait watches a `stopping` event: when the gateway shuts down, a send that is waiting out a
429 gives up at once (raising SendingStopped) instead of holding the shutdown for minutes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from dataclasses import dataclass
from typing import Awaitable, Callable, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Read at call time, so that tests can shorten them.
MAX_ATTEMPTS = 5
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
MAX_RETRY_AFTER_SECONDS = 300.0  # a longer wait is Telegram telling us to stop for now


class SendingStopped(TelegramError):
    """The gateway is shutting down: a retry wait was cut short (the message stays unsent)."""

    def __init__(self) -> None:
        super().__init__("the Telegram channel is stopping")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. None fields mean the module's defaults (read when used)."""

    attempts: int | None = None
    first_backoff: float | None = None
    max_retry_after: float | None = None


# For the gateway's own kind words (stickers, groups, link answers): sent while an update is being
# handled, so a long wait there would hold up every other chat. One short retry at most.
QUICK = RetryPolicy(attempts=2, first_backoff=0.5, max_retry_after=2.0)


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for; an int or a timedelta depending on PTB's migration setting."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB warns that the int form is going away
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def _wait(seconds: float, stopping: asyncio.Event | None) -> None:
    """Sleep `seconds`, or raise SendingStopped as soon as `stopping` is set."""
    if stopping is None:
        await asyncio.sleep(seconds)
        return
    if stopping.is_set():
        raise SendingStopped()
    try:
        await asyncio.wait_for(stopping.wait(), seconds)
    except asyncio.TimeoutError:
        return
    raise SendingStopped()


async def with_retries(
    call: Callable[[], Awaitable[T]],
    what: str,
    attempts: int | None = None,
    first_backoff: float | None = None,
    max_retry_after: float | None = None,
    stopping: asyncio.Event | None = None,
) -> T:
    """Run `call`, again after a 429 (as long as asked) or a network error (backing off); else raise.

    A timed-out send may have reached Telegram anyway; sending it again risks a duplicate,
    which is better than a lost reply.
    """
    attempts = MAX_ATTEMPTS if attempts is None else attempts
    backoff = FIRST_BACKOFF_SECONDS if first_backoff is None else first_backoff
    longest_wait = MAX_RETRY_AFTER_SECONDS if max_retry_after is None else max_retry_after
    for attempt in range(1, attempts + 1):
        if stopping is not None and stopping.is_set():
            raise SendingStopped()
        try:
            return await call()
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            if attempt == attempts or wait > longest_wait:
                raise
            logger.info("Telegram asks to wait %.0f s before %s (attempt %d)", wait, what, attempt)
            await _wait(wait, stopping)
        except BadRequest:
            raise  # Telegram read the request and refused it: sending it again cannot help
        except NetworkError as error:
            if attempt == attempts:
                raise
            logger.info("network error on %s (%s); retrying in %.1f s", what, type(error).__name__, backoff)
            await _wait(backoff, stopping)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
    raise AssertionError("unreachable")  # the loop returns or raises
