"""HTTP and WebSocket handlers of the gateway. The contract is bot/gateway/openapi.py."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import aiohttp
import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import text

from bot.gateway import keys
from bot.gateway.addresses import client_address, refusal_over_limit
from bot.gateway.opening import open_conversation
from bot.settings import Settings
from bot.gateway.inbound import Rejection, read_chat_message
from bot.gateway.openapi import openapi_document
from bot.gateway.relay import message_view
from bot.gateway.wording import (
    CHAT_ENDED_ON_THIS_DEVICE,
    DATABASE_AWAY_NOTICE,
    DATABASE_RETRY_SECONDS,
    QUEUED_NOTICE,
    TOO_MANY_SESSIONS,
)
from bot.handoff.invitations import INVITE_STATUSES, invite_answer, invite_choices
from bot.storage import identity, invites, message_log
from bot.storage.engine import DATABASE_AWAY, transaction
from bot.storage.identity import WEB_CHANNEL

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_MESSAGE_ID = 2**63 - 1
MESSAGE_ID_DIGITS = re.compile(r"[0-9]{1,19}")


def error_response(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def read_json(request: web.Request) -> Any:
    raw = await request.read()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Rejection(400, "invalid_encoding", "I could only read that as garbled characters. Please send UTF-8 text.")
    except json.JSONDecodeError:
        raise Rejection(400, "invalid_json", "That request body is not valid JSON.")


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def client_for_token(request: web.Request, token: str | None) -> str:
    """The client id behind a web token; Rejection 401 when there is none."""
    if not token:
        raise Rejection(401, "missing_token", "Start a chat session first (POST /api/sessions).")

    def lookup() -> str | None:
        with transaction(request.app[keys.SESSIONS]) as session:
            client = identity.find_web_client(session, token)
            return None if client is None else client.id

    client_id = await asyncio.to_thread(lookup)
    if client_id is None:
        raise Rejection(401, "unknown_client", "I don't recognise this chat session. Please start a new one.")
    return client_id


@routes.get("/", name="chat_page")
@aiohttp_jinja2.template("chat.html")
async def chat_page(request: web.Request) -> dict[str, Any]:
    return chat_page_context(request.app[keys.SETTINGS])


def chat_page_context(settings: Settings) -> dict[str, Any]:
    """What the chat page (and the widget's) shows: "Continue on Telegram" when Telegram is on."""
    return {
        "telegram_bot": settings.telegram_bot_username if settings.telegram_enabled else None,
        "max_message_chars": settings.max_message_chars,
    }


@routes.get("/api/openapi.json", name="openapi")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document(request.app[keys.SETTINGS].max_message_chars))


@routes.post("/api/sessions", name="create_session")
async def create_session(request: web.Request) -> web.Response:
    """A new client and its token; the greeting follows when they connect or write (bot/gateway/opening.py)."""
    refusal = refusal_over_limit(request, keys.SESSION_LIMIT, "too_many_sessions", TOO_MANY_SESSIONS)
    if refusal is not None:
        return refusal

    def create() -> str:
        with transaction(request.app[keys.SESSIONS]) as session:
            return identity.create_web_client(session)[1]

    try:
        token = await asyncio.to_thread(create)
    except DATABASE_AWAY:
        request.app[keys.SESSION_LIMIT].give_back(client_address(request))  # nothing was made
        raise
    return web.json_response({"client_token": token}, status=201)


@routes.post("/api/sessions/end", name="end_session")
async def end_session(request: web.Request) -> web.Response:
    """End the chat on this device: its token stops working and its open windows close; the conversation stays."""
    token = bearer_token(request)
    await client_for_token(request, token)

    def forget() -> None:
        with transaction(request.app[keys.SESSIONS]) as session:
            identity.forget_web_token(session, token)

    await asyncio.to_thread(forget)
    farewell = {"type": "ended", "message": CHAT_ENDED_ON_THIS_DEVICE}
    await request.app[keys.OPEN_CHATS].close(identity.hash_token(token), farewell)
    return web.json_response({"outcome": "ended", "message": CHAT_ENDED_ON_THIS_DEVICE})


