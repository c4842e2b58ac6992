"""Kind HTML error pages under /portal (JSON under /portal/api/), and no caching of portal pages."""

from __future__ import annotations

import logging
import re
from typing import Awaitable, Callable

import aiohttp_jinja2
from aiohttp import web

from bot.portal.auth import PORTAL, Viewer, csrf_token, current_viewer
from bot.portal.pages import nav_for

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

EXPLANATIONS = {
    400: ("That request was not understood", "Please go back and try again."),
    401: ("Please log in", "Your session has ended. Please log in again."),
    403: ("You can't open this page", "This page is only for administrators, or for another practitioner."),
    404: ("Nothing here", "This page does not exist, or it is not one of yours."),
    405: ("Not like that", "This page cannot be used that way. Please use the links and buttons in the portal."),
    413: ("That was too much", "What you sent is too long. Please shorten it and try again."),
    500: ("Something went wrong", "Something went wrong on our side. Nothing you entered is lost; please try again."),
}
HANDOFF_GONE = (
    "This handoff is not here",
    "It may have been deleted at the client's request: clients can delete their data at any time, and then "
    "nothing of it is kept. Otherwise the link is not one of yours.",
)
HANDOFF_PATH = re.compile(r"^/portal/handoffs/[^/]+(/print)?/?$")
CSRF_EXPLANATION = (
    "This form has expired",
    "For your safety, forms only work for a while and only from this site. Please go back, reload the page and try again.",
)


async def logged_in_viewer(request: web.Request) -> Viewer | None:
    """Who is logged in, for the navigation of an error page; None when that cannot be known (the database is away)."""
    try:
        return await current_viewer(request)
    except Exception:
        return None


async def error_page(request: web.Request, status: int, reason: str | None = None) -> web.Response:
    """A kind page with the portal's navigation (when someone is logged in), so there is a way on."""
    if request.path.startswith(PORTAL + "/api/"):
        return web.json_response({"error": status}, status=status)
    if status == 403 and reason == "csrf":
        title, text = CSRF_EXPLANATION
    elif status == 404 and HANDOFF_PATH.match(request.path):
        # Usually a link from a notification e-mail whose client has since deleted their data.
        title, text = HANDOFF_GONE
    else:
        title, text = EXPLANATIONS.get(status, EXPLANATIONS[400])
    viewer = await logged_in_viewer(request)
    context = {"title": title, "text": text, "viewer": viewer, "nav": nav_for(viewer), "status": status, "current_path": request.path}
    if viewer is not None:
        context["csrf_token"] = await csrf_token(request)  # the navigation's "Log out" form needs it
    return aiohttp_jinja2.render_template("portal/error.html", request, context, status=status)


@web.middleware
async def portal_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not (request.path == PORTAL or request.path.startswith(PORTAL + "/")):
        return await handler(request)
    try:
        response = await handler(request)
    except web.HTTPException as http_error:
        if http_error.status < 400:
            raise
        response = await error_page(request, http_error.status, http_error.reason)
    except Exception:
        # Only the path: query strings and forms may hold what a practitioner wrote about a client.
        logger.exception("unexpected error on %s %s", request.method, request.path)
        response = await error_page(request, 500)
    if not request.path.startswith(PORTAL + "/static/"):
        # Portal pages show personal data: no shared or browser cache may keep them.
        response.headers["Cache-Control"] = "no-store"
    return response
