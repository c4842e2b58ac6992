"""A practitioner's invitation binds the client who opens it to them: single-use, expiring,
unguessable; on the web through POST /api/invites/redeem, as the chat page does for /?invite=CODE."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage.invites import create_invite, hash_code
from bot.storage.models import Client, Invite, Practitioner, utcnow
from tests.portal_support import add_account, logged_in
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


async def redeem_with(gateway, headers, code, **choice):
    response = await gateway.post("/api/invites/redeem", json={"code": code, **choice}, headers=headers)
    await assert_matches_document(response, "/api/invites/redeem", "post")
    return response


async def dashboard_of(gateway, email: str) -> str:
    await logged_in(gateway, email)
    page = await gateway.get("/portal/")
    assert page.status == 200
    return await page.text()


async def test_a_client_of_another_practitioner_is_asked_first_and_stays_if_they_say_no(gateway, db):
    ada = add_account(db, "ada@example.org", "Ada Lovelace")
    bea = add_account(db, "bea@example.org", "Bea Fischer")
    _, headers = await new_client(gateway)
    assert (await redeem(gateway, headers, new_invite(db, ada))).status == 200
    beas_code = new_invite(db, bea)

    asked = await redeem(gateway, headers, beas_code)
    assert asked.status == 200
    question = await asked.json()
    assert question["outcome"] == "confirm_move"
    assert "Bea Fischer" in question["message"] and "Ada Lovelace" in question["message"]
    assert "summaries" in question["message"], "the client hears what the new practitioner will see"
    assert [choice["move"] for choice in question["choices"]] == [True, False]
    assert practitioner_of_every_client(db) == [ada], "nothing moves before the client says so"

    stayed = await redeem_with(gateway, headers, beas_code, move=False)
    assert stayed.status == 200 and (await stayed.json())["outcome"] == "stayed"
    assert practitioner_of_every_client(db) == [ada]
    with db() as session:
        assert session.query(Invite).filter(Invite.practitioner_id == bea).one().used_at is None


async def test_a_client_who_agrees_moves_and_the_earlier_practitioner_sees_that_they_did(gateway, db):
    ada = add_account(db, "ada@example.org", "Ada Lovelace")
    bea = add_account(db, "bea@example.org", "Bea Fischer")
    _, headers = await new_client(gateway)
    await redeem(gateway, headers, new_invite(db, ada))  # labelled "J.S." by Ada
    with db() as session:
        code = create_invite(session, bea, "Jo S.", 14).code

    moved = await redeem_with(gateway, headers, code, move=True)
    assert moved.status == 200
    body = await moved.json()
    assert body["outcome"] == "moved" and "Bea Fischer" in body["message"]
    assert practitioner_of_every_client(db) == [bea]

    adas = await dashboard_of(gateway, "ada@example.org")
    assert "moved to another practitioner" in adas and "J.S." in adas
    assert "Jo S." not in adas and "Bea" not in adas, "Ada learns that the client moved, not to whom"
    beas = await dashboard_of(gateway, "bea@example.org")
    assert "Jo S." in beas and "moved to another practitioner" not in beas


async def test_an_invitation_of_ones_own_practitioner_needs_no_question(gateway, db):
    ada = add_account(db, "ada@example.org", "Ada Lovelace")
    _, headers = await new_client(gateway)
    await redeem(gateway, headers, new_invite(db, ada))
    again = await redeem(gateway, headers, new_invite(db, ada))
    assert again.status == 200 and (await again.json())["outcome"] == "bound"
