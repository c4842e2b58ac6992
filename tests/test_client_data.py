"""The client's data: "delete my data" leaves no row anywhere and no file with their id or words,
retention does the same for clients long inactive, and "show my data" gives them all of it."""

from __future__ import annotations

import dataclasses
import json

import pytest
from datetime import timedelta

from sqlalchemy import inspect, text

from actions.deletion import ActionDeleteMyData
from actions.my_data import ActionShowMyData
from bot.gateway import keys
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.storage.deletion import delete_client, request_deletion
from bot import retention
from bot.retention import erase_inactive_clients
from bot.storage.invites import create_invite, redeem_invite
from bot.storage.models import (
    Client,
    ClientDeletion,
    Decision,
    Goal,
    Handoff,
    Invite,
    Practitioner,
    PractitionerNote,
    SafetyFlag,
    utcnow,
)
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake
from tests.test_actions import CLIENT, responses, run, tracker
from tests.gateway_support import open_chat, until
from tests.portal_support import add_account, add_client, add_handoff, logged_in, make_portal, post_form  # noqa: F401
from tests.test_gateway import create_events_table, history, start_session, token_of

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def rows_mentioning(engine, *needles: str) -> list[tuple[str, str]]:
    """Every row of every table (ours and Rasa's) whose text holds one of `needles`."""
    found = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                flat = " ".join(str(value) for value in row)
                found += [(table, needle) for needle in needles if needle in flat]
    return found


async def test_the_action_asks_the_gateway_to_delete_and_says_it_is_done(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
    _, dispatcher = await run(ActionDeleteMyData(), tracker("yes", "affirm"))
    assert responses(dispatcher) == ["utter_data_deleted"]
    with db() as session:
        assert session.get(Client, CLIENT).deletion_requested_at is not None


async def test_a_confirmed_deletion_leaves_nothing_of_the_client(gateway, fake_rasa, db, engine):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    phrase = "my unique phrase about beekeeping in Lyon"
    await gateway.post("/api/messages", json={"text": phrase}, headers=headers)
    media_dir = gateway.app[keys.SETTINGS].media_dir
    media_dir.mkdir(parents=True)
    (media_dir / "their-decision-matrix-picture.png").write_bytes(b"png")
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, client_id, phrase, {"clarity": 2}, [phrase])
        session.add(Decision(client_id=client_id, matrix_image="their-decision-matrix-picture.png"))
        session.add(SafetyFlag(client_id=client_id))
        practitioner = Practitioner(email="ada@example.org", display_name="Ada", password_hash="x")
        session.add(practitioner)
        session.flush()
        redeem_invite(session, create_invite(session, practitioner.id, "J.S.", 14).code, client_id)
        handoff = Handoff(client_id=client_id, status="approved", items=[{"key": "g", "section": "goals", "text": phrase}])
        session.add(handoff)
        session.flush()
        session.add(PractitionerNote(client_id=client_id, handoff_id=handoff.id, author_id=practitioner.id, text="note"))
    with db() as session:
        save_intake(session, "someone-else", "kept", {}, ["kept goal"])
    create_events_table(engine, (client_id, phrase), ("someone-else", "kept"))
    assert rows_mentioning(engine, client_id, phrase)

    def confirm_during_the_turn(body):
        if body["message"] == "/affirm":  # what action_delete_my_data does inside the turn
            with db() as session:
                request_deletion(session, client_id)

    fake_rasa.during_turn = confirm_during_the_turn
    response = await gateway.post("/api/messages", json={"text": "Yes, delete everything", "payload": "/affirm"}, headers=headers)
    assert response.status == 200 and (await response.json())["replies"]  # the client still hears it is done

    assert rows_mentioning(engine, client_id, phrase) == []
    assert not (media_dir / "their-decision-matrix-picture.png").exists()
    with db() as session:
        assert [goal.text for goal in session.query(Goal).all()] == ["kept goal"]
        # Their practitioner keeps only the fact, under their own label; the invitation stays used.
        [(label, reason)] = session.query(ClientDeletion.label, ClientDeletion.reason).all()
        assert (label, reason) == ("J.S.", "client_request")
        assert session.query(Invite).one().used_at is not None
        assert session.query(Handoff).count() == session.query(PractitionerNote).count() == 0
    with engine.connect() as connection:
        assert connection.execute(text("SELECT sender_id FROM events")).scalars().all() == ["someone-else"]

    assert (await gateway.get("/api/messages", headers=headers)).status == 401
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": headers["Authorization"].split()[1]})
        assert (await socket.receive_json())["error"] == "unknown_client"


