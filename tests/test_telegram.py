"""The Telegram channel over real loopback HTTP: the gateway with FakeRasa and a fake Bot API server."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.gateway import keys, relay
from bot.gateway.app import create_app
from bot.gateway.wording import QUEUED_NOTICE
from bot.handoff.invitations import INVITE_ANSWERS, invite_choices
from bot.storage import message_log
from bot.storage.invites import BOUND, UNKNOWN, create_invite
from bot.storage.models import Client, Practitioner, SafetyFlag, utcnow
from bot.storage.deletion import request_deletion
from bot.storage.identity import TELEGRAM_CHANNEL, create_telegram_client, telegram_external_id
from bot.storage.assignment import assign_client
from bot.storage.progress import CONSENT_DECLINED, CONSENT_GIVEN, record_consent
from bot.telegram import handlers, sending
from bot.telegram.keys import TELEGRAM
from bot.telegram.rendering import MAX_TEXT
from tests.fake_telegram import FakeTelegram, fake_telegram, gateway, telegram_gateway, telegram_mode  # noqa: F401
from tests.test_gateway_journey import PNG, add_due_step

ALEX = 501
BOB = 502
STICKER = {"sticker": {"file_id": "s", "file_unique_id": "s1", "width": 512, "height": 512,
                       "is_animated": False, "is_video": False, "type": "regular"}}


@pytest.fixture
def quick_retries(monkeypatch):
    """Retries as Telegram's client does them, in a fraction of the time."""
    monkeypatch.setattr(sending, "FIRST_BACKOFF_SECONDS", 0.05)
    monkeypatch.setattr(relay, "OUTBOX_FIRST_BACKOFF_SECONDS", 0.2)


def outbound_statuses(engine) -> list[tuple[str | None, str]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(text("SELECT text, status FROM messages WHERE direction = 'out' ORDER BY id"))
        ]


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
    assert keyboard == [[{"text": "Yes, I agree", "callback_data": "/affirm"}], [{"text": "No, thank you", "callback_data": "/deny"}]]
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
        ("message", STICKER, handlers.ONLY_TEXT),
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


async def test_a_group_chat_is_told_once_that_the_bot_works_only_in_private_and_the_bot_leaves(
    gateway, fake_telegram, fake_rasa, engine
):
    group = await fake_telegram.send_text(ALEX, "hello everyone", chat_type="group")
    for _ in range(5):  # a group spamming the bot before it has left
        await fake_telegram.send_text(ALEX, "/plan", chat_type="group")
    group_chat = group["message"]["chat"]["id"]
    assert await fake_telegram.wait_for_text(group_chat, "private chat")
    [left] = await fake_telegram.wait_for(lambda: fake_telegram.calls_of("leaveChat"))
    assert int(left.params["chat_id"]) == group_chat
    await fake_telegram.send_text(ALEX, "still here?")  # the private chat works meanwhile
    assert await fake_telegram.wait_for_text(ALEX, "You said: still here?")
    assert fake_telegram.texts_to(group_chat) == [handlers.ONLY_PRIVATE]
    assert [body["message"] for body in fake_rasa.received] == ["/greet", "still here?"]
    assert len(client_ids(engine)) == 1


async def test_twenty_stickers_get_one_explanation_and_other_clients_are_answered_meanwhile(
    gateway, fake_telegram, fake_rasa
):
    for _ in range(20):
        await fake_telegram.push("message", fake_telegram.message(ALEX, **STICKER))
    await fake_telegram.send_text(BOB, "hello from Bob")
    assert await fake_telegram.wait_for_text(BOB, "You said: hello from Bob", timeout=5)
    await fake_telegram.send_text(ALEX, "sorry, in words then")
    assert await fake_telegram.wait_for_text(ALEX, "You said: sorry, in words then")
    assert 1 <= fake_telegram.texts_to(ALEX).count(handlers.ONLY_TEXT) <= 2


async def test_an_explanation_that_meets_a_long_429_is_dropped_and_stalls_nobody(gateway, fake_telegram, fake_rasa):
    fake_telegram.fail_next("sendMessage", retry_after=120, chat_id=ALEX)  # Telegram's flood control for Alex
    for _ in range(20):
        await fake_telegram.push("message", fake_telegram.message(ALEX, **STICKER))
    started = time.monotonic()
    await fake_telegram.send_text(BOB, "hello from Bob")
    assert await fake_telegram.wait_for_text(BOB, "You said: hello from Bob", timeout=5)
    assert time.monotonic() - started < 5
    assert len([c for c in fake_telegram.calls_of("sendMessage") if int(c.params["chat_id"]) == ALEX]) == 1
    assert fake_telegram.texts_to(ALEX) == []  # the explanation was dropped, not waited for


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


