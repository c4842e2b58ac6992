"""The practitioner's pages about clients: dashboard, the client's record, handoffs and feedback."""

from __future__ import annotations

from aiohttp import web

from bot.gateway import keys
from bot.portal import app_keys
from bot.portal.auth import require_viewer
from bot.portal.client_view import client_view
from bot.portal.dashboard import PAGE_SIZE, BadQuery, DashboardQuery, dashboard, updates
from bot.portal.feedback_view import feedback_overview
from bot.portal.handoff_view import MAX_NOTE_CHARS, add_handoff_note, handoff_view, mark_reviewed
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database, int_param

routes = web.RouteTableDef()


def dashboard_query(request: web.Request) -> DashboardQuery:
    """The search, filters and page asked for; an address the portal did not make is a 400."""
    try:
        return DashboardQuery.parse(request.query)
    except BadQuery:
        raise web.HTTPBadRequest() from None


def load_dashboard(request: web.Request, viewer, query: DashboardQuery, page_size: int | None = PAGE_SIZE):
    """The dashboard's work for the database thread, with the settings and the service's today."""
    settings, today = request.app[keys.SETTINGS], request.app[app_keys.CLOCK].today()
    return lambda db: dashboard(db, viewer, query, today, settings.retention_days, settings.inactive_after_days, page_size)


@routes.get("/portal/", name="portal_dashboard")
async def dashboard_page(request: web.Request) -> web.Response:
    """Who needs me now: one row per client with what is waiting, the most urgent first."""
    viewer = await require_viewer(request)
    build = load_dashboard(request, viewer, dashboard_query(request))

    def load(db):
        return build(db), updates(db, viewer)

    view, signature = await in_database(request, load)
    return await render_page(request, "dashboard.html", {"view": view, "signature": signature}, viewer)


@routes.get("/portal/api/updates", name="portal_updates")
async def updates_feed(request: web.Request) -> web.Response:
    """Pending handoff and urgent flag ids, polled by the dashboard so news shows at once."""
    viewer = await require_viewer(request, api=True)
    return web.json_response(await in_database(request, lambda db: updates(db, viewer)))


async def record_of(request: web.Request, viewer, client_id: str):
    """The client's record for `viewer`; 404 when it is not theirs to see."""
    settings, today = request.app[keys.SETTINGS], request.app[app_keys.CLOCK].today()
    return found(await in_database(request, lambda db: client_view(db, viewer, client_id, today, settings.inactive_after_days)))


@routes.get("/portal/clients/{client_id}", name="portal_client")
async def client_page(request: web.Request) -> web.Response:
    """The client's record: what is waiting, the timeline, the latest approved summary, plan, readiness, notes."""
    viewer = await require_viewer(request)
    view = await record_of(request, viewer, request.match_info["client_id"])
    context = {"view": view, "max_note_chars": MAX_NOTE_CHARS, "done": request.query.get("done", "")}
    return await render_page(request, "client.html", context, viewer)


@routes.get("/portal/handoffs/{handoff_id}", name="portal_handoff")
async def handoff_page(request: web.Request) -> web.Response:
    """The approved summary, the client's message, the transcript if shared, and the notes on the client."""
    viewer = await require_viewer(request)
    handoff_id = int_param(request, "handoff_id")
    view = found(await in_database(request, lambda db: handoff_view(db, viewer, handoff_id)))
    return await render_page(request, "handoff.html", {"view": view, "max_note_chars": MAX_NOTE_CHARS}, viewer)


@routes.get("/portal/handoffs/{handoff_id}/print", name="portal_handoff_print")
async def handoff_print(request: web.Request) -> web.Response:
    """The summary as a print-ready page: no navigation, no notes."""
    viewer = await require_viewer(request)
    handoff_id = int_param(request, "handoff_id")
    view = found(await in_database(request, lambda db: handoff_view(db, viewer, handoff_id, printable=True)))
    return await render_page(request, "handoff_print.html", {"view": view}, viewer)


@routes.post("/portal/handoffs/{handoff_id}/notes", name="portal_handoff_note")
async def handoff_note(request: web.Request) -> web.StreamResponse:
    """Add a note on the client while reading this handoff (the client sees notes when they ask for their data)."""
    viewer = await require_viewer(request)
    handoff_id = int_param(request, "handoff_id")
    text = str((await request.post()).get("text", "")).strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        view = found(await in_database(request, lambda db: handoff_view(db, viewer, handoff_id)))
        error = "Please write a note first." if not text else f"Please keep a note under {MAX_NOTE_CHARS} characters."
        context = {"view": view, "max_note_chars": MAX_NOTE_CHARS, "note_error": error, "note_text": text}
        return await render_page(request, "handoff.html", context, viewer, status=422)
    found(await in_database(request, lambda db: add_handoff_note(db, viewer, handoff_id, text)))
    raise see_other(f"/portal/handoffs/{handoff_id}#notes")


@routes.post("/portal/handoffs/{handoff_id}/reviewed", name="portal_handoff_reviewed")
async def handoff_reviewed(request: web.Request) -> web.StreamResponse:
    """Mark a handoff as reviewed, so it leaves the dashboard's waiting list."""
    viewer = await require_viewer(request)
    handoff_id = int_param(request, "handoff_id")
    found(await in_database(request, lambda db: mark_reviewed(db, viewer, handoff_id)))
    raise see_other(f"/portal/handoffs/{handoff_id}")


@routes.get("/portal/feedback", name="portal_feedback")
async def feedback_page(request: web.Request) -> web.Response:
    """Ratings and readiness change across the viewer's clients, pooled once at least three gave feedback."""
    viewer = await require_viewer(request)
    view = await in_database(request, lambda db: feedback_overview(db, viewer))
    return await render_page(request, "feedback.html", {"view": view}, viewer)
