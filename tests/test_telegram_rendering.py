"""Rendering for Telegram and retrying its calls, without a server: plain functions."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.rendering import MAX_TEXT, CallbackPayloads, inline_keyboard, media_file, split_text, telegram_length
from bot.telegram.sending import QUICK, SendingStopped, with_retries


def test_a_short_text_stays_whole():
    assert split_text("Hello, I'm Waypoint.") == ["Hello, I'm Waypoint."]


def test_long_texts_are_cut_at_line_ends_within_the_limit():
    lines = [f"Step {n}: " + "look up the course and write down what you learn. " * 3 for n in range(200)]
    chunks = split_text("\n".join(lines))
    assert len(chunks) > 1
    assert all(telegram_length(chunk) <= MAX_TEXT for chunk in chunks)
    assert "\n".join(chunks) == "\n".join(lines)  # nothing lost, and every cut falls between lines


def test_a_single_endless_line_is_cut_at_spaces_and_wide_characters_count_twice():
    words = "🙂 options " * 1500  # each emoji is two UTF-16 units for Telegram
    chunks = split_text(words)
    assert all(telegram_length(chunk) <= MAX_TEXT for chunk in chunks)
    assert "".join(chunks).replace(" ", "") == words.replace(" ", "")
    assert all(not chunk.startswith("ptions") for chunk in chunks)  # no word is cut in half


def test_long_button_payloads_travel_as_short_keys():
    payloads = CallbackPayloads()
    long_payload = '/inform{"option": "' + "landscape architecture and sustainable urban planning" + '"}'
    keyboard = inline_keyboard(
        [{"title": "Yes, I agree", "payload": "/affirm"}, {"title": "That one", "payload": long_payload}], payloads
    )
    short, hashed = (row[0].callback_data for row in keyboard.inline_keyboard)
    assert short == "/affirm"
    assert len(hashed.encode()) <= 64 and hashed != long_payload
    assert payloads.payload_for(hashed) == long_payload
    assert payloads.payload_for("~unknown-key") is None  # e.g. a button from before a restart


def test_only_the_gateways_own_media_names_are_read_from_the_media_folder(tmp_path):
    assert media_file("/media/matrix_4f9a8b7c6d5e4f3a.png", tmp_path) == tmp_path / "matrix_4f9a8b7c6d5e4f3a.png"
    for url in ["/media/../secret.png", "/media/short.png", "https://example.org/x.png", None, "/etc/passwd"]:
        assert media_file(url, tmp_path) is None


async def test_network_errors_are_retried_with_backoff_until_it_works():
    outcomes = [NetworkError("connection reset"), TimedOut(), "sent"]

    async def send():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert await with_retries(send, "a test", first_backoff=0.01) == "sent"


async def test_retrying_gives_up_after_a_few_attempts_and_never_repeats_a_refused_request():
    calls = []

    async def always_down():
        calls.append(1)
        raise NetworkError("down")

    with pytest.raises(NetworkError):
        await with_retries(always_down, "a test", attempts=3, first_backoff=0.01)
    assert len(calls) == 3

    async def refused():
        calls.append(2)
        raise BadRequest("chat not found")

    with pytest.raises(BadRequest):
        await with_retries(refused, "a test", first_backoff=0.01)
    assert calls.count(2) == 1


async def test_a_flood_wait_longer_than_five_minutes_is_not_waited_for():
    async def flooded():
        raise RetryAfter(3600)

    with pytest.raises(RetryAfter):
        await with_retries(flooded, "a test")


async def test_a_retry_wait_ends_at_once_when_the_channel_stops():
    stopping = asyncio.Event()

    async def flood_controlled():
        raise RetryAfter(120)

    waiting = asyncio.create_task(with_retries(flood_controlled, "a test", stopping=stopping))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    stopping.set()
    with pytest.raises(SendingStopped):
        await asyncio.wait_for(waiting, 2)
    assert time.monotonic() - started < 1


async def test_a_quick_send_gives_up_on_a_long_429_instead_of_waiting():
    calls = []

    async def flood_controlled():
        calls.append(1)
        raise RetryAfter(60)

    with pytest.raises(RetryAfter):
        await with_retries(flood_controlled, "a test", attempts=QUICK.attempts, max_retry_after=QUICK.max_retry_after)
    assert len(calls) == 1