async def test_an_invitation_from_another_practitioner_asks_before_moving_the_client(gateway, fake_telegram, fake_rasa, db):
    with db() as session:
        ada, bea = (Practitioner(email=f"{n}@example.org", display_name=name, password_hash="x") for n, name in (("ada", "Ada"), ("bea", "Bea Fischer")))
        session.add_all([ada, bea])
        session.flush()
        ada_id, bea_id = ada.id, bea.id
        adas_code = create_invite(session, ada_id, "J.S.", 14).code
        beas_code = create_invite(session, bea_id, None, 14).code
    await fake_telegram.send_text(ALEX, f"/start {adas_code}")
    assert await fake_telegram.wait_for_text(ALEX, INVITE_ANSWERS[BOUND])

    def practitioners() -> list[int | None]:
        with db() as session:
            return [client.practitioner_id for client in session.query(Client).all()]

    async def asked() -> object:
        await fake_telegram.send_text(ALEX, f"/start {beas_code}")
        await fake_telegram.wait_for(lambda: [c for c in fake_telegram.sent_to(ALEX) if "Bea Fischer" in c.params["text"] and c.params.get("reply_markup")])
        return [c for c in fake_telegram.sent_to(ALEX) if "Bea Fischer" in c.params["text"] and c.params.get("reply_markup")][-1]

    question = await asked()
    assert "Ada" in question.params["text"] and "summaries" in question.params["text"]
    assert practitioners() == [ada_id]
    await fake_telegram.press(ALEX, question, invite_choices("Bea Fischer", "Ada")[1])
    assert await fake_telegram.wait_for_text(ALEX, "you stay with Ada")
    assert practitioners() == [ada_id]

    await fake_telegram.press(ALEX, await asked(), invite_choices("Bea Fischer", "Ada")[0])
    assert await fake_telegram.wait_for_text(ALEX, "Bea Fischer is your practitioner now")
    assert practitioners() == [bea_id]


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


# -- the outbox: no reply is lost ---------------------------------------------------------------


async def test_a_reply_that_fails_until_the_retries_give_up_is_delivered_later_exactly_once(
    gateway, fake_telegram, fake_rasa, engine, quick_retries
):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")
    fake_telegram.down.add("sendMessage")  # Telegram cannot be reached for a while
    await fake_telegram.send_text(ALEX, "are you there?")
    failed = await fake_telegram.wait_for(
        lambda: len([c for c in fake_telegram.calls_of("sendMessage") if c.params.get("text") == "You said: are you there?"])
        >= sending.MAX_ATTEMPTS
    )
    assert failed
    assert ("You said: are you there?", message_log.UNSENT) in outbound_statuses(engine)
    assert "You said: are you there?" not in fake_telegram.texts_to(ALEX)

    fake_telegram.down.clear()  # back: the relay's retry loop sends what waited, in order
    assert await fake_telegram.wait_for_text(ALEX, "You said: are you there?")
    await fake_telegram.wait_for(lambda: len(fake_telegram.sent_to(ALEX, "sendPhoto")) >= 2)
    await asyncio.sleep(1)  # a few more rounds of the retry loop: nothing is sent twice
    assert fake_telegram.texts_to(ALEX).count("You said: are you there?") == 1
    assert len(fake_telegram.sent_to(ALEX, "sendPhoto")) == 2  # one picture per turn
    assert {status for _, status in outbound_statuses(engine)} == {message_log.SENT}


async def test_replies_stored_before_a_restart_are_sent_when_the_gateway_starts(
    aiohttp_server, aiohttp_client, fake_rasa, fake_telegram, settings, engine, db
):
    with db() as session:  # the gateway stopped between storing these replies and sending them
        client = create_telegram_client(session, ALEX, ALEX)
        for words in ["First, what you asked.", "Then the rest."]:
            message_log.record_outbound(session, client.id, TELEGRAM_CHANNEL, {"text": words}, status=message_log.UNSENT)
    await telegram_gateway(aiohttp_client, aiohttp_server, fake_rasa, fake_telegram, settings)
    await fake_telegram.wait_for(lambda: len(fake_telegram.texts_to(ALEX)) >= 2)
    await asyncio.sleep(0.5)
    assert fake_telegram.texts_to(ALEX) == ["First, what you asked.", "Then the rest."]
    assert outbound_statuses(engine) == [
        ("First, what you asked.", message_log.SENT), ("Then the rest.", message_log.SENT)
    ]


