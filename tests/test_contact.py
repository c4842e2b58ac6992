"""A practitioner writes to their client and sets the next session: the rules, what is stored, the
portal's page over real HTTP, the web chat (pushed to an open chat, or in the history), the bot's
welcome back, and the client's record (the timeline the record shows)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from actions.welcome import ActionWelcome
from bot.gateway.wording import PRACTITIONER_LABEL
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.guidance.contact import MAX_PRACTITIONER_MESSAGE_CHARS, message_problem, session_date_problem, session_to_mention
from bot.storage.contact import MESSAGE_ENTRY, SESSION_ENTRY, contact_timeline, next_session, set_next_session
from bot.storage.deletion import request_deletion
from bot.storage.export import client_export
from bot.storage.identity import WEB_CHANNEL, hash_token, new_web_token
from bot.storage.models import ChannelAccount, Message, SessionDate, utcnow
from bot.storage.progress import CONSENT_DECLINED, CONSENT_GIVEN, record_consent
from tests.gateway_support import open_chat
from tests.portal_support import (  # noqa: F401 (fixtures)
    add_account,
    add_admin,
    add_client,
    add_handoff,
    logged_in,
    make_portal,
    portal,
    post_form,
)
from tests.test_actions import CLIENT, run, tracker

pytestmark = pytest.mark.both_databases

TODAY = utcnow().date()


# -- the rules ----------------------------------------------------------------------------------


def test_a_message_must_be_written_and_short():
    assert message_problem("   ") == "Please write a message first."
    assert "1,000 characters; this one has 1,001" in message_problem("x" * (MAX_PRACTITIONER_MESSAGE_CHARS + 1))
    assert message_problem("See you on Tuesday!") is None


def test_a_session_date_is_today_or_later_and_mentioned_only_until_it_has_passed():
    today = date(2027, 1, 11)
    assert session_date_problem(date(2027, 1, 10), today).startswith("That date has passed")
    assert session_date_problem(None, today) is not None
    assert session_date_problem(today, today) is None
    assert session_to_mention(date(2027, 1, 12), today) == "Tuesday 12 January (tomorrow)"
    assert session_to_mention(date(2027, 2, 2), today) == "Tuesday 2 February"
    assert session_to_mention(date(2028, 1, 4), today) == "Tuesday 4 January 2028"
    assert session_to_mention(date(2027, 1, 10), today) is None
    assert session_to_mention(None, today) is None


# -- storage: the record's timeline -------------------------------------------------------------


def test_the_timeline_holds_the_messages_and_every_change_of_the_session_date(db):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id = add_client(db, pat, "J.S.")
    with db() as session:
        set_next_session(session, client_id, pat, date(2031, 1, 14))
        session.add(Message(client_id=client_id, direction="out", channel="web", text="Hello from Pat", status="sent",
                            author_id=pat, content={"author": "Pat Practitioner"}))
        session.add(Message(client_id=client_id, direction="out", channel="web", text="A bot reply", status="sent"))
        session.flush()
        set_next_session(session, client_id, pat, date(2031, 1, 21))
        set_next_session(session, client_id, pat, None)
        entries = contact_timeline(session, client_id)
        assert next_session(session, client_id) is None
    assert [(e.kind, e.text, e.author) for e in entries] == [
        (SESSION_ENTRY, "Next session set for Tuesday 14 January 2031", "Pat Practitioner"),
        (MESSAGE_ENTRY, "Hello from Pat", "Pat Practitioner"),
        (SESSION_ENTRY, "Next session changed to Tuesday 21 January 2031", "Pat Practitioner"),
        (SESSION_ENTRY, "Next session removed", "Pat Practitioner"),
    ]
    assert entries == sorted(entries, key=lambda e: e.at)


# -- the bot's welcome back ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "days_ahead, mentioned",
    [(1, "tomorrow"), (9, "yes"), (-1, None), (None, None)],
)
async def test_the_welcome_back_mentions_a_next_session_that_has_not_passed(actions_db, db, days_ahead, mentioned):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        if days_ahead is not None:
            set_next_session(session, CLIENT, None, TODAY + timedelta(days=days_ahead))
    _, dispatcher = await run(ActionWelcome(), tracker(intent="greet"))
    said = [m for m in dispatcher.messages if m.get("response") == "utter_next_session"]
    if mentioned is None:
        assert said == []
    else:
        [message] = said
        assert message["session_date"] == session_to_mention(TODAY + timedelta(days=days_ahead), TODAY)
        assert ("(tomorrow)" in message["session_date"]) == (mentioned == "tomorrow")


async def test_a_removed_session_is_not_mentioned(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        set_next_session(session, CLIENT, None, TODAY + timedelta(days=3))
        set_next_session(session, CLIENT, None, None)
    _, dispatcher = await run(ActionWelcome(), tracker(intent="greet"))
    assert "utter_next_session" not in [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize("zone, mentioned", [("Etc/GMT+12", True), ("Pacific/Kiritimati", False)])
async def test_the_welcome_back_measures_the_session_against_today_in_the_services_time_zone(actions_db, db, monkeypatch, zone, mentioned):
    """A session on today's date in Etc/GMT+12 has passed in Pacific/Kiritimati, always at least a day ahead."""
    monkeypatch.setenv("SERVICE_TIME_ZONE", zone)
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        set_next_session(session, CLIENT, None, datetime.now(ZoneInfo("Etc/GMT+12")).date())
    _, dispatcher = await run(ActionWelcome(), tracker(intent="greet"))
    assert ("utter_next_session" in [m.get("response") for m in dispatcher.messages]) == mentioned


