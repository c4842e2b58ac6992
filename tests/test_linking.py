"""Cross-channel continuity: a client starts on the web, links Telegram with a one-time code, and
continues the same process there; two processes are never merged."""

from __future__ import annotations

import pytest
from datetime import timedelta

from sqlalchemy import text

from bot.storage import linking
from bot.storage.models import Client, LinkCode, utcnow
from bot.storage.progress import CONSENT_GIVEN, record_consent
from bot.telegram.handlers import LINK_ANSWERS, LINK_DECLINED, LINK_NO, LINK_YES, link_question
from bot.telegram.rendering import MAX_CALLBACK_BYTES
from tests.fake_telegram import FakeTelegram, fake_telegram, gateway, telegram_mode  # noqa: F401
from tests.gateway_support import open_chat
from tests.test_gateway import history, start_session, token_of
from tests.test_openapi import assert_matches_document

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

ALEX = 701
QUESTION = "This connects this Telegram chat to a conversation started in a web browser"


async def asked_to_connect(fake_telegram: FakeTelegram, user_id: int = ALEX):
    """The question before linking, once it has reached the chat (the newest one)."""
    await fake_telegram.wait_for_text(user_id, QUESTION)
    return [c for c in fake_telegram.sent_to(user_id) if c.params["text"].startswith(QUESTION)][-1]


async def link_and_confirm(fake_telegram: FakeTelegram, command: str, user_id: int = ALEX) -> None:
    asked_before = len([t for t in fake_telegram.texts_to(user_id) if t.startswith(QUESTION)])
    await fake_telegram.send_text(user_id, command)
    await fake_telegram.wait_for(
        lambda: len([t for t in fake_telegram.texts_to(user_id) if t.startswith(QUESTION)]) > asked_before
    )
    await fake_telegram.press(user_id, await asked_to_connect(fake_telegram, user_id), LINK_YES)


async def web_client_with_consent(gateway, fake_rasa, db) -> tuple[dict[str, str], str]:
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = [body["sender"] for body in fake_rasa.received if body["metadata"]["channel"] == "web"][-1]
    with db() as session:  # what action_record_consent does when they agree
        record_consent(session, client_id, CONSENT_GIVEN, "v1")
    return headers, client_id


async def new_link_code(gateway, headers) -> dict:
    response = await gateway.post("/api/link-codes", headers=headers)
    assert response.status == 201
    await assert_matches_document(response, "/api/link-codes", "post")
    return await response.json()


def accounts(engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT client_id, channel FROM channel_accounts ORDER BY id"))]


def client_ids(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT id FROM clients")).scalars())


async def test_start_on_the_web_link_telegram_and_continue_there(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    await gateway.post("/api/messages", json={"text": "I want to change careers"}, headers=headers)
    link = await new_link_code(gateway, headers)
    assert link["telegram_link"] == f"https://t.me/waypoint_test_bot?start=link-{link['code']}"

    await link_and_confirm(fake_telegram, f"/start link-{link['code']}")
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.LINKED])
    assert await fake_telegram.wait_for_text(ALEX, "Hello, I'm Waypoint.")  # welcomed back on Telegram
    await fake_telegram.send_text(ALEX, "hello from my phone")
    assert await fake_telegram.wait_for_text(ALEX, "You said: hello from my phone")

    assert client_ids(engine) == [client_id]
    assert accounts(engine) == [(client_id, "web"), (client_id, "telegram")]
    assert {body["sender"] for body in fake_rasa.received} == {client_id}  # one process, one Rasa conversation
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM consent_records")).scalar() == 1
    web_history = [m["text"] for m in await history(gateway, headers)]
    assert "I want to change careers" in web_history and "hello from my phone" in web_history


async def test_a_code_works_once_and_only_its_hash_is_stored(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]
    with db() as session:
        [stored] = session.query(LinkCode).all()
        assert stored.code_hash == linking.hash_link_code(code) and code not in stored.code_hash

    await link_and_confirm(fake_telegram, f"/link {code.lower()}")  # typed by hand: case does not matter
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.LINKED])
    await fake_telegram.send_text(ALEX + 1, f"/start link-{code}")
    assert await fake_telegram.wait_for_text(ALEX + 1, LINK_ANSWERS[linking.USED])
    assert accounts(engine) == [(client_id, "web"), (client_id, "telegram")]


async def test_an_expired_or_unknown_code_is_refused_kindly(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]
    with db() as session:
        session.query(LinkCode).one().expires_at = utcnow() - timedelta(seconds=1)
    await fake_telegram.send_text(ALEX, f"/start link-{code}")
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.EXPIRED])
    await fake_telegram.send_text(ALEX, "/link NOTACODE2345")
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.UNKNOWN])
    assert accounts(engine) == [(client_id, "web")]


