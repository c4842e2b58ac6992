"""Safeguarding: an urgent safety flag, and marking it handled with what was done, after a confirmation.

The flag and its handling (who, when, the outcome) stay on the client's record: a safeguarding
record is kept, not cleared. Marking handled asks what was done (required: "handled" alone says
nothing to a colleague reading the record later), then asks to confirm, because it cannot be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.orm import Session

from bot.guidance.safety_labels import flag_description
from bot.portal.auth import Viewer, require_viewer
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database, int_param
from bot.storage.access import client_label, visible_flag
from bot.storage.people import FORMER_COLLEAGUE, display_names
from bot.storage.safety import MAX_OUTCOME_CHARS, mark_handled

routes = web.RouteTableDef()


@dataclass(frozen=True)
class FlagPage:
    id: int
    client_id: str
    label: str
    raised_at: datetime
    about: str
    handled_at: datetime | None
    handled_by: str | None
    outcome: str | None


def flag_page(db: Session, viewer: Viewer, flag_id: int) -> FlagPage | None:
    flag = visible_flag(db, viewer, flag_id)
    if flag is None:
        return None
    handled_by = display_names(db).get(flag.handled_by, FORMER_COLLEAGUE) if flag.handled_at else None
    return FlagPage(
        flag.id, flag.client_id, client_label(db, viewer, flag.client_id), flag.raised_at,
        flag_description(flag.category, flag.reason), flag.handled_at, handled_by, flag.outcome,
    )  # fmt: skip


def outcome_problem(outcome: str) -> str | None:
    if not outcome:
        return "Please say what was done (for example: called the client, they are safe and have support tonight)."
    if len(outcome) > MAX_OUTCOME_CHARS:
        return f"Please keep it under {MAX_OUTCOME_CHARS} characters."
    return None


async def show_flag(request: web.Request, viewer: Viewer, flag: FlagPage, outcome: str = "", problem: str | None = None):
    context = {"flag": flag, "outcome": outcome, "problem": problem, "max_outcome_chars": MAX_OUTCOME_CHARS}
    return await render_page(request, "flag.html", context, viewer, status=422 if problem else 200)


@routes.get("/portal/flags/{flag_id}", name="portal_flag")
async def flag_view(request: web.Request) -> web.Response:
    """The flag: what the risk was about, when, and its handling or the form to record it."""
    viewer = await require_viewer(request)
    flag_id = int_param(request, "flag_id")
    flag = found(await in_database(request, lambda db: flag_page(db, viewer, flag_id)))
    return await show_flag(request, viewer, flag)


@routes.post("/portal/flags/{flag_id}/handled", name="portal_flag_handled")
async def flag_handled(request: web.Request) -> web.StreamResponse:
    """Record what was done: first asks to confirm, then records who, when and the outcome."""
    viewer = await require_viewer(request)
    flag_id = int_param(request, "flag_id")
    form = await request.post()
    outcome = str(form.get("outcome", "")).strip()
    flag = found(await in_database(request, lambda db: flag_page(db, viewer, flag_id)))
    if flag.handled_at is not None:
        raise see_other(f"/portal/flags/{flag_id}")  # handled meanwhile (by a colleague): the page shows by whom
    problem = outcome_problem(outcome)
    if problem or form.get("confirmed") == "change":
        return await show_flag(request, viewer, flag, outcome, problem)
    if form.get("confirmed") != "yes":
        context = {
            "title": f"Mark {flag.label}'s flag as handled?",
            "text": (
                "It leaves the urgent list. The flag, what you did, your name and the time stay on the client's "
                "record, and the client sees them if they ask for their data. This cannot be undone."
            ),
            "quote_heading": "What was done",
            "quote": outcome,
            "action": f"/portal/flags/{flag_id}/handled",
            "fields": {"outcome": outcome},
            "confirm": "Yes, mark it handled",
            "change": "Change what I wrote",
            "cancel": f"/portal/flags/{flag_id}",
        }
        return await render_page(request, "confirm.html", context, viewer)

    def handle(db: Session) -> None:
        flag_row = visible_flag(db, viewer, flag_id)
        if flag_row is not None:
            mark_handled(db, flag_row, viewer.id, outcome)

    await in_database(request, handle)
    raise see_other(f"/portal/clients/{flag.client_id}?done=flag#flag-{flag_id}")
