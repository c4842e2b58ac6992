"""What the portal's handlers share: database work off the event loop, and 404 for what is not theirs."""

from __future__ import annotations

import asyncio
import re
from typing import Callable, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.gateway import keys
from bot.storage.engine import transaction

Result = TypeVar("Result")
# Ids are integer columns: at most 2**31 - 1 on PostgreSQL, and SQLite cannot even compare a value
# beyond 64 bits. int() would also read "+5", " 5", "1_000" and other scripts' digits.
ID_DIGITS = re.compile(r"[0-9]{1,10}")
LARGEST_ID = 2**31 - 1


async def in_database(request: web.Request, work: Callable[[Session], Result]) -> Result:
    """Run `work` in one transaction on a worker thread, so the event loop never waits for the database."""

    def run() -> Result:
        with transaction(request.app[keys.SESSIONS]) as db:
            return work(db)

    return await asyncio.to_thread(run)


def int_param(request: web.Request, name: str) -> int:
    """A numeric id from the path; anything else is a page that does not exist."""
    value = request.match_info[name]
    if not ID_DIGITS.fullmatch(value) or not 1 <= int(value) <= LARGEST_ID:
        raise web.HTTPNotFound()
    return int(value)


def found(value: Result | None | bool) -> Result:
    """Another practitioner's client or handoff looks exactly like one that does not exist."""
    if value is None or value is False:
        raise web.HTTPNotFound()
    return value