# -- the portal and the web chat ----------------------------------------------------------------


def a_web_client(db, practitioner_id: int | None, label: str = "J.S.", consent: str | None = CONSENT_GIVEN) -> tuple[str, str]:
    """A web client of the practitioner (bound through an invite labelled `label`) who answered the
    consent question with `consent`; returns their id and their chat token."""
    client_id, token = add_client(db, practitioner_id, label), new_web_token()
    with db() as session:
        session.add(ChannelAccount(client_id=client_id, channel=WEB_CHANNEL, external_id=hash_token(token)))
        if consent is not None:
            record_consent(session, client_id, consent, CONSENT_TEXT_VERSION)
    return client_id, token


@pytest.fixture
async def pats_client(portal, db) -> tuple[int, str, str]:
    """Pat Practitioner, logged in on `portal`, and a web client of theirs who agreed: (Pat's id, client id, token)."""
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id, token = a_web_client(db, pat)
    await logged_in(portal, "pat@example.org")
    return pat, client_id, token


def stored_practitioner_messages(db, client_id: str) -> list[Message]:
    with db() as session:
        rows = list(session.execute(select(Message).where(Message.client_id == client_id, Message.author_id.is_not(None))).scalars())
        session.expunge_all()
        return rows


async def write(portal, client_id: str, text: str):
    return await post_form(portal, f"/portal/clients/{client_id}/messages", {"text": text}, token_from=f"/portal/clients/{client_id}/contact")


async def test_a_message_reaches_an_open_web_chat_at_once_labelled_as_the_practitioners(portal, db, pats_client):
    _, client_id, token = pats_client
    async with portal.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": token})
        assert (await socket.receive_json(timeout=10))["type"] == "ready"
        while (await socket.receive_json(timeout=10))["type"] != "message":
            pass  # the greeting
        response = await write(portal, client_id, "Could we meet before Christmas? I have Tuesday free.")
        assert response.status == 303 and response.headers["Location"].endswith("/contact?done=sent#messages")
        pushed = await socket.receive_json(timeout=10)
    assert pushed["type"] == "message"
    message = pushed["message"]
    assert message["text"] == "Could we meet before Christmas? I have Tuesday free."
    assert message["author"]["label"] == PRACTITIONER_LABEL.format(name="Pat Practitioner")
    assert "not to Pat Practitioner" in message["author"]["note"]

    # The conversation keeps it: the chat's history, and the portal page shows it as sent.
    history = await (await portal.get("/api/messages", headers={"Authorization": f"Bearer {token}"})).json()
    assert history["messages"][-1]["author"]["name"] == "Pat Practitioner"
    page = await (await portal.get(f"/portal/clients/{client_id}/contact?done=sent")).text()
    assert "Sent. It is in their conversation now." in page
    assert "Could we meet before Christmas?" in page and "From Pat Practitioner" in page


async def test_a_client_whose_chat_is_closed_sees_the_message_when_they_next_open_it(portal, db, pats_client):
    pat, client_id, token = pats_client
    assert (await write(portal, client_id, "Please call me when you can.")).status == 303
    history = await (await portal.get("/api/messages", headers={"Authorization": f"Bearer {token}"})).json()
    [message] = [m for m in history["messages"] if m["author"]]
    assert message["text"] == "Please call me when you can." and message["direction"] == "out"
    [stored] = stored_practitioner_messages(db, client_id)
    assert stored.channel == "web" and stored.author_id == pat


@pytest.mark.parametrize(
    "text, error",
    [("   ", "Please write a message first."), ("x" * 1001, "Please keep the message to 1,000 characters; this one has 1,001.")],
)
async def test_an_empty_or_too_long_message_gets_a_kind_answer_and_the_text_back(portal, db, text, error, pats_client):
    client_id = pats_client[1]
    response = await write(portal, client_id, text)
    html = await response.text()
    assert response.status == 422 and error in html
    if text.strip():
        assert text in html, "what was written is not lost"
    assert stored_practitioner_messages(db, client_id) == []


