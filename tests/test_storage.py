import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from bot.storage import identity, message_log
from bot.storage.engine import make_engine, make_session_factory
from bot.storage.migrate import MIGRATIONS_DIR, downgrade, upgrade
from bot.storage.models import metadata
from bot.storage.progress import (
    CONSENT_DECLINED,
    CONSENT_GIVEN,
    active_goals,
    latest_consent,
    record_consent,
    save_intake,
    snapshot,
)
from bot.storage.tracker_events import delete_tracker_events

pytestmark = pytest.mark.both_databases


def test_migration_creates_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


def test_a_sqlite_file_keeps_its_connection_open_between_transactions(tmp_path):
    """Closing the last connection to a WAL database checkpoints it: not after every transaction."""
    engine = make_engine(f"sqlite:///{tmp_path / 'pooled.db'}")
    with engine.connect() as connection:
        first = connection.connection.dbapi_connection
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is first
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_web_client_is_found_by_its_token_and_the_token_is_not_stored(db):
    with db() as session:
        client, token = identity.create_web_client(session)
        client_id = client.id
    with db() as session:
        assert identity.find_web_client(session, token).id == client_id
        assert identity.find_web_client(session, "not-a-token") is None
        stored = session.execute(text("SELECT external_id FROM channel_accounts")).scalar()
        assert token not in stored


def test_inbound_stays_pending_until_replies_are_recorded(db):
    with db() as session:
        client, _ = identity.create_web_client(session)
        inbound = message_log.record_inbound(session, client.id, "web", "hello", None)
        client_id, inbound_id = client.id, inbound.id
    with db() as session:
        assert message_log.clients_with_pending(session) == [client_id]
        [pending] = message_log.pending_inbound(session, client_id)
        message_log.record_replies(session, pending, [{"text": "Hi!", "buttons": [{"title": "Yes", "payload": "/affirm"}]}])
    with db() as session:
        assert message_log.clients_with_pending(session) == []
        inbound, reply = message_log.history(session, client_id)
        assert (inbound.id, inbound.status) == (inbound_id, "answered")
        assert (reply.direction, reply.text, reply.reply_to_id) == ("out", "Hi!", inbound_id)
        assert reply.content["buttons"][0]["payload"] == "/affirm"


def test_forgetting_answered_messages_keeps_a_pending_one(db):
    with db() as session:
        client, _ = identity.create_web_client(session)
        answered = message_log.record_inbound(session, client.id, "web", "no thanks", "/deny")
        message_log.record_replies(session, answered, [{"text": "Fine."}])
        message_log.record_inbound(session, client.id, "web", "wait", None)
        client_id = client.id
    with db() as session:
        message_log.forget_answered_messages(session, client_id)
    with db() as session:
        assert [m.text for m in message_log.history(session, client_id)] == ["wait"]


def test_latest_consent_decision_wins(db):
    with db() as session:
        record_consent(session, "c" * 32, CONSENT_DECLINED, "v1")
        record_consent(session, "c" * 32, CONSENT_GIVEN, "v1")
    with db() as session:
        assert latest_consent(session, "c" * 32).decision == CONSENT_GIVEN


def test_intake_is_stored_and_earlier_goals_are_kept_as_revised(db):
    client_id = "a" * 32
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, "v1")
        save_intake(session, client_id, "Studying", {"clarity": 2}, ["Choose a field"])
    with db() as session:
        save_intake(session, client_id, "Working now", {"clarity": 4}, ["Find a job", "Keep learning"])
    with db() as session:
        assert [g.text for g in active_goals(session, client_id)] == ["Find a job", "Keep learning"]
        revised = session.execute(text("SELECT text FROM goals WHERE status = 'revised'")).scalars().all()
        assert revised == ["Choose a field"]
        ratings = session.execute(text("SELECT value FROM readiness_ratings ORDER BY id")).scalars().all()
        assert ratings == [2, 4]
        assert snapshot(session, client_id).stage == "returning"


def test_snapshot_stages(db):
    with db() as session:
        assert snapshot(session, "n" * 32).stage == "new"
        record_consent(session, "d" * 32, CONSENT_DECLINED, "v1")
        assert snapshot(session, "d" * 32).stage == "declined"
        record_consent(session, "g" * 32, CONSENT_GIVEN, "v1")
        assert snapshot(session, "g" * 32).stage == "consented"


