"""Notes on a client: written on the record (or beside a handoff), edited and deleted by their author only."""

from __future__ import annotations

import re

from aiohttp import web

from bot.portal.auth import Viewer, require_viewer
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database, int_param
from bot.storage.access import client_label, visible_client
from bot.storage.notes import MAX_NOTE_CHARS, add_note, authored_note, delete_note, edit_note

routes = web.RouteTableDef()
# Where a note's page returns to: the record or a handoff the note is shown beside; nothing else.
RETURN_PATH = re.compile(r"/portal/(clients/[0-9a-f]{1,32}|handoffs/[0-9]{1,10})")


def note_problem(text: str) -> str | None:
    if not text:
        return "Please write a note first."
    if len(text) > MAX_NOTE_CHARS:
        return f"Please keep a note under {MAX_NOTE_CHARS} characters."
    return None


def return_path(value: object, client_id: str) -> str:
    value = str(value or "")
    return value if RETURN_PATH.fullmatch(value) else f"/portal/clients/{client_id}"


@routes.post("/portal/clients/{client_id}/notes", name="portal_client_note")
async def client_note(request: web.Request) -> web.StreamResponse:
    """Add a note on the client, from their record."""
    viewer = await require_viewer(request)
    client_id = request.match_info["client_id"]
    text = str((await request.post()).get("text", "")).strip()

    def add(db) -> bool:
        if visible_client(db, viewer, client_id) is None:
            return False
        if note_problem(text) is None:
            add_note(db, client_id, viewer.id, text)
        return True

    found(await in_database(request, add))
    problem = note_problem(text)
    if problem:
        return await note_page(request, viewer, None, client_id, text, problem, f"/portal/clients/{client_id}")
    raise see_other(f"/portal/clients/{client_id}#notes")


async def note_page(
    request: web.Request, viewer: Viewer, note_id: int | None, client_id: str, text: str, problem: str | None, back: str
) -> web.Response:
    """The form for a new note (after a problem) or an edit, with the problem named."""
    label = await in_database(request, lambda db: client_label(db, viewer, client_id))
    context = {
        "note_id": note_id, "client_id": client_id, "label": label, "text": text, "problem": problem,
        "back": back, "max_note_chars": MAX_NOTE_CHARS,
    }  # fmt: skip
    return await render_page(request, "note_edit.html", context, viewer, status=422 if problem else 200)


@routes.get("/portal/notes/{note_id}/edit", name="portal_note_edit")
async def note_edit_page(request: web.Request) -> web.Response:
    """The author's note in a form, to change or delete it."""
    viewer = await require_viewer(request)
    note_id = int_param(request, "note_id")
    note = found(await in_database(request, lambda db: authored_note(db, viewer.id, note_id)))
    back = return_path(request.query.get("back"), note.client_id)
    return await note_page(request, viewer, note.id, note.client_id, note.text, None, back)


@routes.post("/portal/notes/{note_id}", name="portal_note_save")
async def note_save(request: web.Request) -> web.StreamResponse:
    """Save the author's changed note (dated as edited)."""
    viewer = await require_viewer(request)
    note_id = int_param(request, "note_id")
    form = await request.post()
    text = str(form.get("text", "")).strip()
    note = found(await in_database(request, lambda db: authored_note(db, viewer.id, note_id)))
    back = return_path(form.get("back"), note.client_id)
    problem = note_problem(text)
    if problem:
        return await note_page(request, viewer, note_id, note.client_id, text, problem, back)
    await in_database(request, lambda db: edit_note(db, viewer.id, note_id, text))
    raise see_other(f"{back}#note-{note_id}")


@routes.post("/portal/notes/{note_id}/delete", name="portal_note_delete")
async def note_delete(request: web.Request) -> web.StreamResponse:
    """Delete the author's note, once they confirmed it."""
    viewer = await require_viewer(request)
    note_id = int_param(request, "note_id")
    form = await request.post()
    note = found(await in_database(request, lambda db: authored_note(db, viewer.id, note_id)))
    back = return_path(form.get("back"), note.client_id)
    if form.get("confirmed") != "yes":
        context = {
            "title": "Delete this note?",
            "text": "The note goes for good: it is no longer on the client's record, beside their handoffs or in their data export.",
            "quote": note.text,
            "action": f"/portal/notes/{note_id}/delete",
            "fields": {"back": back},
            "confirm": "Yes, delete the note",
            "cancel": back + "#notes",
        }
        return await render_page(request, "confirm.html", context, viewer)
    await in_database(request, lambda db: delete_note(db, viewer.id, note_id))
    raise see_other(f"{back}#notes")
