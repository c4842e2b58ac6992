"""Calls to the Bot API that respect Telegram's rate limits and survive a flaky network.

python-telegram-bot's own AIORateLimiter needs an extra that is not installed; what the
gateway needs is small: wait as long as Telegram asks after a 429, back off on network errors,
and give up after a few attempts (the message stays in the log either way).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from typing import Awaitable, Callable, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 5
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
MAX_RETRY_AFTER_SECONDS = 300.0  # a longer wait is Telegram telling us to stop for now


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for; an int or a timedelta depending on PTB's migration setting."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB warns that the int form is going away
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    what: str,
    attempts: int = MAX_ATTEMPTS,
    first_backoff: float = FIRST_BACKOFF_SECONDS,
) -> T:
    """Run `call`, again after a 429 (as long as asked) or a network error (backing off); else raise.

    A timed-out send may have reached Telegram anyway; sending it again risks a duplicate,
    which is better than a lost reply.
    """
    backoff = first_backoff
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            if attempt == attempts or wait > MAX_RETRY_AFTER_SECONDS:
                raise
            logger.info("Telegram asks to wait %.0f s before %s (attempt %d)", wait, what, attempt)
            await asyncio.sleep(wait)
        except BadRequest:
            raise  # Telegram read the request and refused it: sending it again cannot help
        except NetworkError as error:
            if attempt == attempts:
                raise
            logger.info("network error on %s (%s); retrying in %.0f s", what, type(error).__name__, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
    raise AssertionError("unreachable")  # the loop returns or raises
