"""A fake Telegram Bot API server on loopback, for python-telegram-bot's `base_url` to point at.

Real HTTP, as PTB speaks it: POST /bot<token>/<method> with form or multipart fields. It serves
the updates a test queues through `getUpdates` (a long poll cut short), records every call with
its parameters in arrival order, answers the sending methods with plausible Message objects, and
can answer the next call of a method (to one chat, or any) with a 429 ("retry after") like
Telegram's flood control, or every call of a method with a 502 (PTB's NetworkError) while it is "down".

Also the helpers to run the gateway with Telegram on: `telegram_gateway(...)`, and the fixtures
`fake_telegram`, `telegram_mode` and `gateway` (a test module imports them to use them).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from aiohttp import web

from bot.gateway.app import create_app
from bot.gateway.rasa_client import RasaClient
from bot.settings import TELEGRAM_POLLING
from bot.telegram.keys import TELEGRAM
from tests.gateway_support import TOKEN

BOT_TOKEN = "123456:TEST-token-for-the-fake-server"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Waypoint", "username": "waypoint_test_bot"}
JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "entities", "caption_entities"}
LONG_POLL_SECONDS = 0.2  # Telegram holds getUpdates up to `timeout`; the fake answers sooner


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None


@dataclass
class FakeTelegram:
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    # method -> (retry_after, chat id or None for any chat) of the next 429s
    failures: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)  # methods answered with 502 Bad Gateway for now
    url: str = ""

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()

    # -- the server ----------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != BOT_TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await _read_params(request)
        if method == "getUpdates":
            return _ok(await self._serve_updates(params))
        call = Call(method, params)
        if method in self.down:
            call.result = "502"
            await self._record(call)
            return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502)
        failure = self._next_failure(method, params)
        if failure is not None:
            retry_after = failure
            call.result = "429"
            await self._record(call)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        call.result = self._result_of(method, params)
        await self._record(call)
        return _ok(call.result)

    def _next_failure(self, method: str, params: dict[str, Any]) -> int | None:
        """The retry_after of a 429 planned for this call, if any (and it is used up)."""
        planned = self.failures.get(method) or []
        for position, (retry_after, chat_id) in enumerate(planned):
            if chat_id is None or str(params.get("chat_id")) == str(chat_id):
                del planned[position]
                return retry_after
        return None

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _serve_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)

        def waiting() -> list[dict[str, Any]]:
            return [update for update in self.updates if update["update_id"] >= offset]

        async with self._changed:
            if not waiting():
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(waiting())), LONG_POLL_SECONDS)
                except asyncio.TimeoutError:
                    pass
            served = waiting()
            if served:  # empty polls come every moment and are not worth recording
                self.calls.append(Call("getUpdates", params, served))
                self._changed.notify_all()
            return served

    def _result_of(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendPhoto", "sendDocument", "editMessageReplyMarkup", "editMessageText"):
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if "caption" in params:
                message["caption"] = params["caption"]
            if method == "sendPhoto":
                message["photo"] = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 800, "height": 600}]
            if method == "sendDocument":
                message["document"] = {"file_id": "document-1", "file_unique_id": "d1"}
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        return True  # sendChatAction, answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook, …

    # -- what tests send -----------------------------------------------------------------

    async def push(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of `kind` (message, edited_message, callback_query, …) for getUpdates."""
        update = {"update_id": next(self._update_ids), kind: body}
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return update

    def new_update(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """An update not queued: for posting to the webhook instead."""
        return {"update_id": next(self._update_ids), kind: body}

    def message(self, user_id: int, text: str | None = None, chat_type: str = "private", **content: Any) -> dict[str, Any]:
        chat_id = user_id if chat_type == "private" else -1000 - user_id
        body: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type, **({"title": "A group"} if chat_type != "private" else {})},
            "from": user(user_id),
            **content,
        }
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return body

    async def send_text(self, user_id: int, text: str, chat_type: str = "private") -> dict[str, Any]:
        return await self.push("message", self.message(user_id, text, chat_type))

    async def press(self, user_id: int, sent: Call, title: str) -> dict[str, Any]:
        """Press the button titled `title` on a message the bot sent."""
        keyboard = sent.result["reply_markup"]["inline_keyboard"]
        button = next(b for row in keyboard for b in row if b["text"] == title)
        return await self.push(
            "callback_query",
            {
                "id": f"query-{next(self._update_ids)}",
                "from": user(user_id),
                "chat_instance": "chat-instance",
                "data": button["callback_data"],
                "message": sent.result,
            },
        )

    def fail_next(self, method: str, retry_after: int = 1, chat_id: int | None = None) -> None:
        """The next call of `method` (to `chat_id`, or to any chat) gets Telegram's 429 answer."""
        self.failures.setdefault(method, []).append((retry_after, chat_id))

    # -- what tests check ----------------------------------------------------------------

    def calls_of(self, *methods: str) -> list[Call]:
        return [call for call in self.calls if call.method in methods]

    def texts_to(self, chat_id: int) -> list[str]:
        """The texts of messages that reached `chat_id` (a 429 or a 502 did not reach it)."""
        return [
            call.params.get("text") or call.params.get("caption") or ""
            for call in self.calls_of("sendMessage", "sendPhoto", "sendDocument")
            if call.result not in ("429", "502") and int(call.params["chat_id"]) == chat_id
        ]

    def sent_to(self, chat_id: int, method: str = "sendMessage") -> list[Call]:
        """The calls of `method` that reached `chat_id`."""
        return [
            call for call in self.calls_of(method)
            if call.result not in ("429", "502") and int(call.params["chat_id"]) == chat_id
        ]

    async def wait_for(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `check()` is truthy (it is asked again after every recorded call); its value."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(check), timeout)
            except asyncio.TimeoutError:
                pass
        return check()

    async def wait_for_text(self, chat_id: int, fragment: str, timeout: float = 10.0) -> list[str]:
        return await self.wait_for(lambda: [t for t in self.texts_to(chat_id) if fragment in t], timeout)


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Alex", "language_code": "en"}


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _read_params(request: web.Request) -> dict[str, Any]:
    if request.method == "GET":
        form: Any = request.query
    elif request.content_type == "application/json":
        return await request.json()
    else:
        form = await request.post()
    params: dict[str, Any] = {}
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = {"filename": value.filename, "content": value.file.read()}
        elif name in JSON_FIELDS:
            params[name] = json.loads(value)
        else:
            params[name] = value
    return params


async def telegram_gateway(
    aiohttp_client: Any, aiohttp_server: Any, fake_rasa: Any, fake_telegram: FakeTelegram, settings: Any,
    mode: str = TELEGRAM_POLLING,
    public_url: str = "https://waypoint.example.org",
) -> Any:
    """The gateway (a test client) with Telegram on, talking to FakeRasa and the fake Bot API; started.

    With an https `public_url` the portal's cookie is Secure, so the test client (plain http) cannot
    log in to the portal; a test of the portal passes an http one."""
    rasa_server = await aiohttp_server(fake_rasa.app())
    telegram_server = await aiohttp_server(fake_telegram.app())
    fake_telegram.url = str(telegram_server.make_url("")).rstrip("/")
    settings = dataclasses.replace(
        settings,
        rasa_port=rasa_server.port,
        rasa_token=TOKEN,
        reply_wait_seconds=3,
        telegram_bot_token=BOT_TOKEN,
        telegram_api_url=fake_telegram.url,
        telegram_mode=mode,
        telegram_bot_username=BOT_USER["username"],
        public_url_setting=public_url,
    )
    url = str(rasa_server.make_url(""))
    client = await aiohttp_client(create_app(settings, rasa=RasaClient(url, TOKEN, action_server_url=url)))
    await asyncio.wait_for(client.app[TELEGRAM].ready.wait(), 10)
    return client


# -- fixtures (imported by the test modules that use them) -------------------------------------


@pytest.fixture
def fake_telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def telegram_mode() -> str:
    """Polling; a module that tests the webhook overrides this fixture."""
    return TELEGRAM_POLLING


@pytest.fixture
async def gateway(aiohttp_server, aiohttp_client, fake_rasa, fake_telegram, settings, engine, telegram_mode):
    """The gateway with Telegram on (on a migrated database), started and connected to the fake Bot API."""
    return await telegram_gateway(aiohttp_client, aiohttp_server, fake_rasa, fake_telegram, settings, mode=telegram_mode)
