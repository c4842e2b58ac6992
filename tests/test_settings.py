import os
import stat
from pathlib import Path

import pytest

from bot.settings import GENERATED_SECRETS, load_settings, read_env_file


def test_first_run_generates_secrets_in_a_private_env_file(tmp_path):
    env_file = tmp_path / ".env"
    settings = load_settings({}, env_file=env_file)

    stored = read_env_file(env_file)
    assert set(GENERATED_SECRETS) <= set(stored)
    assert settings.rasa_token == stored["RASA_TOKEN"]
    assert len(settings.rasa_token) >= 40
    assert len({stored[name] for name in GENERATED_SECRETS}) == len(GENERATED_SECRETS)
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_the_env_file_is_private_from_the_moment_it_exists(tmp_path, monkeypatch):
    """Not made private afterwards: between creating and tightening it, anyone could read the secrets."""
    env_file = tmp_path / ".env"
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    previous = os.umask(0)
    try:
        load_settings({}, env_file=env_file)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_an_env_file_others_can_read_is_made_private(tmp_path):
    env_file = tmp_path / ".env"
    load_settings({}, env_file=env_file)
    env_file.chmod(0o644)  # copied from elsewhere, or edited by a tool that reset its mode
    load_settings({}, env_file=env_file)
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_second_run_keeps_the_same_secrets(tmp_path):
    env_file = tmp_path / ".env"
    first = load_settings({}, env_file=env_file)
    second = load_settings({}, env_file=env_file)
    assert (first.rasa_token, first.action_server_token) == (second.rasa_token, second.action_server_token)


def test_environment_overrides_env_file_and_tracker_store_follows_database(tmp_path):
    settings = load_settings(
        {"DATABASE_URL": "postgresql://waypoint@db/waypoint", "GATEWAY_PORT": "9000"}, env_file=tmp_path / ".env"
    )
    assert settings.gateway_port == 9000
    assert settings.tracker_store_url == "postgresql://waypoint@db/waypoint"
    assert settings.child_environment()["TRACKER_STORE_URL"] == "postgresql://waypoint@db/waypoint"


def test_default_database_is_sqlite_in_var(tmp_path):
    settings = load_settings({}, env_file=tmp_path / ".env")
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("/var/waypoint.db")


@pytest.mark.parametrize("name, value", [("SMTP_SECURITY", "tls"), ("TELEGRAM_MODE", "hook")])
def test_a_mistyped_choice_stops_with_a_clear_error(tmp_path, name, value):
    with pytest.raises(ValueError, match=name):
        load_settings({name: value}, env_file=tmp_path / ".env")


def test_choices_ignore_case_and_default_when_empty(tmp_path):
    settings = load_settings({"SMTP_SECURITY": "SSL", "TELEGRAM_MODE": ""}, env_file=tmp_path / ".env")
    assert settings.smtp.security == "ssl" and settings.telegram_mode == "polling"


def test_secrets_given_by_the_environment_are_not_written_to_a_file(tmp_path):
    """Containers get their secrets from the environment (one Secret for all): no .env is written."""
    from bot.settings import GENERATED_SECRETS

    given = {name: f"given-{name}" for name in GENERATED_SECRETS}
    settings = load_settings(given, env_file=tmp_path / ".env")
    assert settings.rasa_token == "given-RASA_TOKEN"
    assert not (tmp_path / ".env").exists()


def test_the_old_distress_patterns_setting_stops_with_the_way_to_the_new_one(tmp_path):
    with pytest.raises(ValueError, match="SAFETY_WORDS_DIR"):
        load_settings({"DISTRESS_PATTERNS_FILE": "/srv/patterns.yml"}, env_file=tmp_path / ".env")


def test_safety_words_default_to_english_and_a_service_folder_is_optional(tmp_path):
    settings = load_settings({}, env_file=tmp_path / ".env")
    assert (settings.phrase_language, settings.safety_words_dir, settings.conversation_words_dir) == ("en", None, None)
    given = load_settings({"SAFETY_WORDS_DIR": str(tmp_path), "PHRASE_LANGUAGE": "EN"}, env_file=tmp_path / ".env")
    assert (given.phrase_language, given.safety_words_dir) == ("en", tmp_path)
    assert given.child_environment()["SAFETY_WORDS_DIR"] == str(tmp_path)  # Rasa, which reads them, gets it
