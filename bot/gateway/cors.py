"""Cross-origin access to the chat API, only for the origins the operator lists.

A page on another site (a guidance service embedding the chat) may call /api/ only when its
origin is in ALLOWED_ORIGINS; any other origin gets no CORS headers, so browsers refuse it.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type"
PREFLIGHT_MAX_AGE = "600"


def cors_middleware(allowed_origins: frozenset[str]):
    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        allowed = origin in allowed_origins and request.path.startswith("/api/")
        if request.method == "OPTIONS" and request.path.startswith("/api/"):
            response: web.StreamResponse = web.Response(status=204 if allowed else 403)
        else:
            response = await handler(request)
        if allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        response.headers.add("Vary", "Origin")
        return response

    return cors