async def test_an_open_chat_of_a_deleted_client_is_told_to_start_afresh(gateway, fake_rasa, db):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": headers["Authorization"].split()[1]})
        assert (await socket.receive_json())["type"] == "ready"
        with db() as session:
            delete_client(session, fake_rasa.received[0]["sender"])
        await socket.send_json({"type": "message", "text": "are you still there?"})
        assert (await socket.receive_json(timeout=5))["error"] == "unknown_client"


def test_retention_erases_only_clients_inactive_for_longer_than_configured(settings, db, engine, tmp_path):
    settings = dataclasses.replace(settings, retention_days=30)
    settings.media_dir.mkdir(parents=True)
    (settings.media_dir / "old-clients-picture.png").write_bytes(b"png")
    with db() as session:
        for client_id, days_quiet in [("quiet-for-long", 31), ("active-lately", 29)]:
            record_consent(session, client_id, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
            save_intake(session, client_id, f"situation of {client_id}", {}, [f"goal of {client_id}"])
            session.get(Client, client_id).last_active_at = utcnow() - timedelta(days=days_quiet)
        session.add(Decision(client_id="quiet-for-long", matrix_image="old-clients-picture.png"))
        practitioner = Practitioner(email="ada@example.org", display_name="Ada", password_hash="x")
        session.add(practitioner)
        session.flush()
        session.get(Client, "quiet-for-long").practitioner_id = practitioner.id
    create_events_table(engine, ("quiet-for-long", "old words"), ("active-lately", "recent words"))

    assert erase_inactive_clients(settings) == 1
    with db() as session:
        assert [(d.label, d.reason) for d in session.query(ClientDeletion).all()] == [(None, "retention")]

    assert rows_mentioning(engine, "quiet-for-long", "old words") == []
    assert rows_mentioning(engine, "active-lately", "recent words")
    assert not (settings.media_dir / "old-clients-picture.png").exists()


async def test_show_my_data_gives_a_summary_and_a_file_with_every_row(actions_db, db, monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, "Working in a bakery", {"clarity": 2}, ["Find a calmer job"])
        session.add(SafetyFlag(client_id=CLIENT))
    _, dispatcher = await run(ActionShowMyData(), tracker("show me my data", "show_my_data"))
    [message] = dispatcher.messages
    assert "Your goals: Find a calmer job" in message["text"] and "1 readiness rating(s)" in message["text"]
    assert message["attachment"].startswith(f"/media/{CLIENT}-")
    exported = json.loads((tmp_path / "media" / message["attachment"].removeprefix("/media/")).read_text())
    assert exported["intakes"][0]["situation"] == "Working in a bakery"
    assert exported["clients"][0]["id"] == CLIENT and len(exported["safety_flags"]) == 1
    assert "external_id" not in json.dumps(exported)  # the hash of their chat token stays out
    assert "rasa_events" in exported


async def test_the_export_is_served_as_a_download_and_goes_with_the_client(gateway, fake_rasa, db):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    media_dir = gateway.app[keys.SETTINGS].media_dir
    media_dir.mkdir(parents=True)
    export = media_dir / f"{client_id}-an-unguessable-part.json"
    export.write_text('{"clients": []}')
    response = await gateway.get(f"/media/{export.name}")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    with db() as session:
        request_deletion(session, client_id)
    await gateway.post("/api/messages", json={"text": "bye"}, headers=headers)
    assert not export.exists()


async def test_writing_keeps_a_client_from_retention_however_old_their_account(gateway, fake_rasa, db, settings):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    with db() as session:
        client = session.get(Client, client_id)
        client.created_at = client.last_active_at = utcnow() - timedelta(days=400)
    await gateway.post("/api/messages", json={"text": "still here"}, headers=headers)
    assert erase_inactive_clients(settings) == 0
    with db() as session:
        assert session.get(Client, client_id) is not None


def refuse_deleting_events(engine) -> None:
    """Rasa's tracker store refuses to delete for a while (as if it were away or locked)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text(
                "CREATE TRIGGER refuse_deleting_events BEFORE DELETE ON events "
                "BEGIN SELECT RAISE(ABORT, 'the tracker store is away'); END"
            ))
        else:
            connection.execute(text(
                "CREATE FUNCTION refuse_deleting_events() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'the tracker store is away'; END $$ LANGUAGE plpgsql"
            ))
            connection.execute(text(
                "CREATE TRIGGER refuse_deleting_events BEFORE DELETE ON events "
                "FOR EACH ROW EXECUTE FUNCTION refuse_deleting_events()"
            ))


def allow_deleting_events(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text(
            "DROP TRIGGER refuse_deleting_events" + ("" if engine.dialect.name == "sqlite" else " ON events")
        ))


@pytest.fixture
def quick_erasure_retries(monkeypatch):
    """The gateway tries unfinished erasures again every 0.2 s; asked for before the gateway starts its loop."""
    monkeypatch.setattr(retention, "ERASURE_RETRY_SECONDS", 0.2, raising=False)


async def test_an_erasure_that_stops_half_way_is_finished_later(quick_erasure_retries, gateway, fake_rasa, db, engine):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[-1]["sender"]
    other = await start_session(gateway)
    await open_chat(gateway, token_of(other))
    other_id = fake_rasa.received[-1]["sender"]
    phrase = "my words about glass-blowing in Murano"
    await gateway.post("/api/messages", json={"text": phrase}, headers=headers)
    media_dir = gateway.app[keys.SETTINGS].media_dir
    media_dir.mkdir(parents=True)
    export = media_dir / f"{client_id}-their-export.json"
    export.write_text(f'{{"said": "{phrase}"}}')
    create_events_table(engine, (client_id, phrase), (other_id, "kept"))

    refuse_deleting_events(engine)
    with db() as session:  # "delete my data", confirmed: what action_delete_my_data does inside the turn
        request_deletion(session, client_id)
    response = await gateway.post("/api/messages", json={"text": "Yes, delete everything", "payload": "/affirm"}, headers=headers)
    assert response.status == 200 and (await response.json())["replies"]
    assert rows_mentioning(engine, phrase) == [("events", phrase)], "our rows are gone; Rasa's events could not go yet"

    allow_deleting_events(engine)  # the tracker store is back: the gateway finishes the erasure by itself
    await until(lambda: not rows_mentioning(engine, client_id, phrase), "the erasure is finished")
    assert not export.exists()
    assert rows_mentioning(engine, other_id, "kept"), "another client's conversation stays"


def test_retention_removes_rasas_events_of_conversations_without_a_client(settings, db, engine):
    with db() as session:
        save_intake(session, "still-here", "a situation", {}, ["a goal"])
    create_events_table(engine, ("still-here", "kept words"), ("erased-long-ago", "left-over words"))
    erase_inactive_clients(settings)
    assert rows_mentioning(engine, "erased-long-ago", "left-over words") == []
    assert rows_mentioning(engine, "still-here", "kept words")


async def test_what_practitioners_write_about_a_client_is_in_their_data_and_the_portal_says_so(
    make_portal, actions_db, db, monkeypatch
):
    portal = await make_portal()
    monkeypatch.setenv("MEDIA_DIR", str(portal.app[keys.SETTINGS].media_dir))  # where the action writes the export
    ada = add_account(db, "ada@example.org", "Ada")
    add_client(db, ada, "J.S. from the Tuesday group", id=CLIENT)
    handoff_id = add_handoff(db, CLIENT, ada)
    await logged_in(portal, "ada@example.org")
    handoff_page = f"/portal/handoffs/{handoff_id}"
    noted = await post_form(portal, f"{handoff_page}/notes", {"text": "Seemed tired; ask about sleep"}, token_from=handoff_page)
    assert noted.status == 303

    page = await (await portal.get(handoff_page)).text()
    assert "The client sees notes when they ask for their data" in page and "never sees" not in page
    invites = await (await portal.get("/portal/invites")).text()
    assert "the client sees it when they ask for their data" in invites

    _, dispatcher = await run(ActionShowMyData(), tracker("show me my data", "show_my_data"))
    [message] = dispatcher.messages
    assert "note(s) your practitioner wrote" in message["text"]
    download = await portal.get(message["attachment"])
    assert download.status == 200
    exported = json.loads(await download.text())
    assert [note["text"] for note in exported["practitioner_notes"]] == ["Seemed tired; ask about sleep"]
    assert [invite["label"] for invite in exported["invites"]] == ["J.S. from the Tuesday group"]