async def test_a_client_waiting_out_a_long_429_does_not_hold_up_another_clients_reply(
    gateway, fake_telegram, fake_rasa, engine
):
    for user in (ALEX, BOB):
        await fake_telegram.send_text(user, "hello")
        await fake_telegram.wait_for_text(user, "You said: hello")
    fake_rasa.available = False  # both write while Rasa is away; the retry loop answers them both
    await fake_telegram.send_text(ALEX, "slow lane")
    await fake_telegram.send_text(BOB, "fast lane")
    for user in (ALEX, BOB):
        await fake_telegram.wait_for_text(user, QUEUED_NOTICE)
    fake_telegram.fail_next("sendMessage", retry_after=120, chat_id=ALEX)  # Alex's chat: wait two minutes
    fake_rasa.available = True
    await fake_telegram.wait_for(lambda: any(c.result == "429" for c in fake_telegram.calls))
    assert await fake_telegram.wait_for_text(BOB, "You said: fast lane", timeout=5)
    assert "You said: slow lane" not in fake_telegram.texts_to(ALEX)
    assert ("You said: slow lane", message_log.UNSENT) in outbound_statuses(engine)  # still waiting, still kept

    started = time.monotonic()  # and so are new turns, of anyone
    await fake_telegram.send_text(BOB, "and again")
    assert await fake_telegram.wait_for_text(BOB, "You said: and again", timeout=5)
    assert time.monotonic() - started < 5


async def test_shutdown_does_not_wait_for_a_long_429(gateway, fake_telegram, fake_rasa, engine):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")
    fake_telegram.fail_next("sendMessage", retry_after=120, chat_id=ALEX)
    await fake_telegram.send_text(ALEX, "and now?")
    await fake_telegram.wait_for(lambda: any(c.result == "429" for c in fake_telegram.calls))
    started = time.monotonic()
    await asyncio.wait_for(gateway.app[TELEGRAM].stop(), 15)
    assert time.monotonic() - started < 5
    assert ("You said: and now?", message_log.UNSENT) in outbound_statuses(engine)  # sent at the next start


@pytest.mark.parametrize("quiet_because", ["no consent", "consent declined", "distress an hour ago", "deletion requested"])
async def test_no_check_in_is_pushed_to_telegram_while_quiet_rules_apply(
    gateway, fake_telegram, fake_rasa, db, quiet_because
):
    await fake_telegram.send_text(ALEX, "/start")
    await greeted(fake_telegram)
    client_id = fake_rasa.received[0]["sender"]
    add_due_step(db, client_id, "Look up two courses", consent=quiet_because != "no consent")
    with db() as session:
        if quiet_because == "consent declined":
            record_consent(session, client_id, CONSENT_DECLINED, "v1")
        elif quiet_because == "distress an hour ago":
            session.add(SafetyFlag(client_id=client_id, raised_at=utcnow() - timedelta(hours=1)))
        elif quiet_because == "deletion requested":
            request_deletion(session, client_id)
    await asyncio.sleep(1.5)  # three rounds of the check-in loop
    assert not [t for t in fake_telegram.texts_to(ALEX) if "Look up two courses" in t]


async def test_service_messages_get_no_explanation(gateway, fake_telegram, fake_rasa):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")
    pinned = fake_telegram.message(ALEX, "hello")
    await fake_telegram.push("message", fake_telegram.message(ALEX, pinned_message=pinned))  # they pinned a message
    await fake_telegram.send_text(ALEX, "and now")
    assert await fake_telegram.wait_for_text(ALEX, "You said: and now")
    assert handlers.ONLY_TEXT not in fake_telegram.texts_to(ALEX)


async def test_a_429_at_startup_is_waited_out(aiohttp_server, aiohttp_client, fake_rasa, fake_telegram, settings, engine):
    fake_telegram.fail_next("getMe", retry_after=1)
    gateway = await telegram_gateway(aiohttp_client, aiohttp_server, fake_rasa, fake_telegram, settings)
    assert gateway.app[TELEGRAM].ready.is_set()
    await fake_telegram.send_text(ALEX, "hello")
    assert await fake_telegram.wait_for_text(ALEX, "You said: hello")


async def test_a_client_on_telegram_is_told_at_once_who_their_practitioner_is_now(gateway, fake_telegram, fake_rasa, db):
    await fake_telegram.send_text(ALEX, "/start")
    await greeted(fake_telegram)
    client_id = fake_rasa.received[0]["sender"]
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, "v1")
        admin = Practitioner(email="admin@example.org", display_name="Ada", password_hash="x", role="admin")
        sam = Practitioner(email="sam@example.org", display_name="Sam Jones", password_hash="x")
        session.add_all([admin, sam])
        session.flush()
        assign_client(session, client_id, sam.id, by_id=admin.id)
    await gateway.app[keys.RELAY].tell_now(client_id)  # what the portal does after the change
    for _ in range(100):
        if any("Sam Jones is your practitioner now" in t for t in fake_telegram.texts_to(ALEX)):
            break
        await asyncio.sleep(0.05)
    told = [t for t in fake_telegram.texts_to(ALEX) if "Sam Jones is your practitioner now" in t]
    assert len(told) == 1
    await gateway.app[keys.RELAY].tell_now(client_id)
    await asyncio.sleep(0.3)
    assert len([t for t in fake_telegram.texts_to(ALEX) if "Sam Jones is your practitioner now" in t]) == 1  # once
