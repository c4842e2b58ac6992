"""The caseload's storage, on SQLite and PostgreSQL: notes on the client (and their migration), flags
handled with an outcome, labels, assignment and what the client is told, the facts the dashboard and
the record share, the timeline's providers, revoked invites; and the one description of progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.guidance.progress import PartRecord, describe_progress
from bot.storage.access import client_labels
from bot.storage.assignment import assign_client, client_notices
from bot.storage.caseload import caseload, client_facts
from bot.storage.contact import next_session, set_next_session
from bot.storage.engine import make_engine, make_session_factory
from bot.storage.invites import REVOKED, clients_moved_away, create_invite, redeem_invite, revoke_invite
from bot.storage.labels import set_label
from bot.storage.migrate import downgrade, upgrade
from bot.storage.models import (
    HANDOFF_APPROVED,
    ActionPlan,
    ActionStep,
    Client,
    Handoff,
    PhaseProgress,
    PractitionerNote,
    SafetyFlag,
    utcnow,
)
from bot.storage.notes import add_note, delete_note, edit_note, readable_notes
from bot.storage.progress import CONSENT_DECLINED, CONSENT_GIVEN, record_consent
from bot.storage.safety import mark_handled
from bot.storage.timeline import timeline
from tests.portal_support import add_account, add_client, add_handoff

pytestmark = pytest.mark.both_databases


@dataclass(frozen=True)
class Reader:
    id: int
    is_admin: bool = False


def test_notes_written_on_a_handoff_become_notes_on_the_client_and_none_is_lost(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0013")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO practitioners (id, email, display_name, password_hash, role, active, created_at) "
            "VALUES (1, 'pat@example.org', 'Pat', 'x', 'practitioner', true, '2026-01-01 10:00:00')"
        ))
        connection.execute(text("INSERT INTO clients (id, created_at, last_active_at, practitioner_id) VALUES ('c1', '2026-01-01 10:00:00', '2026-01-01 10:00:00', 1)"))
        for handoff_id in (1, 2):
            connection.execute(text(
                "INSERT INTO handoffs (id, client_id, practitioner_id, status, items, created_at, approved_at) "
                f"VALUES ({handoff_id}, 'c1', 1, 'approved', '[]', '2026-01-0{handoff_id} 10:00:00', '2026-01-0{handoff_id} 10:00:00')"
            ))
        connection.execute(text(
            "INSERT INTO practitioner_notes (client_id, handoff_id, author_id, text, created_at) "
            "VALUES ('c1', 1, 1, 'Written on the first handoff', '2026-01-03 10:00:00')"
        ))
    upgrade(engine)
    with make_session_factory(engine)() as session:
        [note] = readable_notes(session, Reader(1), "c1")
        assert (note.text, note.handoff_id, note.author_id, note.updated_at) == ("Written on the first handoff", 1, 1, None)
        add_note(session, "c1", 1, "Written on the client")
        session.commit()
    downgrade(engine, "0013")  # going back keeps both: the newer one beside the newest handoff
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT text, handoff_id FROM practitioner_notes ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("Written on the first handoff", 1), ("Written on the client", 2)]
    upgrade(engine)
    engine.dispose()


def test_a_note_is_changed_or_deleted_by_its_author_only(db):
    pat = add_account(db, "pat@example.org", "Pat")
    admin = add_account(db, "admin@example.org", "Ada", role="admin")
    client_id = add_client(db, pat, "J.D.")
    with db() as session:
        note_id = add_note(session, client_id, pat, "First words").id
    with db() as session:
        assert edit_note(session, admin, note_id, "An administrator's words") is None
        assert delete_note(session, admin, note_id) is None
        edited = edit_note(session, pat, note_id, "Better words")
        assert edited.text == "Better words" and edited.updated_at is not None
    with db() as session:
        assert [n.text for n in readable_notes(session, Reader(admin, True), client_id)] == ["Better words"]
        assert delete_note(session, pat, note_id) == client_id
    with db() as session:
        assert readable_notes(session, Reader(pat), client_id) == []


def test_a_former_practitioner_reads_only_the_notes_they_wrote(db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "J.D.")
    with db() as session:
        add_note(session, client_id, pat, "Pat's note")
        assign_client(session, client_id, bo, by_id=pat)
        add_note(session, client_id, bo, "Bo's note after the move")
    with db() as session:
        assert [n.text for n in readable_notes(session, Reader(bo), client_id)] == ["Pat's note", "Bo's note after the move"]
        assert [n.text for n in readable_notes(session, Reader(pat), client_id)] == ["Pat's note"]


def test_handling_a_flag_records_who_when_and_what_was_done_once(db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "J.D.")
    with db() as session:
        flag = SafetyFlag(client_id=client_id, category="self_harm")
        session.add(flag)
        session.flush()
        assert mark_handled(session, flag, pat, "Called; safe with her sister")
        assert not mark_handled(session, flag, bo, "Called again")  # the first handling stays as it was
        assert (flag.handled_by, flag.outcome) == (pat, "Called; safe with her sister") and flag.handled_at is not None


def test_a_label_set_in_the_portal_wins_and_the_services_label_names_a_client_who_came_without_an_invite(db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "From the invite")
    walk_in = add_client(db, None)
    with db() as session:
        assert client_labels(session, Reader(pat), [client_id]) == {client_id: "From the invite"}
        set_label(session, client_id, pat, "  Renamed   by Pat ")
        set_label(session, walk_in, None, "Walk-in W.")
    with db() as session:
        assert client_labels(session, Reader(pat), [client_id]) == {client_id: "Renamed by Pat"}
        assert client_labels(session, Reader(1, True), [walk_in]) == {walk_in: "Walk-in W."}
        set_label(session, client_id, pat, "")  # empty: back to the invite's label
    with db() as session:
        assert client_labels(session, Reader(pat), [client_id]) == {client_id: "From the invite"}


def test_a_client_given_another_practitioner_is_told_once_and_carries_their_label(db):
    admin = add_account(db, "admin@example.org", "Ada", role="admin")
    pat = add_account(db, "pat@example.org", "Pat")
    sam = add_account(db, "sam@example.org", "Sam Jones")
    client_id = add_client(db, pat, "J.D.")
    declined = add_client(db, pat, "Said no")
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, "v")
        record_consent(session, declined, CONSENT_DECLINED, "v")
        change = assign_client(session, client_id, sam, by_id=admin)
        assert (change.from_practitioner_id, change.to_practitioner_id, change.changed_by) == (pat, sam, admin)
        assert assign_client(session, client_id, sam, by_id=admin) is None  # nothing changed, nothing recorded
        assign_client(session, declined, sam, by_id=admin)
    with db() as session:
        [notice] = client_notices(session, client_id)
        assert "Sam Jones is your practitioner now" in notice["text"]
        assert client_notices(session, client_id) == []  # told once
        assert client_notices(session, declined) == []  # who said no to storage hears nothing unasked
        assert client_labels(session, Reader(sam), [client_id]) == {client_id: "J.D."}
        assert {m.label for m in clients_moved_away(session, pat)} == {"Said no", "J.D."}  # Pat sees they moved
    with db() as session:
        assign_client(session, client_id, None, by_id=admin)
    with db() as session:
        [notice] = client_notices(session, client_id)
        assert "no practitioner assigned" in notice["text"]


def test_a_revoked_invite_binds_nobody(db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, None)
    with db() as session:
        created = create_invite(session, pat, "K.L.", 14)
        assert revoke_invite(session, created.invite)
        assert redeem_invite(session, created.code, client_id).outcome == REVOKED
        assert session.get(Client, client_id).practitioner_id is None


def add_plan(db, client_id: str, steps: list[tuple[str, date | None]], status: str = "complete") -> None:
    with db() as session:
        plan = ActionPlan(client_id=client_id, status=status)
        plan.steps = [
            ActionStep(client_id=client_id, position=n, description=f"Step {n}", status=state, due_date=due)
            for n, (state, due) in enumerate(steps, start=1)
        ]
        session.add(plan)


def test_the_facts_the_dashboard_and_the_record_share(db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "J.D.")
    today = date(2026, 12, 10)
    add_plan(db, client_id, [("open", today)], status="replaced")  # an earlier plan does not count
    add_plan(db, client_id, [("done", None), ("blocked", today + timedelta(days=9)), ("open", today), ("open", today + timedelta(days=3))])
    old = add_handoff(db, client_id, pat, approved_at=datetime(2026, 12, 1))
    add_handoff(db, client_id, pat, approved_at=datetime(2026, 12, 5))
    add_handoff(db, client_id, bo, approved_at=datetime(2026, 12, 6))  # sent to another: not Pat's to review
    with db() as session:
        session.add_all([SafetyFlag(client_id=client_id, raised_at=datetime(2026, 12, 8)), SafetyFlag(client_id=client_id, raised_at=datetime(2026, 12, 7))])
        session.add(SafetyFlag(client_id=client_id, raised_at=datetime(2026, 12, 2), handled_at=datetime(2026, 12, 3)))
        session.add(PhaseProgress(client_id=client_id, phase="planning", status="done", updated_at=datetime(2026, 12, 4)))
    with db() as session:
        facts = client_facts(session, Reader(pat), client_id, today)
        steps = facts.steps
        assert (steps.total, steps.done, steps.blocked, steps.due, steps.next_due) == (4, 1, 1, 1, today)
        assert [flag.raised_at.day for flag in facts.open_flags] == [7, 8]  # open ones, oldest first
        assert [handoff.id for handoff in facts.waiting_handoffs][0] == old and len(facts.waiting_handoffs) == 2
        assert facts.progress.where == "Action plan (done)"
        assert client_facts(session, Reader(bo), client_id, today) is None  # not Bo's client
        assert [f.id for f in caseload(session, Reader(bo, True), today)] == [client_id]


def test_the_facts_hold_each_clients_next_session_as_last_set(db):
    pat = add_account(db, "pat@example.org", "Pat")
    moved, removed, never = (add_client(db, pat, label) for label in ("M.", "R.", "N."))
    day = date(2031, 3, 14)
    with db() as session:
        set_next_session(session, moved, pat, day)
        set_next_session(session, removed, pat, day)
        set_next_session(session, moved, pat, day + timedelta(days=7))  # changed: the newest setting counts
        set_next_session(session, removed, pat, None)  # removed
    with db() as session:
        facts = {f.id: f.next_session for f in caseload(session, Reader(pat), day)}
        assert facts == {moved: day + timedelta(days=7), removed: None, never: None}
        assert all(facts[c] == next_session(session, c) for c in facts), "as the record and the bot read it"


def test_a_visitor_who_never_agreed_and_came_without_an_invite_is_nobodys_client(db):
    walk_in = add_client(db, None)
    agreed = add_client(db, None)
    with db() as session:
        record_consent(session, agreed, CONSENT_GIVEN, "v")
    with db() as session:
        assert [f.id for f in caseload(session, Reader(1, True), date.today())] == [agreed]


def test_the_timeline_merges_what_the_reader_may_see_newest_first(db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "J.D.")
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, "v").recorded_at = utcnow() - timedelta(days=6)
        session.add(PhaseProgress(client_id=client_id, phase="start", status="done", updated_at=utcnow() - timedelta(days=5)))
        flag = SafetyFlag(client_id=client_id, category="self_harm", reason="statement", raised_at=utcnow() - timedelta(days=3))
        session.add(flag)
        session.flush()
        mark_handled(session, flag, pat, "Called her")
        add_note(session, client_id, pat, "Likes e-mail")
    add_handoff(db, client_id, bo, approved_at=utcnow() - timedelta(days=4))  # sent while with Bo
    mine = add_handoff(db, client_id, pat, approved_at=utcnow() - timedelta(days=2))
    with db() as session:
        entries = timeline(session, Reader(pat), client_id)
    titles = [entry.title for entry in entries]
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
    assert titles[-1].startswith("Agreed to take part") and "Start: done" in titles
    assert "Urgent safety flag: self-harm (said in a message)" in titles and "Safety flag handled by Pat" in titles
    assert [e.detail for e in entries if e.kind == "flag_handled"] == ["Called her"]
    assert [e.link for e in entries if e.kind == "handoff"] == [f"/portal/handoffs/{mine}"]  # not the one sent to Bo
    assert any(e.kind == "note" and e.detail == "Likes e-mail" for e in entries)


def test_one_description_of_progress_for_every_page():
    day = datetime(2026, 12, 1)
    assert describe_progress([], consented=False).where == "Not started yet"
    agreed = describe_progress([], consented=True)
    assert agreed.where == "Start (in progress)" and agreed.parts[0].status_words == "in progress"  # never "has not started"
    closed = describe_progress(
        [PartRecord("start", "done", day), PartRecord("planning", "done", day + timedelta(days=9)), PartRecord("closing", "done", day + timedelta(days=20))],
        consented=True,
    )
    assert closed.where == "Closing feedback (done)" and closed.closed and closed.start_done_at == day
    middle = describe_progress([PartRecord("start", "done", day), PartRecord("options", "in_progress", day + timedelta(days=1))], True)
    assert (middle.where, middle.current_part, middle.closed) == ("Options", "options", False)
    assert [p.label for p in middle.parts][:3] == ["Start", "Reflection", "Options"]


def test_handoffs_sent_to_one_practitioner_stay_with_them_after_a_move(db):
    admin = add_account(db, "admin@example.org", "Ada", role="admin")
    pat = add_account(db, "pat@example.org", "Pat")
    sam = add_account(db, "sam@example.org", "Sam")
    client_id = add_client(db, pat, "J.D.")
    handoff_id = add_handoff(db, client_id, pat)
    with db() as session:
        assign_client(session, client_id, sam, by_id=admin)
    with db() as session:
        assert session.get(Handoff, handoff_id).practitioner_id == pat and session.get(Handoff, handoff_id).status == HANDOFF_APPROVED
        assert client_facts(session, Reader(sam), client_id, date.today()).waiting_handoffs == []
        assert session.execute(select(PractitionerNote)).all() == []
