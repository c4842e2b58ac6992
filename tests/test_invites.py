"""A practitioner's invitation binds the client who opens it to them: single-use, expiring,
unguessable; on the web through POST /api/invites/redeem, as the chat page does for /?invite=CODE."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage.invites import create_invite, hash_code
from bot.storage.models import Client, Invite, Practitioner, utcnow
from tests.test_openapi import assert_matches_document

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def ada(db) -> int:
    with db() as session:
        practitioner = Practitioner(email="ada@example.org", display_name="Ada", password_hash="x")
        session.add(practitioner)
        session.flush()
        return practitioner.id


def new_invite(db, practitioner_id: int, valid_days: int = 14) -> str:
    with db() as session:
        return create_invite(session, practitioner_id, "J.S.", valid_days).code


async def new_client(gateway) -> tuple[str, dict[str, str]]:
    token = (await (await gateway.post("/api/sessions")).json())["client_token"]
    return token, {"Authorization": f"Bearer {token}"}


async def redeem(gateway, headers, code):
    response = await gateway.post("/api/invites/redeem", json={"code": code}, headers=headers)
    await assert_matches_document(response, "/api/invites/redeem", "post")
    return response


def practitioner_of_every_client(db) -> list[int | None]:
    with db() as session:
        return [client.practitioner_id for client in session.query(Client).all()]


async def test_an_invitation_binds_the_client_once_and_only_its_hash_is_stored(gateway, db, ada):
    code = new_invite(db, ada)
    _, headers = await new_client(gateway)
    response = await redeem(gateway, headers, code)
    assert response.status == 200
    body = await response.json()
    assert body["outcome"] == "bound" and "connected with your practitioner" in body["message"]
    assert practitioner_of_every_client(db) == [ada]
    with db() as session:
        [invite] = session.query(Invite).all()
        assert invite.code_hash == hash_code(code) and code not in invite.code_hash
        assert invite.used_at is not None

    again = await redeem(gateway, headers, code)
    assert again.status == 200 and (await again.json())["outcome"] == "already_bound"

    _, someone_else = await new_client(gateway)
    used = await redeem(gateway, someone_else, code)
    assert used.status == 409 and (await used.json())["error"] == "invite_used"
    assert sorted(practitioner_of_every_client(db), key=str) == sorted([ada, None], key=str)


async def test_an_expired_or_unknown_invitation_is_refused_kindly(gateway, db, ada):
    code = new_invite(db, ada)
    with db() as session:
        session.query(Invite).one().expires_at = utcnow() - timedelta(minutes=1)
    _, headers = await new_client(gateway)
    expired = await redeem(gateway, headers, code)
    assert expired.status == 410 and "expired" in (await expired.json())["message"]
    unknown = await redeem(gateway, headers, code + "x")
    assert unknown.status == 404 and "couldn't find" in (await unknown.json())["message"]
    assert practitioner_of_every_client(db) == [None]


async def test_redeeming_needs_a_client_token_and_a_code(gateway, db, ada):
    code = new_invite(db, ada)
    assert (await redeem(gateway, {}, code)).status == 401
    _, headers = await new_client(gateway)
    for body in ({}, {"code": ""}, {"code": 5}, ["x"]):
        response = await gateway.post("/api/invites/redeem", json=body, headers=headers)
        assert response.status == 400
        await assert_matches_document(response, "/api/invites/redeem", "post")


def test_codes_are_unguessable_and_differ(db, ada):
    codes = {new_invite(db, ada) for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) >= 20 for code in codes)
