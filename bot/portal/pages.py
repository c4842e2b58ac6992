"""Rendering portal pages: every template gets the viewer, the CSRF token and the navigation."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.portal.auth import Viewer, csrf_token


def nav_for(viewer: Viewer | None) -> list[tuple[str, str]]:
    if viewer is None:
        return []
    links = [("/portal/", "Dashboard"), ("/portal/invites", "Invites"), ("/portal/feedback", "Feedback")]
    if viewer.is_admin:
        links.append(("/portal/accounts", "Accounts"))
    return links


async def render_page(
    request: web.Request, template: str, context: dict[str, Any], viewer: Viewer | None, status: int = 200
) -> web.Response:
    full = {
        **context,
        "viewer": viewer,
        "nav": nav_for(viewer),
        "current_path": request.path,
        "csrf_token": await csrf_token(request),
    }
    return aiohttp_jinja2.render_template(f"portal/{template}", request, full, status=status)


def see_other(location: str) -> web.HTTPSeeOther:
    """After a form is posted, the browser fetches the page again, so a reload does not post twice."""
    return web.HTTPSeeOther(location)