@routes.post("/api/invites/redeem", name="redeem_invite")
async def redeem_invite(request: web.Request) -> web.Response:
    """Binds the client to the practitioner whose invitation link they opened; one who has a practitioner is asked first."""
    client_id = await client_for_token(request, bearer_token(request))
    body = await read_json(request)
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise Rejection(400, "invalid_body", "Please send the invitation code as {\"code\": \"...\"}.")
    move = body.get("move")
    if move is not None and not isinstance(move, bool):
        raise Rejection(400, "invalid_body", "\"move\" is true (switch to this practitioner) or false (stay).")

    def redeem() -> invites.Redemption:
        with transaction(request.app[keys.SESSIONS]) as session:
            return invites.redeem_invite(session, code.strip(), client_id, move)

    redemption = await asyncio.to_thread(redeem)
    status = INVITE_STATUSES[redemption.outcome]
    if status != 200:
        return error_response(status, f"invite_{redemption.outcome}", invite_answer(redemption))
    answer = {"outcome": redemption.outcome, "message": invite_answer(redemption)}
    if redemption.outcome == invites.MOVE_ASKED:
        switch, stay = invite_choices(redemption.practitioner, redemption.current_practitioner)
        answer["choices"] = [{"title": switch, "move": True}, {"title": stay, "move": False}]
    return web.json_response(answer)


@routes.post("/api/messages", name="send_message")
async def send_message(request: web.Request) -> web.Response:
    client_id = await client_for_token(request, bearer_token(request))
    message = read_chat_message(await read_json(request), request.app[keys.SETTINGS].max_message_chars)
    relay = request.app[keys.RELAY]
    await open_conversation(request.app, client_id, WEB_CHANNEL)
    inbound = await relay.accept(client_id, WEB_CHANNEL, message.text, message.payload)
    turn = await relay.wait_for_turn(inbound["id"], request.app[keys.SETTINGS].reply_wait_seconds)
    if turn is None:
        return web.json_response({"status": "queued", "message": inbound, "notice": QUEUED_NOTICE}, status=202)
    return web.json_response({"status": "answered", "message": turn.inbound, "replies": turn.replies})


@routes.get("/api/messages", name="list_messages")
async def list_messages(request: web.Request) -> web.Response:
    """The newest page of the conversation (or the page before `before`), or what came `after` a message."""
    client_id = await client_for_token(request, bearer_token(request))
    if "after" in request.query and "before" in request.query:
        raise Rejection(400, "invalid_query", "Ask for messages \"before\" one or \"after\" one, not both.")
    after = message_id_in_query(request, "after", lowest=0)
    before = message_id_in_query(request, "before", lowest=1)

    def read() -> dict[str, Any]:
        with transaction(request.app[keys.SESSIONS]) as session:
            if after is not None:
                messages, older = message_log.history(session, client_id, after), None
            else:
                messages, older = message_log.latest_history(session, client_id, before)
            # The opening greeting sent on the client's behalf has no text and is not shown.
            shown = [message_view(m) for m in messages if not (m.direction == "in" and m.text is None)]
            return {"messages": shown} if after is not None else {"messages": shown, "next_before": older}

    return web.json_response(await asyncio.to_thread(read))


def message_id_in_query(request: web.Request, name: str, lowest: int) -> int | None:
    """A message id from the query string, None when absent; Rejection 400 for anything else."""
    value = request.query.get(name)
    if value is None:
        return None
    if not MESSAGE_ID_DIGITS.fullmatch(value) or not lowest <= int(value) <= MAX_MESSAGE_ID:
        raise Rejection(400, f"invalid_{name}", f"\"{name}\" must be a message id (a whole number from {lowest}).")
    return int(value)


MEDIA_NAME = re.compile(r"^[A-Za-z0-9_-]{16,100}\.(png|json)$")
MEDIA_TYPES = {"png": "image/png", "json": "application/json"}


@routes.get("/media/{name}", name="media")
async def media(request: web.Request) -> web.StreamResponse:
    """Pictures and files the bot sends (decision matrix, data export); names are unguessable."""
    name = request.match_info["name"]
    path = request.app[keys.SETTINGS].media_dir / name
    match = MEDIA_NAME.match(name)
    if not match or not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="Not found")
    headers = {"Cache-Control": "private, no-store", "Content-Type": MEDIA_TYPES[match[1]]}
    if match[1] == "json":
        headers["Content-Disposition"] = 'attachment; filename="my-waypoint-data.json"'
    return web.FileResponse(path, headers=headers)


