"""Invites: a practitioner makes a link for a client; using it binds the client to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from aiohttp import web
from aiohttp_session import get_session
from sqlalchemy.orm import Session

from bot.gateway import keys
from bot.portal.auth import Viewer, require_viewer
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database, int_param
from bot.settings import Settings
from bot.storage.access import invites_seen_by, visible_invite
from bot.storage.invites import create_invite, revoke_invite
from bot.storage.models import Invite, utcnow
from bot.storage.people import display_names

routes = web.RouteTableDef()
NEW_INVITE_KEY = "new_invite"  # the code, kept in the (encrypted) session only until the page has shown it


@dataclass(frozen=True)
class InviteRow:
    id: int
    label: str | None
    created_at: datetime
    expires_at: datetime
    status: str  # open | used | revoked | expired
    practitioner: str | None  # shown to administrators


def invite_status(invite: Invite, now: datetime) -> str:
    if invite.used_at is not None:
        return "used"
    if invite.revoked_at is not None:
        return "revoked"
    return "expired" if invite.expires_at < now else "open"


def invite_links(settings: Settings, code: str) -> dict[str, str | None]:
    quoted = quote(code, safe="")
    telegram = f"https://t.me/{settings.telegram_bot_username}?start={quoted}" if settings.telegram_bot_username else None
    return {"web": f"{settings.public_url}/?invite={quoted}", "telegram": telegram}


def invite_rows(db: Session, viewer: Viewer) -> list[InviteRow]:
    now = utcnow()
    names = display_names(db) if viewer.is_admin else {}
    return [
        InviteRow(i.id, i.label, i.created_at, i.expires_at, invite_status(i, now), names.get(i.practitioner_id) if viewer.is_admin else None)
        for i in invites_seen_by(db, viewer)
    ]


@routes.get("/portal/invites", name="portal_invites")
async def invites_page(request: web.Request) -> web.Response:
    """The viewer's invites, and the links of one just made (shown this once)."""
    viewer = await require_viewer(request)
    session = await get_session(request)
    new = session.pop(NEW_INVITE_KEY, None)
    settings = request.app[keys.SETTINGS]
    rows = await in_database(request, lambda db: invite_rows(db, viewer))
    context = {
        "invites": rows,
        "revoked": request.query.get("done") == "revoked",
        "new_invite": {"label": new["label"], **invite_links(settings, new["code"])} if new else None,
        "valid_days": settings.invite_valid_days,
    }
    return await render_page(request, "invites.html", context, viewer)


@routes.post("/portal/invites", name="portal_invite_create")
async def invite_create(request: web.Request) -> web.StreamResponse:
    """Make a new single-use invite for the viewer."""
    viewer = await require_viewer(request)
    label = str((await request.post()).get("label", "")).strip()[:120]
    valid_days = request.app[keys.SETTINGS].invite_valid_days
    created = await in_database(request, lambda db: create_invite(db, viewer.id, label or None, valid_days))
    session = await get_session(request)
    session[NEW_INVITE_KEY] = {"code": created.code, "label": created.invite.label}
    raise see_other("/portal/invites")


@routes.post("/portal/invites/{invite_id}/revoke", name="portal_invite_revoke")
async def invite_revoke(request: web.Request) -> web.StreamResponse:
    """Withdraw an unused invite (the viewer's own; an administrator's any): its link then binds nobody."""
    viewer = await require_viewer(request)
    invite_id = int_param(request, "invite_id")

    def revoke(db: Session) -> bool:
        invite = visible_invite(db, viewer, invite_id)
        if invite is None:
            return False
        revoke_invite(db, invite)  # one used meanwhile stays used: the page then shows it so
        return True

    found(await in_database(request, revoke))
    raise see_other("/portal/invites?done=revoked")