@pytest.mark.parametrize("consent, words", [(None, "has not agreed"), (CONSENT_DECLINED, "has not agreed")])
async def test_nothing_is_sent_to_a_client_who_did_not_agree_to_storage(portal, db, consent, words):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id, _ = a_web_client(db, pat, consent=consent)
    await logged_in(portal, "pat@example.org")
    page = await (await portal.get(f"/portal/clients/{client_id}/contact")).text()
    assert words in page and 'name="text"' not in page and 'name="session_on"' not in page
    response = await post_form(portal, f"/portal/clients/{client_id}/messages", {"text": "Hello"}, token_from="/portal/")
    assert response.status == 403
    response = await post_form(portal, f"/portal/clients/{client_id}/next-session", {"session_on": (TODAY + timedelta(days=3)).isoformat()})
    assert response.status == 403
    assert stored_practitioner_messages(db, client_id) == []
    with db() as session:
        assert session.execute(select(SessionDate)).first() is None


async def test_nothing_is_sent_to_a_client_who_asked_for_their_data_to_go(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id, _ = a_web_client(db, pat)
    with db() as session:
        request_deletion(session, client_id)
    await logged_in(portal, "pat@example.org")
    response = await post_form(portal, f"/portal/clients/{client_id}/messages", {"text": "Hello"})
    assert response.status == 403 and "asked for their data to be deleted" in await response.text()


async def test_another_practitioner_cannot_find_the_page_and_an_administrator_only_reads_it(portal, db):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    add_account(db, "bo@example.org", "Bo")
    add_admin(db)
    client_id, _ = a_web_client(db, pat)
    await logged_in(portal, "bo@example.org")
    assert (await portal.get(f"/portal/clients/{client_id}/contact")).status == 404
    response = await post_form(portal, f"/portal/clients/{client_id}/messages", {"text": "Hi from Bo"})
    assert response.status == 404
    await logged_in(portal, "admin@example.org")
    page = await (await portal.get(f"/portal/clients/{client_id}/contact")).text()
    assert "Only J.S.&#39;s practitioner, Pat Practitioner, can write to them" in page
    response = await post_form(portal, f"/portal/clients/{client_id}/messages", {"text": "Hi from the admin"})
    assert response.status == 403
    assert stored_practitioner_messages(db, client_id) == []


async def test_the_forms_need_the_sessions_csrf_token(portal, db, pats_client):
    client_id = pats_client[1]
    for path, data in [(f"/portal/clients/{client_id}/messages", {"text": "Hello"}), (f"/portal/clients/{client_id}/next-session", {"session_on": "2031-01-14"})]:
        response = await portal.post(path, data={**data, "csrf_token": "forged"}, allow_redirects=False)
        assert response.status == 403
    assert stored_practitioner_messages(db, client_id) == []


async def test_the_next_session_is_set_changed_and_removed_and_a_past_date_is_refused_kindly(portal, db, pats_client):
    client_id = pats_client[1]
    path = f"/portal/clients/{client_id}/next-session"
    token_from = f"/portal/clients/{client_id}/contact"

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = await post_form(portal, path, {"session_on": yesterday}, token_from)
    assert response.status == 422 and "That date has passed" in await response.text()
    response = await post_form(portal, path, {"session_on": "next tuesday"}, token_from)
    assert response.status == 422 and "Please choose a date" in await response.text()

    first, second = date(2031, 1, 14), date(2031, 1, 21)
    response = await post_form(portal, path, {"session_on": first.isoformat()}, token_from)
    assert response.status == 303
    page = await (await portal.get(token_from)).text()
    assert "Next session: <strong>Tuesday 14 January 2031</strong>" in page
    await post_form(portal, path, {"session_on": second.isoformat()}, token_from)
    page = await (await portal.get(token_from)).text()
    assert "Tuesday 21 January 2031" in page and "Next session changed to Tuesday 21 January 2031 · Pat Practitioner" in page
    response = await post_form(portal, path, {"remove": "1"}, token_from)
    assert response.headers["Location"].endswith("done=session-removed#next-session")
    page = await (await portal.get(token_from)).text()
    assert "No date set." in page and "Next session removed · Pat Practitioner" in page
    with db() as session:
        assert next_session(session, client_id) is None


async def test_the_client_page_links_to_the_contact_page(portal, db, pats_client):
    client_id = pats_client[1]
    page = await (await portal.get(f"/portal/clients/{client_id}")).text()
    assert f'href="/portal/clients/{client_id}/contact"' in page


async def test_the_record_shows_the_messages_and_the_session_dates_in_its_timeline_and_print(portal, db, pats_client):
    client_id = pats_client[1]
    contact = f"/portal/clients/{client_id}/contact"
    await write(portal, client_id, "Could we meet before Christmas? Bring your list of courses.")
    await post_form(portal, f"/portal/clients/{client_id}/next-session", {"session_on": "2031-01-14"}, contact)
    await post_form(portal, f"/portal/clients/{client_id}/next-session", {"session_on": "2031-01-21"}, contact)

    page = await (await portal.get(f"/portal/clients/{client_id}")).text()
    timeline = page[page.index('id="timeline"'):page.index('id="parts"')]
    assert "Next session: <strong>21 Jan 2031</strong>" in page
    # Newest first, each a link to the contact page where it is in full.
    changed = timeline.index("Next session changed to Tuesday 21 January 2031, by Pat Practitioner")
    set_first = timeline.index("Next session set for Tuesday 14 January 2031, by Pat Practitioner")
    message = timeline.index("Message from Pat Practitioner to the client")
    assert changed < set_first < message
    assert "Could we meet before Christmas? Bring your list of courses." in timeline
    assert f'href="{contact}#messages"' in timeline and f'href="{contact}#next-session"' in timeline

    printed = await (await portal.get(f"/portal/clients/{client_id}/print")).text()
    assert "next session 21 Jan 2031" in printed
    assert printed.index("Message from Pat Practitioner to the client") < printed.index("Next session set for Tuesday 14 January 2031")

    await post_form(portal, f"/portal/clients/{client_id}/next-session", {"remove": "1"}, contact)
    page = await (await portal.get(f"/portal/clients/{client_id}")).text()
    assert "Next session:" not in page and "Next session removed, by Pat Practitioner" in page


async def test_a_session_date_is_measured_against_today_in_the_services_time_zone(make_portal, db):
    """Etc/GMT+12 is always at least a day behind Pacific/Kiritimati: its today has passed there."""
    behind = datetime.now(ZoneInfo("Etc/GMT+12")).date().isoformat()
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id, _ = a_web_client(db, pat)
    for zone, accepted in (("Pacific/Kiritimati", False), ("Etc/GMT+12", True)):
        portal = await make_portal(service_time_zone=zone)
        await logged_in(portal, "pat@example.org")
        contact = f"/portal/clients/{client_id}/contact"
        response = await post_form(portal, f"/portal/clients/{client_id}/next-session", {"session_on": behind}, contact)
        assert (response.status == 303) == accepted, zone
        if not accepted:
            assert "That date has passed" in await response.text()


async def test_a_shared_transcript_shows_the_practitioners_message_as_theirs(portal, db, pats_client):
    pat, client_id, _ = pats_client
    await write(portal, client_id, "Remember to bring your CV.")
    handoff_id = add_handoff(db, client_id, pat, share_transcript=True)
    page = await (await portal.get(f"/portal/handoffs/{handoff_id}")).text()
    assert "Pat Practitioner (practitioner)" in page and "Remember to bring your CV." in page


async def test_messages_and_session_dates_are_in_the_clients_data_and_go_with_it(portal, db, pats_client):
    pat, client_id, _ = pats_client
    await write(portal, client_id, "See you soon.")
    await post_form(portal, f"/portal/clients/{client_id}/next-session", {"session_on": "2031-01-14"})
    with db() as session:
        export = client_export(session, client_id)
    assert [row["session_on"] for row in export["session_dates"]] == ["2031-01-14"]
    assert any(row["text"] == "See you soon." and row["author_id"] == pat for row in export["messages"])


async def test_a_message_between_a_question_and_its_answer_leaves_the_question_waiting(portal, db, fake_rasa):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id, token = a_web_client(db, pat)
    headers = {"Authorization": f"Bearer {token}"}
    question = [{"text": "What is your situation?"}, {"custom": {"asks": "question", "question": {"key": "situation", "kind": "open"}}}]
    fake_rasa.reply_to = lambda message: question if message == "ok" else [{"text": "Thanks."}]
    await open_chat(portal, token)
    assert (await portal.post("/api/messages", json={"text": "ok"}, headers=headers)).status == 200
    await logged_in(portal, "pat@example.org")
    await write(portal, client_id, "Looking forward to Tuesday.")
    assert (await portal.post("/api/messages", json={"text": "I work in a café"}, headers=headers)).status == 200
    answering = fake_rasa.received[-1]["metadata"]["answering"]
    assert answering["question"] == "question" and answering["note"] == {"key": "situation", "kind": "open"}
    assert [body["message"] for body in fake_rasa.received] == ["/greet", "ok", "I work in a café"], "Rasa never sees it"


async def test_without_a_session_the_contact_page_sends_you_to_log_in_and_nothing_is_sent(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id, _ = a_web_client(db, pat)
    response = await portal.get(f"/portal/clients/{client_id}/contact", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/portal/login?next=")
    response = await portal.post(f"/portal/clients/{client_id}/messages", data={"text": "Hello"}, allow_redirects=False)
    assert response.status == 403  # no session, so no CSRF token either
    assert stored_practitioner_messages(db, client_id) == []
