"""Several Rasa processes behind the gateway: turns spread over them, and one away gives way to the others."""

from __future__ import annotations

import asyncio

import pytest

from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.settings import load_settings
from bot.supervisor import service_commands
from tests.gateway_support import TOKEN, FakeRasa


async def test_concurrent_turns_are_spread_over_every_rasa_process(aiohttp_server):
    first, second = FakeRasa(), FakeRasa()
    servers = [await aiohttp_server(fake.app()) for fake in (first, second)]
    client = RasaClient([str(server.make_url("")) for server in servers], TOKEN)
    try:
        await asyncio.gather(*(client.send(f"client-{n}", "hello", "web") for n in range(10)))
    finally:
        await client.close()
    assert len(first.received) + len(second.received) == 10
    assert len(first.received) >= 3 and len(second.received) >= 3


async def test_a_rasa_process_that_is_away_gives_way_to_the_other(aiohttp_server, unused_tcp_port_factory):
    answering = FakeRasa()
    server = await aiohttp_server(answering.app())
    nobody_listens = f"http://127.0.0.1:{unused_tcp_port_factory()}"
    client = RasaClient([nobody_listens, str(server.make_url(""))], TOKEN)
    try:
        replies = [await client.send("client-1", f"turn {n}", "web") for n in range(4)]
        assert await client.is_ready()
    finally:
        await client.close()
    assert all(reply[0]["text"].startswith("You said: turn") for reply in replies)
    assert len(answering.received) == 4


async def test_every_process_away_leaves_the_turn_pending(aiohttp_server):
    loading = [FakeRasa(available=False), FakeRasa(available=False)]
    servers = [await aiohttp_server(fake.app()) for fake in loading]
    client = RasaClient([str(server.make_url("")) for server in servers], TOKEN)
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("client-1", "hello", "web")
        assert not await client.is_ready()
    finally:
        await client.close()


async def test_a_refused_token_is_not_tried_on_the_other_processes(aiohttp_server):
    fakes = [FakeRasa(), FakeRasa()]
    servers = [await aiohttp_server(fake.app()) for fake in fakes]
    client = RasaClient([str(server.make_url("")) for server in servers], "not-the-token")
    try:
        with pytest.raises(RasaUnavailable, match="401"):
            await client.send("client-1", "hello", "web")
    finally:
        await client.close()


def test_two_rasa_processes_need_redis_and_get_ports_side_by_side(tmp_path):
    with pytest.raises(ValueError, match="REDIS_URL"):
        load_settings({"RASA_PROCESSES": "2"}, env_file=tmp_path / ".env")
    settings = load_settings(
        {"RASA_PROCESSES": "2", "RASA_PORT": "6005", "REDIS_URL": "redis://:s%40cret@127.0.0.1:6390/3"},
        env_file=tmp_path / ".env",
    )
    assert settings.rasa_urls == ["http://127.0.0.1:6005", "http://127.0.0.1:6006"]
    environment = settings.child_environment()
    assert (environment["LOCK_STORE_TYPE"], environment["REDIS_HOST"], environment["REDIS_PORT"]) == ("redis", "127.0.0.1", "6390")
    assert (environment["REDIS_PASSWORD"], environment["REDIS_DB"]) == ("s@cret", "3")
    names = [service.name for service in service_commands(settings, tmp_path / "model.tar.gz")]
    assert names == ["actions", "rasa-1", "rasa-2", "gateway"]


@pytest.mark.parametrize("value", ["0", "two", "-1", "33"])
def test_a_wrong_number_of_rasa_processes_is_refused_clearly(tmp_path, value):
    with pytest.raises(ValueError, match="RASA_PROCESSES"):
        load_settings({"RASA_PROCESSES": value, "REDIS_URL": "redis://127.0.0.1"}, env_file=tmp_path / ".env")


def test_one_rasa_process_locks_in_memory_without_redis(tmp_path):
    settings = load_settings({}, env_file=tmp_path / ".env")
    assert settings.child_environment()["LOCK_STORE_TYPE"] == "in_memory"
    for wrong in ("http://127.0.0.1:6379", "redis://waypoint:secret@127.0.0.1:6379/1"):
        with pytest.raises(ValueError, match="REDIS_URL"):
            load_settings({"REDIS_URL": wrong}, env_file=tmp_path / ".env")


async def test_two_rasa_processes_sharing_redis_never_hold_one_conversation_at_once(redis_server, tmp_path):
    """Rasa's RedisLockStore, made from endpoints.yml as the supervisor fills it in."""
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.utils.endpoints import read_endpoint_config

    settings = load_settings({"RASA_PROCESSES": "2", "REDIS_URL": redis_server.url()}, env_file=tmp_path / ".env")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.child_environment().items():
            patch.setenv(name, value)
        first, second = (LockStore.create(read_endpoint_config("endpoints.yml", "lock_store")) for _ in range(2))
    assert isinstance(first, RedisLockStore) and isinstance(second, RedisLockStore)

    order: list[str] = []
    first_holds = asyncio.Event()

    async def take_a_turn(store: LockStore, name: str, wait_for: asyncio.Event | None) -> None:
        if wait_for is not None:
            await wait_for.wait()
        async with store.lock("client-1", wait_time_in_seconds=0.01):
            order.append(f"{name} starts")
            if wait_for is None:
                first_holds.set()
                await asyncio.sleep(0.3)
            order.append(f"{name} ends")

    await asyncio.gather(take_a_turn(first, "first", None), take_a_turn(second, "second", first_holds))
    assert order == ["first starts", "first ends", "second starts", "second ends"]


def test_containers_name_where_rasa_and_the_action_server_live(tmp_path):
    settings = load_settings(
        {"RASA_URLS": "http://rasa-1:5005, http://rasa-2:5005/", "ACTION_SERVER_URL": "http://actions:5055/webhook"},
        env_file=tmp_path / ".env",
    )
    assert settings.rasa_urls == ["http://rasa-1:5005", "http://rasa-2:5005"]
    assert settings.action_server_url == "http://actions:5055"
    assert settings.child_environment()["ACTION_SERVER_URL"] == "http://actions:5055/webhook"
