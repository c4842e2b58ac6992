"""Delete my data on the real stack: after some of the journey, nothing of the client is left."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine

from tests.test_client_data import rows_mentioning
from tests.test_end_to_end import consent_and_start

pytestmark = pytest.mark.stack


def test_delete_my_data_leaves_no_row_or_picture_with_the_clients_id_or_words(stack):
    phrase = f"beekeeping near Lyon {uuid.uuid4().hex[:8]}"
    client, client_id, _ = consent_and_start(stack, f"I keep bees, {phrase}", "3", "3", f"Find work in {phrase}")
    assert "Which options are you choosing between?" in client.replies_to("Weigh my options", "/make_decision")
    client.replies_to(f"A cooperative for {phrase}; teaching biology at a school")
    client.replies_to("Income")
    client.replies_to("4")
    client.replies_to("3")
    assert "How does this result feel" in client.replies_to("4")
    [picture] = [m["image"] for m in client.history() if m["image"]]
    picture_file = stack.work_dir / "media" / picture.removeprefix("/media/")
    assert picture_file.exists()

    assert "delete everything stored about you" in client.replies_to("delete my data")
    assert "I have deleted everything stored about you" in client.replies_to("Yes, delete everything", "/affirm")

    engine = create_engine(f"sqlite:///{stack.database_path}")
    try:
        assert rows_mentioning(engine, client_id, phrase) == []
    finally:
        engine.dispose()
    assert not picture_file.exists()
    status, _ = client.say("hello?")
    assert status == 401