async def test_a_telegram_user_with_a_process_of_their_own_is_not_merged(gateway, fake_telegram, fake_rasa, db, engine):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")
    telegram_client = fake_rasa.received[0]["sender"]
    with db() as session:
        record_consent(session, telegram_client, CONSENT_GIVEN, "v1")
    headers, web_client = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]

    await fake_telegram.send_text(ALEX, f"/link {code}")
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.HAS_OWN_PROCESS])
    assert not [t for t in fake_telegram.texts_to(ALEX) if t.startswith(QUESTION)]  # refused at once: nothing to ask
    assert sorted(client_ids(engine)) == sorted([telegram_client, web_client])
    assert sorted(accounts(engine)) == sorted([(telegram_client, "telegram"), (web_client, "web")])
    await fake_telegram.send_text(ALEX, "still mine?")
    assert await fake_telegram.wait_for_text(ALEX, "You said: still mine?")
    assert fake_rasa.received[-1]["sender"] == telegram_client


async def test_an_empty_telegram_conversation_gives_way_to_the_linked_one(gateway, fake_telegram, fake_rasa, db, engine):
    await fake_telegram.send_text(ALEX, "/start")
    await fake_telegram.wait_for_text(ALEX, "Hello, I'm Waypoint.")
    empty_client = fake_rasa.received[0]["sender"]
    headers, web_client = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]

    await link_and_confirm(fake_telegram, f"/link {code}")
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.LINKED])
    assert client_ids(engine) == [web_client] and empty_client != web_client
    assert sorted(accounts(engine)) == [(web_client, "telegram"), (web_client, "web")]


async def test_link_codes_need_a_client_token(gateway):
    response = await gateway.post("/api/link-codes")
    assert response.status == 401
    await assert_matches_document(response, "/api/link-codes", "post")


async def telegram_client_with_consent(fake_telegram, fake_rasa, db) -> str:
    await fake_telegram.send_text(ALEX, "I'd like to change careers")
    await fake_telegram.wait_for_text(ALEX, "You said: I'd like to change careers")
    client_id = next(body["sender"] for body in fake_rasa.received if body["metadata"]["channel"] == "telegram")
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, "v1")
    return client_id


async def web_link_from_telegram(fake_telegram) -> str:
    """The code in the web link the bot gives for /link (a new one each time)."""
    offered_before = len([t for t in fake_telegram.texts_to(ALEX) if "To go on in the web chat" in t])
    await fake_telegram.send_text(ALEX, "/link")
    offers = await fake_telegram.wait_for(
        lambda: [t for t in fake_telegram.texts_to(ALEX) if "To go on in the web chat" in t][offered_before:]
    )
    return offers[-1].split("?link=")[1].split()[0]


async def redeem(gateway, code: str, headers: dict[str, str] | None = None):
    response = await gateway.post("/api/link-codes/redeem", json={"code": code}, headers=headers or {})
    await assert_matches_document(response, "/api/link-codes/redeem", "post")
    return response


async def test_start_on_telegram_and_continue_on_the_web(gateway, fake_telegram, fake_rasa, db, engine):
    client_id = await telegram_client_with_consent(fake_telegram, fake_rasa, db)
    code = await web_link_from_telegram(fake_telegram)

    response = await redeem(gateway, code)
    assert response.status == 200
    body = await response.json()
    assert body["outcome"] == "linked" and "started on Telegram" in body["message"]
    headers = {"Authorization": f"Bearer {body['client_token']}"}
    shown = [message["text"] for message in await history(gateway, headers)]
    assert "I'd like to change careers" in shown, "the web chat shows the conversation so far"
    await gateway.post("/api/messages", json={"text": "now on my laptop"}, headers=headers)
    assert fake_rasa.received[-1]["sender"] == client_id
    assert client_ids(engine) == [client_id]
    assert sorted(channel for _, channel in accounts(engine)) == ["telegram", "web"]
    assert (await redeem(gateway, code)).status == 409, "a code works once"


async def test_an_empty_web_chat_gives_way_but_one_with_a_process_of_its_own_is_kept_apart(
    gateway, fake_telegram, fake_rasa, db, engine
):
    telegram_client = await telegram_client_with_consent(fake_telegram, fake_rasa, db)
    empty_web = await start_session(gateway)
    await open_chat(gateway, token_of(empty_web))
    response = await redeem(gateway, await web_link_from_telegram(fake_telegram), empty_web)
    assert response.status == 200 and (await response.json())["client_token"] in empty_web["Authorization"]
    assert client_ids(engine) == [telegram_client], "the empty web conversation is gone"

    other_web, _ = await web_client_with_consent(gateway, fake_rasa, db)
    refused = await redeem(gateway, await web_link_from_telegram(fake_telegram), other_web)
    assert refused.status == 409 and "conversation of its own" in (await refused.json())["message"]
    assert len(client_ids(engine)) == 2

    assert (await redeem(gateway, "NOSUCHCODE23")).status == 404
    assert (await redeem(gateway, "ABCDEFGHJKMN", {"Authorization": "Bearer not-a-token"})).status == 401


