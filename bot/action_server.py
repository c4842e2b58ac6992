"""The action server: rasa-sdk's app on loopback (see bot/interfaces.py), refusing calls without the shared token.

rasa-sdk 3.6 has no authentication of its own and binds to every interface, so
Waypoint starts it here instead of with `rasa run actions`.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request

from bot.interfaces import refusal
from bot.settings import load_settings

OPEN_PATHS = {"/health"}


# Rasa reuses its connections to the action server for up to 15 s (aiohttp's default); Sanic closes
# an idle one after 5 s. A turn that picked a connection just as Sanic closed it failed with "Cannot
# write to closing transport" and Rasa dropped the action's events (seen in the soak test). The
# server now keeps idle connections longer than the client does (rasa-sdk made the same change,
# 120 s, in versions after the 3.6 line pinned here).
KEEP_ALIVE_SECONDS = 120


def build_app(token: str):
    app = create_app("actions", cors_origins=[])
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_SECONDS

    @app.middleware("request")
    async def require_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        given = request.args.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    problem = refusal("The action server", "ACTION_SERVER_INTERFACE", settings.action_server_interface, settings.allow_public_interfaces)
    if problem:
        sys.exit(problem)
    app = build_app(settings.action_server_token)
    app.run(
        settings.action_server_interface, args.port or settings.action_server_port,
        workers=1, access_log=False, motd=False,
        # Several Rasa processes under load open many connections at once; Sanic's default queue of
        # 100 unaccepted ones would make some of them wait or fail, and Rasa drops a failed action's events.
        backlog=1024,
    )


if __name__ == "__main__":
    main()
