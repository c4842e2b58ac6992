"""E-mail about new handoffs, against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import socket
from email.message import Message as EmailMessage

import pytest
from aiosmtpd.controller import Controller

from bot.portal import notify
from bot.portal.notify import MAX_ATTEMPTS, NoticeState, NotifyResult, notify_waiting, run_handoff_notifications
from bot.settings import SmtpSettings
from bot.storage.models import HANDOFF_DRAFT, Handoff
from tests.portal_support import add_account, add_admin, add_client, add_handoff, make_portal  # noqa: F401 (fixtures)

CLIENT_TEXT = "My manager shouts at me"


class Inbox:
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def mail_settings(settings, smtp_server):
    controller, _ = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=controller.port, sender="waypoint@guidance.example.org", security="none")
    return dataclasses.replace(settings, smtp=smtp, public_url_setting="https://guidance.example.org")


def a_handoff_with_client_text(db, practitioner_id: int | None) -> int:
    client_id = add_client(db, practitioner_id, "J.D.")
    items = [{"key": "goal:1", "section": "goals", "text": CLIENT_TEXT}]
    return add_handoff(db, client_id, practitioner_id, items=items, message=CLIENT_TEXT, share_transcript=True)


def notified_at(db, handoff_id: int):
    with db() as session:
        return session.get(Handoff, handoff_id).notified_at


def test_a_new_handoff_sends_one_e_mail_with_the_link_and_no_client_text(mail_settings, smtp_server, session_factory, db):
    _, inbox = smtp_server
    pat = add_account(db, "pat@example.org", "Pat")
    handoff_id = a_handoff_with_client_text(db, pat)
    add_handoff(db, add_client(db, pat), pat, status=HANDOFF_DRAFT)  # a draft is nobody's news yet
    assert notify_waiting(mail_settings, session_factory) == NotifyResult(done=1, failed=0)
    assert notify_waiting(mail_settings, session_factory) == NotifyResult(done=0, failed=0)  # nothing is sent twice
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    body = message.get_payload(decode=True).decode()
    assert recipients == ["pat@example.org"] and message["To"] == "pat@example.org"
    assert message["From"] == "waypoint@guidance.example.org" and "new handoff" in message["Subject"]
    assert f"https://guidance.example.org/portal/handoffs/{handoff_id}" in body
    assert CLIENT_TEXT not in message.as_string() and "J.D." not in message.as_string()
    assert notified_at(db, handoff_id) is not None


def test_without_a_practitioner_the_administrators_are_told(mail_settings, smtp_server, session_factory, db):
    _, inbox = smtp_server
    add_admin(db, "ada@example.org", "Ada")
    add_admin(db, "ali@example.org", "Ali")
    a_handoff_with_client_text(db, None)
    notify_waiting(mail_settings, session_factory)
    assert len(inbox.messages) == 1 and sorted(inbox.messages[0][0]) == ["ada@example.org", "ali@example.org"]


def test_without_smtp_nothing_is_sent_and_the_handoff_is_marked(settings, smtp_server, session_factory, db):
    _, inbox = smtp_server
    assert not settings.smtp.configured
    handoff_id = a_handoff_with_client_text(db, add_account(db, "pat@example.org", "Pat"))
    assert notify_waiting(settings, session_factory).done == 1
    assert inbox.messages == [] and notified_at(db, handoff_id) is not None


def test_when_the_mail_server_is_down_the_e_mail_is_sent_later(mail_settings, smtp_server, session_factory, db):
    controller, inbox = smtp_server
    handoff_id = a_handoff_with_client_text(db, add_account(db, "pat@example.org", "Pat"))
    down = dataclasses.replace(mail_settings, smtp=dataclasses.replace(mail_settings.smtp, port=free_port()))
    assert notify_waiting(down, session_factory) == NotifyResult(done=0, failed=1)
    assert notified_at(db, handoff_id) is None  # still waiting to be sent
    notify_waiting(mail_settings, session_factory)
    assert len(inbox.messages) == 1 and notified_at(db, handoff_id) is not None


async def test_the_running_gateway_mails_a_newly_approved_handoff(make_portal, mail_settings, smtp_server, db):
    _, inbox = smtp_server
    await make_portal(smtp=mail_settings.smtp, public_url_setting=mail_settings.public_url_setting)
    handoff_id = a_handoff_with_client_text(db, add_account(db, "pat@example.org", "Pat"))
    deadline = asyncio.get_running_loop().time() + 20
    while notified_at(db, handoff_id) is None and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
    assert notified_at(db, handoff_id) is not None
    assert len(inbox.messages) == 1
    assert f"/portal/handoffs/{handoff_id}" in inbox.messages[0][1].get_payload(decode=True).decode()


async def test_a_failed_send_is_logged_without_client_text_or_addresses(mail_settings, session_factory, db, caplog):
    a_handoff_with_client_text(db, add_account(db, "pat@example.org", "Pat"))
    down = dataclasses.replace(mail_settings, smtp=dataclasses.replace(mail_settings.smtp, port=free_port()))
    task = asyncio.create_task(run_handoff_notifications(down, session_factory, poll_seconds=0.01))
    deadline = asyncio.get_running_loop().time() + 20
    while not caplog.records and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "could not be sent" in caplog.text
    assert CLIENT_TEXT not in caplog.text and "pat@example.org" not in caplog.text


class RefusingInbox(Inbox):
    """A mail server that refuses one recipient (a mailbox that no longer exists) and accepts the rest."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address == self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_handoff_whose_e_mail_keeps_failing_does_not_hold_up_the_next(mail_settings, session_factory, db, caplog):
    inbox = RefusingInbox("gone@example.org")
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        refusing = dataclasses.replace(mail_settings, smtp=dataclasses.replace(mail_settings.smtp, port=controller.port))
        stuck = a_handoff_with_client_text(db, add_account(db, "gone@example.org", "Gone"))
        fine = a_handoff_with_client_text(db, add_account(db, "pat@example.org", "Pat"))
        state = NoticeState()
        assert notify_waiting(refusing, session_factory, state) == NotifyResult(done=1, failed=1)
        assert [recipients for recipients, _ in inbox.messages] == [["pat@example.org"]]
        assert f"/portal/handoffs/{fine}" in inbox.messages[0][1].get_payload(decode=True).decode()
        assert notified_at(db, stuck) is None and notified_at(db, fine) is not None
        for _ in range(MAX_ATTEMPTS - 2):
            assert notify_waiting(refusing, session_factory, state) == NotifyResult(done=0, failed=1)
        assert notified_at(db, stuck) is None  # still tried
        assert notify_waiting(refusing, session_factory, state) == NotifyResult(done=1, failed=0)  # given up on
        assert notified_at(db, stuck) is not None and len(inbox.messages) == 1
        assert notify_waiting(refusing, session_factory, state) == NotifyResult(done=0, failed=0)
        assert f"handoff {stuck}" in caplog.text and "giving up" in caplog.text
        assert "gone@example.org" not in caplog.text and CLIENT_TEXT not in caplog.text
    finally:
        controller.stop()


def test_a_handoff_mailed_but_not_marked_is_not_mailed_again(mail_settings, smtp_server, session_factory, db, monkeypatch):
    _, inbox = smtp_server
    handoff_id = a_handoff_with_client_text(db, add_account(db, "pat@example.org", "Pat"))
    mark = notify.mark_notified

    def database_away(sessions, handoff_id):
        raise RuntimeError("the database is away")

    monkeypatch.setattr(notify, "mark_notified", database_away)
    state = NoticeState()
    assert notify_waiting(mail_settings, session_factory, state) == NotifyResult(done=0, failed=1)
    monkeypatch.setattr(notify, "mark_notified", mark)
    assert notify_waiting(mail_settings, session_factory, state) == NotifyResult(done=1, failed=0)
    assert len(inbox.messages) == 1 and notified_at(db, handoff_id) is not None
