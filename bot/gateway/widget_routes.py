"""The embeddable web widget: the script a website includes, the chat page it frames, a demo page.

A website adds one <script> tag pointing at /widget/widget.js; the script puts a chat bubble on
the page and, in a panel, an <iframe> of /widget: the gateway's own chat page, so the WebSocket,
the API and the client token in localStorage all stay on the gateway's origin.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

import aiohttp_jinja2
from aiohttp import web

from bot.gateway import keys
from bot.gateway.routes import chat_page_context

STATIC = Path(__file__).resolve().parent / "static"
# Set on a response that the sites in ALLOWED_ORIGINS may show in a frame (see app.security_headers).
FRAMEABLE = "frameable_by_allowed_origins"
# Short, so that a new version of the widget reaches the websites that embed it within minutes.
WIDGET_CACHE = "public, max-age=300"

# An origin as a browser sends it; anything else in ALLOWED_ORIGINS must not reach the CSP header.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")

widget_routes = web.RouteTableDef()


def frame_ancestors(allowed_origins: Iterable[str]) -> str:
    """The CSP frame-ancestors sources of the widget's page: the gateway and the embedding sites."""
    return " ".join(["'self'", *sorted(o for o in allowed_origins if ORIGIN.match(o))])


def _asset(name: str, content_type: str) -> web.FileResponse:
    return web.FileResponse(
        STATIC / name, headers={"Content-Type": content_type, "Cache-Control": WIDGET_CACHE}
    )


@widget_routes.get("/widget", name="widget_page")
async def widget_page(request: web.Request) -> web.Response:
    """The chat, laid out for the widget's panel; the only page another site may frame."""
    response = aiohttp_jinja2.render_template("widget.html", request, chat_page_context(request.app[keys.SETTINGS]))
    response[FRAMEABLE] = True
    return response


@widget_routes.get("/widget/widget.js", name="widget_script")
async def widget_script(request: web.Request) -> web.FileResponse:
    """The one script a website includes; it draws the bubble and the panel."""
    return _asset("widget.js", "text/javascript; charset=utf-8")


@widget_routes.get("/widget/widget.css", name="widget_styles")
async def widget_styles(request: web.Request) -> web.FileResponse:
    """The bubble's and the panel's styles, loaded into the widget's shadow root on the website."""
    return _asset("widget.css", "text/css; charset=utf-8")


@widget_routes.get("/widget/demo", name="widget_demo")
@aiohttp_jinja2.template("widget-demo.html")
async def widget_demo(request: web.Request) -> dict[str, Any]:
    """A fictional guidance service's page with the widget embedded, as a website would do it."""
    return {}
