"""Helpers for the portal tests: a gateway app with the portal, accounts, clients and handoffs made directly."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.gateway.app import create_app
from bot.gateway.rasa_client import RasaClient
from bot.portal.practitioners import create_account
from bot.storage.invites import create_invite
from bot.storage.models import ADMINISTRATOR, HANDOFF_APPROVED, PRACTITIONER, Client, Handoff, utcnow
from tests.gateway_support import TOKEN

PASSWORD = "a long enough password"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def make_portal(aiohttp_client, aiohttp_server, fake_rasa, settings, engine):
    """A factory: the gateway (with the portal) on the migrated test database, settings changed as asked."""

    async def start(**changes: Any) -> TestClient:
        rasa_server = await aiohttp_server(fake_rasa.app())
        url = str(rasa_server.make_url(""))
        changed = dataclasses.replace(settings, rasa_port=rasa_server.port, rasa_token=TOKEN, **changes)
        return await aiohttp_client(create_app(changed, rasa=RasaClient(url, TOKEN, action_server_url=url)))

    return start


@pytest.fixture
async def portal(make_portal) -> TestClient:
    return await make_portal()


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has a form with a CSRF token"
    return match[1]


async def login(client: TestClient, email: str, password: str = PASSWORD, fresh: bool = True):
    """Log in through the login form; returns the answer to the POST (not followed)."""
    if fresh:
        client.session.cookie_jar.clear()
    page = await client.get("/portal/login")
    token = csrf_from(await page.text())
    return await client.post(
        "/portal/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/portal/"},
        allow_redirects=False,
    )


async def logged_in(client: TestClient, email: str) -> None:
    response = await login(client, email)
    assert response.status == 303, await response.text()


async def page_token(client: TestClient, path: str = "/portal/") -> str:
    """The CSRF token of the logged-in session, read from a page's form."""
    response = await client.get(path)
    assert response.status == 200
    return csrf_from(await response.text())


async def post_form(client: TestClient, path: str, data: dict[str, str] | None = None, token_from: str = "/portal/"):
    token = await page_token(client, token_from)
    return await client.post(path, data={"csrf_token": token, **(data or {})}, allow_redirects=False)


def add_account(db, email: str, name: str, role: str = PRACTITIONER, password: str = PASSWORD) -> int:
    with db() as session:
        return create_account(session, email, name, password, role).id


def add_admin(db, email: str = "admin@example.org", name: str = "Ada Admin") -> int:
    return add_account(db, email, name, ADMINISTRATOR)


def add_client(db, practitioner_id: int | None, label: str | None = None, **fields: Any) -> str:
    """A client bound to the practitioner through a used invite carrying `label`."""
    with db() as session:
        client = Client(practitioner_id=practitioner_id, **fields)
        session.add(client)
        session.flush()
        if practitioner_id is not None and label is not None:
            invite = create_invite(session, practitioner_id, label, 14).invite
            invite.used_at, invite.client_id = utcnow(), client.id
        return client.id


def add_handoff(
    db,
    client_id: str,
    practitioner_id: int | None,
    items: list[dict[str, str]] | None = None,
    status: str = HANDOFF_APPROVED,
    message: str | None = None,
    share_transcript: bool = False,
    approved_at: datetime | None = None,
) -> int:
    with db() as session:
        handoff = Handoff(
            client_id=client_id,
            practitioner_id=practitioner_id,
            status=status,
            items=items if items is not None else [{"key": "goal:1", "section": "goals", "text": "Find work in ecology"}],
            message=message,
            share_transcript=share_transcript,
            approved_at=(approved_at or utcnow()) if status == HANDOFF_APPROVED else None,
        )
        session.add(handoff)
        session.flush()
        return handoff.id


def minutes_ago(minutes: int) -> datetime:
    return utcnow() - timedelta(minutes=minutes)