async def test_rasa_tracker_store_keeps_conversations_and_one_client_s_events_can_be_deleted(engine, database_url):
    """Rasa's own SQLTrackerStore on the same database (as endpoints.yml configures it)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    assert delete_tracker_events(engine, "nobody") == 0  # no events table yet: nothing to do, no error
    store = SQLTrackerStore(Domain.empty(), host=database_url)
    for sender in ("client-a", "client-b"):
        tracker = DialogueStateTracker.from_events(
            sender, [ActionExecuted("action_listen"), UserUttered("I want to work outdoors"), SlotSet("part", "reflection")]
        )
        await store.save(tracker)
    restored = await store.retrieve("client-b")
    assert restored.latest_message.text == "I want to work outdoors"
    assert restored.get_slot("part") is None  # the empty domain has no such slot; the event is still there
    assert any(isinstance(event, SlotSet) for event in restored.events)

    assert delete_tracker_events(engine, "client-a") >= 3
    assert await store.retrieve("client-a") is None
    assert (await store.retrieve("client-b")).latest_message.text == "I want to work outdoors"
    store.engine.dispose()


def test_migrating_an_existing_database_keeps_every_clients_data(empty_database_url, tmp_path):
    """SQLite alters a table by copying and dropping it; with foreign keys on, that drop would
    cascade into every table holding client data. Upgrading and downgrading must keep it all,
    on SQLite and on PostgreSQL."""
    engine = make_engine(empty_database_url)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO clients (id, created_at, last_active_at) VALUES ('c1', '2026-01-01', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO messages (client_id, direction, channel, text, status, created_at) "
            "VALUES ('c1', 'in', 'web', 'my words', 'answered', '2026-01-01')"
        ))
        connection.execute(text("INSERT INTO goals (client_id, text, position, status, created_at) VALUES ('c1', 'a goal', 1, 'active', '2026-01-01')"))

    def counts() -> tuple[int, int, int]:
        with engine.connect() as connection:
            return tuple(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in ("clients", "messages", "goals"))

    upgrade(engine)
    assert counts() == (1, 1, 1)
    downgrade(engine, "0007")
    assert counts() == (1, 1, 1)
    upgrade(engine)
    assert counts() == (1, 1, 1)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        engine.dispose()
        assert stat.S_IMODE((tmp_path / "empty.db").stat().st_mode) == 0o600, "client data readable by its owner only"
    engine.dispose()


def test_clients_from_before_greetings_waited_for_a_connection_are_not_greeted_again(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0009")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO clients (id, created_at, last_active_at) VALUES ('c1', '2026-01-01', '2026-02-01')"))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT opened_at FROM clients")).scalar() is not None
    downgrade(engine, "0009")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM clients")).scalars().all() == ["c1"]
    engine.dispose()


def test_the_migrations_are_one_line_so_an_upgrade_reaches_every_table():
    """Branches that each added a migration after the same one leave two heads, and `python -m
    bot.storage.migrate` (which upgrades to "head") would stop an operator's upgrade."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    files = sorted(path.stem for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    assert len(script.get_heads()) == 1
    line = [revision.revision for revision in script.walk_revisions()]  # from the head down
    assert len(line) == len(files) and [name.split("_")[0] for name in files] == sorted(line)


def test_every_migration_goes_down_to_an_empty_database_and_up_again(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine)
    downgrade(engine, "base")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is None
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    engine.dispose()


def test_a_safety_flag_raised_before_flags_had_a_kind_survives_the_migration(empty_database_url):
    from bot.guidance.safety_labels import flag_description
    from bot.storage.models import SafetyFlag

    engine = make_engine(empty_database_url)
    upgrade(engine, "0009")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO clients (id, created_at, last_active_at) VALUES ('c1', '2026-01-01', '2026-01-01')"))
        connection.execute(text("INSERT INTO safety_flags (client_id, raised_at) VALUES ('c1', '2026-01-02 10:00:00')"))
    upgrade(engine)
    with make_session_factory(engine)() as session:
        [flag] = session.execute(select(SafetyFlag)).scalars().all()
        assert (flag.client_id, flag.handled_at, flag.category) == ("c1", None, None)
        assert flag_description(flag.category, flag.reason) == "distress"
    downgrade(engine, "0009")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM safety_flags")).scalar() == 1
    engine.dispose()
