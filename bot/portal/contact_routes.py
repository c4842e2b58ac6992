"""The practitioner's contact with a client: a short message into their chat, and the next session's date.

Reached from the client's page. Only the client's own practitioner writes and sets the date (an
administrator sees the page); see bot/guidance/contact.py for the rules and bot/gateway/outreach.py
for the delivery.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from bot.gateway import keys
from bot.gateway.outreach import GONE, CannotWrite, send_practitioner_message
from bot.guidance.contact import message_problem, session_date_problem
from bot.portal.auth import Viewer, require_viewer
from bot.portal import app_keys
from bot.portal.contact_view import ContactView, contact_view, problem_words
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database
from bot.storage.contact import contact_problem, set_next_session
from bot.storage.models import Client

routes = web.RouteTableDef()

# What the page confirms after a form was posted (?done=...).
DONE = {
    "sent": "Sent. It is in their conversation now.",
    "session-set": "The date of the next session is saved. Waypoint mentions it when they come back to the chat.",
    "session-removed": "The date of the next session is removed.",
}


def _path(client_id: str) -> str:
    return f"/portal/clients/{client_id}/contact"


async def _view(request: web.Request, viewer: Viewer, client_id: str) -> ContactView:
    channels, today = request.app[keys.RELAY].channels_with_sender(), request.app[app_keys.CLOCK].today()
    return found(await in_database(request, lambda db: contact_view(db, viewer, client_id, channels, today)))


async def _page(request: web.Request, viewer: Viewer, view: ContactView, status: int = 200, **context: Any) -> web.Response:
    done = DONE.get(request.query.get("done", "")) if status == 200 else None
    return await render_page(request, "contact.html", {"view": view, "done": done, **context}, viewer, status=status)


@routes.get("/portal/clients/{client_id}/contact", name="portal_client_contact")
async def contact_page(request: web.Request) -> web.Response:
    """Write to the client, set their next session, and see what was sent and when."""
    viewer = await require_viewer(request)
    return await _page(request, viewer, await _view(request, viewer, request.match_info["client_id"]))


@routes.post("/portal/clients/{client_id}/messages", name="portal_client_message")
async def write_message(request: web.Request) -> web.StreamResponse:
    """Send a short message into the client's chat, labelled as the practitioner's."""
    viewer = await require_viewer(request)
    client_id = request.match_info["client_id"]
    view = await _view(request, viewer, client_id)
    text = str((await request.post()).get("text", "")).strip()
    if view.problem is not None:
        return await _page(request, viewer, view, status=403, message_text=text)
    problem = message_problem(text)
    if problem is not None:
        return await _page(request, viewer, view, status=422, message_error=problem, message_text=text)
    try:
        await send_practitioner_message(request.app[keys.RELAY], request.app[keys.SESSIONS], client_id, viewer.id, text)
    except CannotWrite as refused:  # changed since the page was read (data deleted, client moved)
        if refused.reason == GONE:
            raise web.HTTPNotFound()
        view = await _view(request, viewer, client_id)
        words = problem_words(refused.reason, view.label, None) or "This message cannot be sent now."
        return await _page(request, viewer, view, status=403, message_error=words, message_text=text)
    raise see_other(f"{_path(client_id)}?done=sent#messages")


@routes.post("/portal/clients/{client_id}/next-session", name="portal_client_next_session")
async def next_session_form(request: web.Request) -> web.StreamResponse:
    """Set, change or remove the date of the client's next session."""
    viewer = await require_viewer(request)
    client_id = request.match_info["client_id"]
    view = await _view(request, viewer, client_id)
    form = await request.post()
    if view.problem is not None:
        return await _page(request, viewer, view, status=403)
    removing = "remove" in form
    day: date | None = None
    if not removing:
        raw = str(form.get("session_on", "")).strip()
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError:
            return await _page(request, viewer, view, status=422, session_error="Please choose a date: day, month and year.", session_text=raw)
        problem = session_date_problem(day, view.today)
        if problem is not None:
            return await _page(request, viewer, view, status=422, session_error=problem, session_text=raw)

    def save(db) -> bool:
        client = db.get(Client, client_id)
        if client is None or contact_problem(db, client, viewer.id) is not None:
            return False
        set_next_session(db, client_id, viewer.id, day)
        return True

    if not await in_database(request, save):
        return await _page(request, viewer, await _view(request, viewer, client_id), status=403)
    raise see_other(f"{_path(client_id)}?done={'session-removed' if removing else 'session-set'}#next-session")
