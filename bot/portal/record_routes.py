"""Changing who a client is to the portal: their label, and (administrators) their practitioner.

A practitioner names a client for themselves; an administrator names them for their practitioner,
or for the service while they have none (a client who came without an invite). Moving a client
asks for a confirmation that shows what the client will be told, then records the change and
tells the client at once if their chat is open (or on Telegram), otherwise on their next turn.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from bot.gateway import keys
from bot.guidance.notices import practitioner_notice
from bot.portal.auth import require_admin, require_viewer
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database
from bot.storage.access import client_label, visible_client
from bot.storage.assignment import assign_client
from bot.storage.labels import MAX_LABEL_CHARS, set_label
from bot.storage.models import Practitioner
from bot.storage.people import display_names

routes = web.RouteTableDef()
NOBODY = "none"


@routes.post("/portal/clients/{client_id}/label", name="portal_client_label")
async def client_label_change(request: web.Request) -> web.StreamResponse:
    """Set the label the viewer knows the client by (empty: back to the invite's label or a short id)."""
    viewer = await require_viewer(request)
    client_id = request.match_info["client_id"]
    label = str((await request.post()).get("label", ""))[: MAX_LABEL_CHARS * 2]

    def change(db: Session) -> bool:
        client = visible_client(db, viewer, client_id)
        if client is None:
            return False
        owner = client.practitioner_id if viewer.is_admin else viewer.id
        set_label(db, client_id, owner, label)
        return True

    found(await in_database(request, change))
    raise see_other(f"/portal/clients/{client_id}?done=label")


def practitioner_choice(value: object) -> int | None | bool:
    """The form's practitioner: an id, None for nobody, False when it is neither."""
    value = str(value or "")
    if value == NOBODY:
        return None
    return int(value) if value.isdigit() and len(value) <= 10 else False


@routes.post("/portal/clients/{client_id}/practitioner", name="portal_client_practitioner")
async def client_practitioner(request: web.Request) -> web.StreamResponse:
    """Give the client another practitioner (administrators): confirm first, then tell the client."""
    viewer = await require_admin(request)
    client_id = request.match_info["client_id"]
    form = await request.post()
    chosen = practitioner_choice(form.get("practitioner"))
    label = str(form.get("label", ""))[: MAX_LABEL_CHARS * 2]

    def check(db: Session):
        client = visible_client(db, viewer, client_id)
        if client is None:
            return None
        new = db.get(Practitioner, chosen) if chosen else None
        if chosen is False or (chosen is not None and (new is None or not new.active)):
            raise web.HTTPBadRequest()
        names = display_names(db)
        return client_label(db, viewer, client_id), names.get(client.practitioner_id), new.display_name if new else None

    label_now, current, new_name = found(await in_database(request, check))
    if form.get("confirmed") != "yes":
        context = {
            "title": f"Give {label_now} {'to ' + new_name if new_name else 'no practitioner'}?",
            "text": (
                f"{label_now}'s practitioner is {current or 'nobody'} now. The handoffs they sent stay with whoever they "
                "were sent to; notes and the label go with the client. The client is told at once if their chat is "
                "open or they use Telegram, otherwise the next time they write:"
            ),
            "quote_heading": "What the client is told",
            "quote": practitioner_notice(new_name),
            "action": f"/portal/clients/{client_id}/practitioner",
            "fields": {"practitioner": str(chosen) if chosen else NOBODY, "label": label},
            "confirm": f"Yes, {'give them to ' + new_name if new_name else 'leave them without a practitioner'}",
            "cancel": f"/portal/clients/{client_id}",
        }
        return await render_page(request, "confirm.html", context, viewer)
    changed = await in_database(request, lambda db: assign_client(db, client_id, chosen, viewer.id, label.strip() or None))
    if changed is not None:
        await request.app[keys.RELAY].tell_now(client_id)
    raise see_other(f"/portal/clients/{client_id}?done=practitioner")