@routes.get("/healthz", name="health")
async def health(request: web.Request) -> web.Response:
    app = request.app

    def database_ok() -> bool:
        try:
            with app[keys.ENGINE].connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            logger.warning("health check: database unreachable", exc_info=True)
            return False

    database, rasa, actions = await asyncio.gather(
        asyncio.to_thread(database_ok), app[keys.RASA].is_ready(), app[keys.RASA].action_server_ready()
    )
    components = {
        "gateway": "ok",
        "database": "ok" if database else "unavailable",
        "rasa": "ok" if rasa else "unavailable",
        "action_server": "ok" if actions else "unavailable",
    }
    healthy = all(state == "ok" for state in components.values())
    return web.json_response(
        {"status": "ok" if healthy else "degraded", "components": components}, status=200 if healthy else 503
    )


MAX_REF_CHARS = 64


def echo(frame: Any) -> dict[str, str]:
    """The client's own reference for a message frame, sent back with its outcome (chat.js's outbox)."""
    ref = frame.get("ref") if isinstance(frame, dict) else None
    return {"ref": ref} if isinstance(ref, str) and 0 < len(ref) <= MAX_REF_CHARS else {}


@routes.get("/api/ws", name="websocket")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    """Chat over a WebSocket: {"type": "hello", "client_token"} first, then {"type": "message", "text"}."""
    settings = request.app[keys.SETTINGS]
    relay = request.app[keys.RELAY]
    socket = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
    await socket.prepare(request)
    client_id: str | None = None
    device: str | None = None  # the hash of the token this window said hello with
    open_chats = request.app[keys.OPEN_CHATS]

    async def push(event: dict[str, Any]) -> None:
        await socket.send_json(event)

    try:
        async for frame in socket:
            if frame.type != aiohttp.WSMsgType.TEXT:
                if frame.type == aiohttp.WSMsgType.BINARY:
                    await push({"type": "error", "error": "binary_frame", "message": "Please send text messages."})
                continue
            data: Any = None
            try:
                data = json.loads(frame.data)
                if not isinstance(data, dict):
                    raise Rejection(400, "invalid_body", "Please send JSON objects.")
                if data.get("type") == "hello":
                    token = data.get("client_token")
                    new_client_id = await client_for_token(request, token if isinstance(token, str) else None)
                    if client_id is not None:
                        relay.stop_listening(client_id, push)
                        open_chats.discard(device, socket)
                    client_id, device = new_client_id, identity.hash_token(token)
                    relay.listen(client_id, push)
                    open_chats.add(device, socket)
                    await push({"type": "ready"})
                    await open_conversation(request.app, client_id, WEB_CHANNEL)
                    await relay.offer_check_in_on_arrival(client_id)
                elif data.get("type") == "message":
                    if client_id is None:
                        raise Rejection(401, "missing_token", "Say hello with your client token first.")
                    message = read_chat_message(data, settings.max_message_chars)
                    await open_conversation(request.app, client_id, WEB_CHANNEL)
                    inbound = await relay.accept(
                        client_id, WEB_CHANNEL, message.text, message.payload, ref=echo(data).get("ref")
                    )
                    await push({"type": "accepted", "message": inbound, **echo(data)})
                else:
                    raise Rejection(400, "unknown_type", "I only understand \"hello\" and \"message\" frames.")
            except json.JSONDecodeError:
                await push({"type": "error", "error": "invalid_json", "message": "That frame is not valid JSON."})
            except Rejection as rejection:
                await push({"type": "error", "error": rejection.code, "message": rejection.message, **echo(data)})
            except DATABASE_AWAY as error:
                logger.warning("database unavailable in a WebSocket frame (%s)", type(error).__name__)
                await push({
                    "type": "error", "error": "database_unavailable", "message": DATABASE_AWAY_NOTICE,
                    "retry_after": DATABASE_RETRY_SECONDS, **echo(data),
                })
                if client_id is None:
                    await socket.close()  # the hello could not be checked: the client connects again later
            except Exception:
                logger.exception("unexpected error in a WebSocket frame")
                await push({"type": "error", "error": "internal_error", "message": "Something went wrong on my side. Please try again."})
    finally:
        if client_id is not None:
            relay.stop_listening(client_id, push)
            open_chats.discard(device, socket)
    return socket