async def test_link_without_a_conversation_of_ones_own_explains_how_to_link(gateway, fake_telegram):
    await fake_telegram.send_text(ALEX, "/link")
    assert await fake_telegram.wait_for_text(ALEX, "send the code shown there like this: /link")


async def test_a_deep_link_asks_first_and_links_only_on_yes(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]
    await fake_telegram.send_text(ALEX, f"/start link-{code}")
    question = await asked_to_connect(fake_telegram)
    with db() as session:
        started_at = session.get(Client, client_id).created_at
    assert question.params["text"] == link_question(started_at)
    assert f"{started_at:%H:%M} UTC" in question.params["text"]
    buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == [LINK_YES, LINK_NO]
    assert all(len(b["callback_data"].encode()) <= MAX_CALLBACK_BYTES for b in buttons)
    # Nothing is linked, nor the code used, before the press; nothing reached Rasa from Telegram.
    assert accounts(engine) == [(client_id, "web")]
    with db() as session:
        assert session.query(LinkCode).one().used_at is None
    assert all(body["metadata"]["channel"] == "web" for body in fake_rasa.received)

    await fake_telegram.press(ALEX, question, LINK_YES)
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.LINKED])
    assert accounts(engine) == [(client_id, "web"), (client_id, "telegram")]
    assert fake_telegram.calls_of("editMessageReplyMarkup")  # the buttons went away once pressed


async def test_no_leaves_everything_as_it_was_and_the_code_unused(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]
    await fake_telegram.send_text(ALEX, f"/link {code}")
    await fake_telegram.press(ALEX, await asked_to_connect(fake_telegram), LINK_NO)
    assert await fake_telegram.wait_for_text(ALEX, LINK_DECLINED)
    assert accounts(engine) == [(client_id, "web")]
    assert client_ids(engine) == [client_id]
    with db() as session:
        assert session.query(LinkCode).one().used_at is None
    await fake_telegram.send_text(ALEX, "hello")  # and this chat is a conversation of its own
    assert await fake_telegram.wait_for_text(ALEX, "You said: hello")
    assert fake_rasa.received[-1]["sender"] != client_id


async def test_a_yes_pressed_after_the_code_expired_gets_the_expired_answer(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    code = (await new_link_code(gateway, headers))["code"]
    await fake_telegram.send_text(ALEX, f"/link {code}")
    question = await asked_to_connect(fake_telegram)
    with db() as session:  # a quarter of an hour later
        session.query(LinkCode).one().expires_at = utcnow() - timedelta(seconds=1)
    await fake_telegram.press(ALEX, question, LINK_YES)
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.EXPIRED])
    assert accounts(engine) == [(client_id, "web")]


async def test_a_conversation_follows_one_telegram_account_only(gateway, fake_telegram, fake_rasa, db, engine):
    headers, client_id = await web_client_with_consent(gateway, fake_rasa, db)
    await link_and_confirm(fake_telegram, f"/link {(await new_link_code(gateway, headers))['code']}")
    assert await fake_telegram.wait_for_text(ALEX, LINK_ANSWERS[linking.LINKED])

    other = ALEX + 1
    await fake_telegram.send_text(other, f"/link {(await new_link_code(gateway, headers))['code']}")
    assert await fake_telegram.wait_for_text(other, LINK_ANSWERS[linking.OTHER_ACCOUNT])
    assert not [t for t in fake_telegram.texts_to(other) if t.startswith(QUESTION)]
    assert accounts(engine) == [(client_id, "web"), (client_id, "telegram")]

    # Replies to the conversation go to the one chat it follows.
    await fake_telegram.send_text(ALEX, "which chat?")
    assert await fake_telegram.wait_for_text(ALEX, "You said: which chat?")
    assert not [t for t in fake_telegram.texts_to(other) if "You said" in t]


def test_a_code_is_claimed_only_while_unused(db):
    """Two redemptions at once: the second, reading the code as unused, still cannot use it again."""
    with db() as session:
        session.add(Client(id="w" * 32))
        session.flush()
        code = linking.create_link_code(session, "w" * 32).code
    with db() as first, db() as second:
        assert linking.preview_link(second, code, "telegram", "a").outcome == linking.READY  # second reads it unused
        assert linking.link_account(first, code, "telegram", "a", "1").outcome == linking.LINKED
        first.commit()
        assert linking.link_account(second, code, "web", "b", None).outcome == linking.USED
