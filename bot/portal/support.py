"""What the portal's handlers share: database work off the event loop, and 404 for what is not theirs."""

from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.gateway import keys
from bot.storage.engine import transaction

Result = TypeVar("Result")


async def in_database(request: web.Request, work: Callable[[Session], Result]) -> Result:
    """Run `work` in one transaction on a worker thread, so the event loop never waits for the database."""

    def run() -> Result:
        with transaction(request.app[keys.SESSIONS]) as db:
            return work(db)

    return await asyncio.to_thread(run)


def int_param(request: web.Request, name: str) -> int:
    """A numeric id from the path; anything else is a page that does not exist."""
    try:
        return int(request.match_info[name])
    except ValueError:
        raise web.HTTPNotFound()


def found(value: Result | None | bool) -> Result:
    """Another practitioner's client or handoff looks exactly like one that does not exist."""
    if value is None or value is False:
        raise web.HTTPNotFound()
    return value
