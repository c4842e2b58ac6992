"""Administrators manage practitioner accounts: list, create, deactivate or reactivate, reset a password."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from bot.gateway import keys
from bot.portal.auth import Viewer, require_admin
from bot.portal.pages import render_page, see_other
from bot.portal.support import found, in_database, int_param
from bot.portal.passwords import password_problem
from bot.portal.practitioners import ROLES, AccountError, all_accounts, create_account, set_password
from bot.portal.record_routes import practitioner_choice
from bot.storage.assignment import hand_over_candidates, hand_over_clients
from bot.storage.models import Practitioner
from bot.storage.people import active_practitioners

routes = web.RouteTableDef()


async def accounts_page_with(request: web.Request, viewer: Viewer, status: int = 200, **context: object) -> web.Response:
    accounts = await in_database(request, all_accounts)
    full = {"accounts": accounts, "roles": ROLES, "error": None, "message": None, "form": {}, **context}
    return await render_page(request, "accounts.html", full, viewer, status=status)


@routes.get("/portal/accounts", name="portal_accounts")
async def accounts_page(request: web.Request) -> web.Response:
    """Every account, with forms to manage them."""
    viewer = await require_admin(request)
    message = {
        "created": "The account was created.",
        "password": "The password was changed.",
        "active": "The account was reactivated.",
        "deactivated": "The account was deactivated, and its clients have their new practitioner.",
    }
    return await accounts_page_with(request, viewer, message=message.get(request.query.get("done", "")))


@routes.post("/portal/accounts", name="portal_account_create")
async def account_create(request: web.Request) -> web.StreamResponse:
    """Create an account; the administrator tells the person their first password."""
    viewer = await require_admin(request)
    form = await request.post()
    email, name = str(form.get("email", "")), str(form.get("display_name", ""))
    role, password = str(form.get("role", "")), str(form.get("password", ""))
    kept = {"email": email, "display_name": name, "role": role}
    problem = password_problem(password)
    if problem:
        return await accounts_page_with(request, viewer, status=422, error=problem, form=kept)
    try:
        await in_database(request, lambda db: create_account(db, email, name, password, role))
    except AccountError as error:
        return await accounts_page_with(request, viewer, status=422, error=str(error), form=kept)
    raise see_other("/portal/accounts?done=created")


@routes.post("/portal/accounts/{account_id}/active", name="portal_account_active")
async def account_active(request: web.Request) -> web.StreamResponse:
    """Reactivate an account, or deactivate one (no more logins, sessions end at once) after asking who
    takes over its clients; the clients are told who their practitioner is now."""
    viewer = await require_admin(request)
    account_id = int_param(request, "account_id")
    form = await request.post()
    active = str(form.get("active", "")) == "yes"
    if account_id == viewer.id and not active:
        return await accounts_page_with(request, viewer, status=422, error="You cannot deactivate your own account.")
    successor = practitioner_choice(form.get("successor"))
    account = found(await in_database(request, lambda db: db.get(Practitioner, account_id)))
    if active:
        await in_database(request, lambda db: setattr(db.get(Practitioner, account_id), "active", True))
        raise see_other("/portal/accounts?done=active")
    if form.get("confirmed") != "yes" or successor is False or successor == account_id:
        def choices(db: Session):
            others = [(p.id, p.display_name) for p in active_practitioners(db) if p.id != account_id]
            return others, len(hand_over_candidates(db, account_id))

        others, clients = await in_database(request, choices)
        context = {"account": account, "others": others, "clients": clients}
        return await render_page(request, "deactivate.html", context, viewer)

    def deactivate(db: Session) -> list[str]:
        if successor is not None:
            taker = db.get(Practitioner, successor)
            if taker is None or not taker.active:
                raise web.HTTPBadRequest()
        db.get(Practitioner, account_id).active = False
        return hand_over_clients(db, account_id, successor, viewer.id)

    moved = await in_database(request, deactivate)
    relay = request.app[keys.RELAY]
    for client_id in moved:
        await relay.tell_now(client_id)
    raise see_other("/portal/accounts?done=deactivated")


@routes.post("/portal/accounts/{account_id}/password", name="portal_account_password")
async def account_password(request: web.Request) -> web.StreamResponse:
    """Set a new password; the account's existing sessions end."""
    viewer = await require_admin(request)
    account_id = int_param(request, "account_id")
    password = str((await request.post()).get("password", ""))
    problem = password_problem(password)
    if problem:
        return await accounts_page_with(request, viewer, status=422, error=problem)

    def change(db: Session) -> bool:
        account = db.get(Practitioner, account_id)
        if account is None:
            return False
        set_password(account, password)
        return True

    found(await in_database(request, change))
    raise see_other("/portal/accounts?done=password")
