"""Limits that keep anyone from making clients and Rasa turns without end, over real HTTP on
loopback: new sessions and link-code redemptions per address (behind TRUSTED_PROXIES, the address
the proxies saw), the greeting produced only once a client connects or writes, and the gateway's
per-client tables emptied again."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.gateway import keys
from bot.gateway import rate_limit
from bot.storage.models import Message
from tests.gateway_support import open_chat, until
from tests.portal_support import make_portal  # noqa: F401  (fixture)


async def new_session(client, address: str | None = None):
    headers = {"X-Forwarded-For": address} if address else {}
    return await client.post("/api/sessions", headers=headers)


SESSIONS_PER_HOUR = 60  # the default of NEW_SESSIONS_PER_HOUR
LINK_ATTEMPTS_PER_HOUR = 20


async def test_new_sessions_from_one_address_are_limited_with_a_kind_answer(make_portal):
    client = await make_portal()
    statuses = [(await new_session(client)).status for _ in range(SESSIONS_PER_HOUR)]
    assert statuses == [201] * SESSIONS_PER_HOUR
    refused = await new_session(client)
    assert refused.status == 429
    body = await refused.json()
    assert body["error"] == "too_many_sessions" and "new conversations" in body["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


async def test_without_trusted_proxies_a_forwarded_address_is_not_believed(make_portal):
    client = await make_portal()
    statuses = [(await new_session(client, f"203.0.113.{n}")).status for n in range(SESSIONS_PER_HOUR + 1)]
    assert statuses[-1] == 429  # one address, the connection's, whatever the header claims


async def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(make_portal):
    client = await make_portal(trusted_proxies=("127.0.0.1",))
    statuses = [(await new_session(client, "203.0.113.7")).status for _ in range(SESSIONS_PER_HOUR + 1)]
    assert statuses[-1] == 429 and statuses.count(201) == SESSIONS_PER_HOUR
    # Another client behind the same proxy is not held up by the first one's sessions.
    assert (await new_session(client, "198.51.100.4")).status == 201
    # Only what the trusted proxy added counts: an address the client put in front is not believed.
    assert (await new_session(client, "192.0.2.1, 203.0.113.7")).status == 429


async def test_link_codes_tried_from_one_address_are_limited(make_portal):
    client = await make_portal()
    statuses = []
    for attempt in range(LINK_ATTEMPTS_PER_HOUR + 1):
        response = await client.post("/api/link-codes/redeem", json={"code": f"WRONGCODE{attempt:03d}"})
        statuses.append(response.status)
    assert statuses == [404] * LINK_ATTEMPTS_PER_HOUR + [429]
    refused = await client.post("/api/link-codes/redeem", json={"code": "ANOTHERCODE1"})
    body = await refused.json()
    assert refused.status == 429 and body["error"] == "too_many_link_attempts" and body["message"]
    assert int(refused.headers["Retry-After"]) > 0


def messages_of_everyone(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Message.__table__)).scalar()


async def test_a_session_costs_no_turn_until_the_client_connects_and_is_greeted_once(make_portal, fake_rasa, engine):
    client = await make_portal()
    token = (await (await new_session(client)).json())["client_token"]
    assert messages_of_everyone(engine) == 0 and fake_rasa.received == []

    greeting = await open_chat(client, token)
    assert greeting["text"] == "Hello, I'm Waypoint."
    await open_chat(client, token, expect_greeting=False)  # connecting again (a reload) greets no more
    response = await client.post("/api/messages", json={"text": "hello again"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert [body["message"] for body in fake_rasa.received] == ["/greet", "are you there?", "hello again"]


async def test_a_client_who_writes_before_connecting_is_greeted_first(make_portal, fake_rasa):
    client = await make_portal()
    token = (await (await new_session(client)).json())["client_token"]
    response = await client.post("/api/messages", json={"text": "hi there"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert [reply["text"] for reply in (await response.json())["replies"]][0] == "You said: hi there"
    assert [body["message"] for body in fake_rasa.received] == ["/greet", "hi there"]


class FakeTime:
    """Stands in for the time module in bot.gateway.rate_limit: a minute passes when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


async def test_the_gateways_tables_of_clients_do_not_grow_for_ever(make_portal, monkeypatch):
    clock = FakeTime()
    monkeypatch.setattr(rate_limit, "time", clock)
    client = await make_portal()
    relay = client.app[keys.RELAY]

    async def one_client_writes(text: str) -> None:
        token = (await (await new_session(client)).json())["client_token"]
        response = await client.post("/api/messages", json={"text": text}, headers={"Authorization": f"Bearer {token}"})
        assert response.status == 200

    await asyncio.gather(*(one_client_writes(f"message {n}") for n in range(20)))
    await until(lambda: len(relay._locks) == 0, "a client's lock goes once their turns are taken")
    assert len(relay._rate_limit) == 20

    clock.now += 61  # a minute later, their messages no longer count
    await one_client_writes("a newcomer")
    assert len(relay._rate_limit) == 1
