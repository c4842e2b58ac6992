"""CSRF protection: every form posted to the portal must carry its session's token."""

from __future__ import annotations

import hmac
from typing import Awaitable, Callable

from aiohttp import web
from aiohttp_session import get_session

from bot.portal.auth import CSRF_KEY, PORTAL

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse any unsafe request under /portal whose token is missing or not this session's."""
    if request.method in SAFE_METHODS or not request.path.startswith(PORTAL + "/"):
        return await handler(request)
    expected = (await get_session(request)).get(CSRF_KEY)
    sent = request.headers.get(HEADER)
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.post()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise web.HTTPForbidden(reason="csrf")
    return await handler(request)
