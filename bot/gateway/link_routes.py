"""Continuing one conversation on a second channel, with a one-time code shown on the first.

Web → Telegram: the web chat asks for a code (POST /api/link-codes) and the client sends it to
the bot on Telegram. Telegram → web: `/link` on Telegram gives a link to `/?link=<code>`, and
the chat page redeems it (POST /api/link-codes/redeem). See bot/storage/linking.py.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.gateway import keys
from bot.gateway.addresses import refusal_over_limit
from bot.gateway.inbound import Rejection
from bot.gateway.wording import TOO_MANY_LINK_ATTEMPTS
from bot.gateway.routes import bearer_token, client_for_token, error_response, read_json
from bot.storage import identity, linking
from bot.storage.engine import transaction
from bot.storage.identity import WEB_CHANNEL

link_routes = web.RouteTableDef()

WEB_LINK_ANSWERS = {
    linking.LINKED: "Done: this chat now continues the conversation you started on Telegram.",
    linking.ALREADY_LINKED: "This chat is already linked to that conversation; just carry on.",
    linking.UNKNOWN: "I couldn't find that code. Please check the link, or ask for a new one on Telegram with /link.",
    linking.EXPIRED: "That link has expired (they last 15 minutes). Please ask for a new one on Telegram with /link.",
    linking.USED: "That link has already been used. Please ask for a new one on Telegram with /link.",
    linking.HAS_OWN_PROCESS: (
        "This browser already has a conversation of its own, and I never mix two of them. To continue the "
        "Telegram one here instead, first say \"delete my data\" here, then open the link again."
    ),
}
WEB_LINK_STATUSES = {
    linking.LINKED: 200,
    linking.ALREADY_LINKED: 200,
    linking.UNKNOWN: 404,
    linking.EXPIRED: 410,
    linking.USED: 409,
    linking.HAS_OWN_PROCESS: 409,
}


@link_routes.post("/api/link-codes", name="create_link_code")
async def create_link_code(request: web.Request) -> web.Response:
    """A one-time code to continue this conversation on Telegram (`/start link-<code>` or `/link <code>`)."""
    client_id = await client_for_token(request, bearer_token(request))

    def create() -> linking.NewLinkCode:
        with transaction(request.app[keys.SESSIONS]) as session:
            return linking.create_link_code(session, client_id)

    new_code = await asyncio.to_thread(create)
    username = request.app[keys.SETTINGS].telegram_bot_username
    telegram_link = f"https://t.me/{username}?start=link-{new_code.code}" if username else None
    return web.json_response(
        {"code": new_code.code, "telegram_link": telegram_link, "expires_at": new_code.expires_at.isoformat() + "Z"},
        status=201,
    )


@link_routes.post("/api/link-codes/redeem", name="redeem_link_code")
async def redeem_link_code(request: web.Request) -> web.Response:
    """Continue here a conversation started on another channel; answers with this browser's token."""
    refusal = refusal_over_limit(request, keys.LINK_ATTEMPT_LIMIT, "too_many_link_attempts", TOO_MANY_LINK_ATTEMPTS)
    if refusal is not None:
        return refusal
    body = await read_json(request)
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise Rejection(400, "invalid_body", "Please send the code as {\"code\": \"...\"}.")
    token = bearer_token(request)
    if token is None:
        token = identity.new_web_token()
    else:
        await client_for_token(request, token)  # an unknown token is refused, never adopted

    def link() -> linking.LinkResult:
        with transaction(request.app[keys.SESSIONS]) as session:
            return linking.link_account(session, code.strip(), WEB_CHANNEL, identity.hash_token(token), None)

    result = await asyncio.to_thread(link)
    if result.abandoned_client_id is not None:
        await request.app[keys.RELAY].erase(result.abandoned_client_id)  # an empty conversation: a greeting at most
    status = WEB_LINK_STATUSES[result.outcome]
    if status != 200:
        return error_response(status, f"link_{result.outcome}", WEB_LINK_ANSWERS[result.outcome])
    return web.json_response({"client_token": token, "outcome": result.outcome, "message": WEB_LINK_ANSWERS[result.outcome]})
