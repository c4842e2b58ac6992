"""The Telegram channel over real loopback HTTP: the gateway with FakeRasa and a fake Bot API server."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.gateway import keys
from bot.gateway.app import create_app
from bot.gateway.routes import QUEUED_NOTICE
from bot.handoff.invitations import INVITE_ANSWERS
from bot.storage.invites import BOUND, UNKNOWN, create_invite
from bot.storage.models import Client, Practitioner
from bot.storage.deletion import request_deletion
from bot.storage.identity import TELEGRAM_CHANNEL, telegram_external_id
from bot.telegram import handlers
from bot.telegram.keys import TELEGRAM
from bot.telegram.rendering import MAX_TEXT
from tests.fake_telegram import FakeTelegram, telegram_gateway
from tests.test_gateway_journey import PNG, add_due_step

ALEX = 501


@pytest.fixture
def fake_telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def gateway(aiohttp_server, aiohttp_client, fake_rasa, fake_telegram, settings, engine):
    return await telegram_gateway(aiohttp_client, aiohttp_server, fake_rasa, fake_telegram, settings)


def logged_messages(engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT direction, channel, text FROM messages ORDER BY id"))]


def client_ids(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT id FROM clients")).scalars())


async def greeted(fake_telegram: FakeTelegram, user_id: int = ALEX):
    """The greeting with its consent button, once it has reached the chat."""
    await fake_telegram.wait_for_text(user_id, "Hello, I'm Waypoint.")
    return next(c for c in fake_telegram.calls_of("sendMessage") if c.params["text"] == "Hello, I'm Waypoint.")


async def test_set_my_commands_registers_the_command_menu_at_startup(gateway, fake_telegram):
    commands = fake_telegram.calls_of("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {"start", "help", "plan", "progress", "pause", "delete"}
    assert fake_telegram.calls_of("deleteWebhook")  # polling: no webhook may stand in the way


async def test_a_full_exchange_with_a_button_press(gateway, fake_telegram, fake_rasa, engine):
    await fake_telegram.send_text(ALEX, "hello there")
    greeting = await greeted(fake_telegram)
    keyboard = greeting.params["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "Yes, I agree", "callback_data": "/affirm"}]]
    assert await fake_telegram.wait_for_text(ALEX, "You said: hello there")
    assert fake_telegram.calls_of("sendChatAction")  # "typing…" while the bot thinks

    await fake_telegram.press(ALEX, greeting, "Yes, I agree")
    assert await fake_telegram.wait_for_text(ALEX, "You said: /affirm")
    calls = [c.method for c in fake_telegram.calls]
    answered = calls.index("answerCallbackQuery")
    reply = next(i for i, c in enumerate(fake_telegram.calls) if c.params.get("text") == "You said: /affirm")
    assert answered < reply
    # The button went away once pressed, so that a double tap does not answer twice.
    assert fake_telegram.calls_of("editMessageReplyMarkup")
    assert [body["message"] for body in fake_rasa.received] == ["/greet", "hello there", "/affirm"]
    assert len({body["sender"] for body in fake_rasa.received}) == 1
    assert str(ALEX) not in fake_rasa.received[0]["sender"]  # Rasa knows the client only by a pseudonym

    logged = logged_messages(engine)
    assert ("in", "telegram", "hello there") in logged
    assert ("in", "telegram", "Yes, I agree") in logged  # a button press is logged with its title
    assert ("out", "telegram", "You said: /affirm") in logged
    with engine.connect() as connection:
        accounts = connection.execute(text("SELECT channel, external_id, address FROM channel_accounts")).all()
    assert [tuple(a) for a in accounts] == [(TELEGRAM_CHANNEL, telegram_external_id(ALEX), str(ALEX))]


async def test_pictures_from_elsewhere_are_sent_as_photos_by_address(gateway, fake_telegram):
    await fake_telegram.send_text(ALEX, "hi")
    await fake_telegram.wait_for(lambda: fake_telegram.calls_of("sendPhoto"))
    assert fake_telegram.calls_of("sendPhoto")[0].params["photo"] == "https://example.org/matrix.png"


@pytest.mark.parametrize(
    "kind, content, answer",
    [
        ("message", {"sticker": {"file_id": "s", "file_unique_id": "s1", "width": 512, "height": 512,
                                 "is_animated": False, "is_video": False, "type": "regular"}}, handlers.ONLY_TEXT),
        ("message", {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}],
                     "caption": "my CV"}, handlers.ONLY_TEXT),
        ("message", {"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}}, handlers.ONLY_TEXT),
        ("message", {"document": {"file_id": "d", "file_unique_id": "d1", "file_name": "cv.pdf"}}, handlers.ONLY_TEXT),
        ("message", {"location": {"latitude": 60.17, "longitude": 24.94}}, handlers.ONLY_TEXT),
        ("edited_message", {"text": "I meant nursing", "edit_date": 1}, handlers.EDITED),
    ],
)
async def test_what_the_bot_cannot_read_gets_a_kind_explanation_and_nothing_is_stored(
    gateway, fake_telegram, fake_rasa, engine, kind, content, answer
):
    await fake_telegram.push(kind, fake_telegram.message(ALEX, **content))
    assert await fake_telegram.wait_for_text(ALEX, answer)
    assert client_ids(engine) == [] and logged_messages(engine) == []
    assert fake_rasa.received == []

    await fake_telegram.send_text(ALEX, "is this better?")
    assert await fake_telegram.wait_for_text(ALEX, "You said: is this better?")


async def test_a_group_chat_is_told_the_bot_works_only_in_private(gateway, fake_telegram, fake_rasa, engine):
    group = await fake_telegram.send_text(ALEX, "hello everyone", chat_type="group")
    group_chat = group["message"]["chat"]["id"]
    assert await fake_telegram.wait_for_text(group_chat, "private chat")
    await fake_telegram.send_text(ALEX, "/plan", chat_type="supergroup")
    await fake_telegram.wait_for(lambda: len(fake_telegram.texts_to(group_chat)) >= 2)
    assert client_ids(engine) == [] and fake_rasa.received == []


async def test_a_429_is_retried_after_the_time_telegram_asks_and_the_reply_arrives_once(gateway, fake_telegram):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")
    fake_telegram.fail_next("sendMessage", retry_after=1)
    await fake_telegram.send_text(ALEX, "once please")
    assert await fake_telegram.wait_for_text(ALEX, "You said: once please")
    attempts = [c for c in fake_telegram.calls_of("sendMessage") if c.params.get("text") == "You said: once please"]
    assert [a.result == "429" for a in attempts] == [True, False]
    assert fake_telegram.texts_to(ALEX).count("You said: once please") == 1


async def test_while_rasa_is_away_the_client_hears_one_moment_and_then_the_answer(gateway, fake_telegram, fake_rasa):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")
    fake_rasa.available = False
    await fake_telegram.send_text(ALEX, "are you there?")
    assert await fake_telegram.wait_for_text(ALEX, QUEUED_NOTICE)
    assert not fake_telegram.texts_to(ALEX).count("You said: are you there?")
    fake_rasa.available = True  # the relay's retry loop delivers it
    assert await fake_telegram.wait_for_text(ALEX, "You said: are you there?")


async def test_a_long_reply_is_split_into_messages_within_telegrams_limit(gateway, fake_telegram, fake_rasa):
    paragraph = "This is a sentence about your options and what matters to you. " * 20
    long_text = "\n".join([paragraph.strip()] * 12)  # about 15 000 characters
    fake_rasa.reply_to = lambda message: [{"text": long_text}] if message == "tell me more" else [{"text": "Hi"}]
    await fake_telegram.send_text(ALEX, "tell me more")
    chunks = await fake_telegram.wait_for(
        lambda: "\n".join(t for t in fake_telegram.texts_to(ALEX) if t != "Hi") == long_text
        and [t for t in fake_telegram.texts_to(ALEX) if t != "Hi"]
    )
    assert len(chunks) >= 4
    assert all(len(chunk) <= MAX_TEXT for chunk in chunks)


async def test_the_decision_matrix_picture_is_uploaded_as_a_photo(gateway, fake_telegram, fake_rasa):
    media_dir = gateway.app[keys.SETTINGS].media_dir
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir / "matrix_4f9a8b7c6d5e4f3a.png").write_bytes(PNG)
    fake_rasa.reply_to = lambda message: (
        [{"text": "Your decision matrix: nursing scores 4.2, teaching 3.1.", "image": "/media/matrix_4f9a8b7c6d5e4f3a.png"}]
        if message == "show the matrix"
        else [{"text": "Hi"}]
    )
    await fake_telegram.send_text(ALEX, "show the matrix")
    photo = (await fake_telegram.wait_for(lambda: fake_telegram.calls_of("sendPhoto")))[0]
    assert photo.params["photo"]["content"] == PNG
    assert photo.params["caption"] == "Your decision matrix: nursing scores 4.2, teaching 3.1."


async def test_commands_reach_rasa_as_their_intents(gateway, fake_telegram, fake_rasa):
    await fake_telegram.send_text(ALEX, "hello")
    await greeted(fake_telegram)
    for command in ["/help", "/plan", "/progress", "/pause", "/delete"]:
        await fake_telegram.send_text(ALEX, command)
    await fake_telegram.wait_for_text(ALEX, "You said: /delete_my_data")
    assert [body["message"] for body in fake_rasa.received[2:]] == [
        "/help", "/show_plan", "/show_progress", "/pause", "/delete_my_data"
    ]


async def test_start_greets_a_new_client_once(gateway, fake_telegram, fake_rasa, engine):
    await fake_telegram.send_text(ALEX, "/start")
    await greeted(fake_telegram)
    assert [body["message"] for body in fake_rasa.received] == ["/greet"]
    assert logged_messages(engine)[0] == ("in", "telegram", None)  # sent on their behalf, not by them


async def test_a_due_step_reaches_a_telegram_client_without_them_writing(gateway, fake_telegram, fake_rasa, db):
    await fake_telegram.send_text(ALEX, "/start")
    await greeted(fake_telegram)
    add_due_step(db, fake_rasa.received[0]["sender"], "Look up two courses")
    offers = await fake_telegram.wait_for_text(ALEX, "\"Look up two courses\"")
    assert len(offers) == 1
    offer = next(c for c in fake_telegram.calls_of("sendMessage") if "Look up two courses" in c.params["text"])
    assert offer.params["reply_markup"]["inline_keyboard"][0] == [{"text": "Check in now", "callback_data": "/review_progress"}]


async def test_start_with_an_invitation_binds_the_client_to_the_practitioner(gateway, fake_telegram, fake_rasa, db):
    with db() as session:
        ada = Practitioner(email="ada@example.org", display_name="Ada", password_hash="x")
        session.add(ada)
        session.flush()
        ada_id = ada.id
        code = create_invite(session, ada_id, "J.S.", 14).code
    await fake_telegram.send_text(ALEX, f"/start {code}")
    assert await fake_telegram.wait_for_text(ALEX, INVITE_ANSWERS[BOUND])
    await greeted(fake_telegram)
    with db() as session:
        assert [client.practitioner_id for client in session.query(Client).all()] == [ada_id]

    await fake_telegram.send_text(ALEX + 1, "/start not-a-real-invitation")
    assert await fake_telegram.wait_for_text(ALEX + 1, INVITE_ANSWERS[UNKNOWN])
    await greeted(fake_telegram, ALEX + 1)  # they can chat all the same


async def test_the_data_export_is_sent_as_a_file(gateway, fake_telegram, fake_rasa):
    media_dir = gateway.app[keys.SETTINGS].media_dir
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir / "export-7d6c5b4a3f2e1d0c.json").write_bytes(b'{"goals": []}')
    fake_rasa.reply_to = lambda message: (
        [{"text": "Here is everything I keep about you.", "attachment": "/media/export-7d6c5b4a3f2e1d0c.json"}]
        if message == "show my data"
        else [{"text": "Hi"}]
    )
    await fake_telegram.send_text(ALEX, "show my data")
    document = (await fake_telegram.wait_for(lambda: fake_telegram.calls_of("sendDocument")))[0]
    assert document.params["document"] == {"filename": "my-waypoint-data.json", "content": b'{"goals": []}'}
    assert document.params["caption"] == "Here is everything I keep about you."


async def test_odd_text_gets_the_same_kind_answers_as_on_the_web(gateway, fake_telegram, fake_rasa, engine):
    await fake_telegram.send_text(ALEX, "x" * 3000)
    assert await fake_telegram.wait_for_text(ALEX, "longer than I can take")
    await fake_telegram.send_text(ALEX, "/")
    assert await fake_telegram.wait_for_text(ALEX, "Your message was empty")
    assert client_ids(engine) == []
    await fake_telegram.send_text(ALEX, "/restart please")  # not a command: free text, like the web
    assert await fake_telegram.wait_for_text(ALEX, "You said: restart please")


async def test_after_delete_the_goodbye_still_reaches_the_chat_and_nothing_is_kept(gateway, fake_telegram, fake_rasa, db, engine):
    await fake_telegram.send_text(ALEX, "/start")
    await greeted(fake_telegram)
    client_id = fake_rasa.received[0]["sender"]

    def confirm_deletion_during_the_turn(body):  # what action_delete_my_data does once confirmed
        if body["message"] == "/delete_my_data":
            with db() as session:
                request_deletion(session, client_id)

    fake_rasa.during_turn = confirm_deletion_during_the_turn
    await fake_telegram.send_text(ALEX, "/delete")
    assert await fake_telegram.wait_for_text(ALEX, "You said: /delete_my_data")
    assert client_ids(engine) == [] and logged_messages(engine) == []

    await fake_telegram.send_text(ALEX, "hello again")  # a fresh start, as a new client
    assert await fake_telegram.wait_for_text(ALEX, "You said: hello again")
    assert client_ids(engine) != [] and client_id not in client_ids(engine)


async def test_without_a_bot_token_nothing_of_telegram_starts(aiohttp_client, settings, engine):
    assert not settings.telegram_enabled
    client = await aiohttp_client(create_app(settings))
    assert TELEGRAM not in client.app
    assert (await client.post("/telegram/webhook", json={"update_id": 1})).status == 404
