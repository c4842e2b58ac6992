"""The portal for a caseload over real HTTP: the dashboard's order, search, filters and pages; notes on the
client; the record's readiness and parts agreeing with the dashboard; exports in the service's time
zone; administrators labelling, moving and handing over clients (who are told); revoked invites;
error pages with the navigation; charts."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.portal.charts import STATUS_COLOURS, WIDTH
from bot.portal.client_view import steps_chart, plan_history
from bot.portal.client_view import HandoffLink
from bot.handoff.summary import SummaryItem
from bot.settings import load_settings
from bot.storage.identity import find_web_client
from bot.storage.models import (
    ActionPlan,
    ActionStep,
    Client,
    Invite,
    PhaseProgress,
    PractitionerChange,
    PractitionerNote,
    SafetyFlag,
)
from bot.storage.progress import CONSENT_GIVEN, record_consent
from tests.portal_support import (  # noqa: F401 (fixtures)
    add_account,
    add_admin,
    add_client,
    add_handoff,
    logged_in,
    make_portal,
    minutes_ago,
    portal,
    post_form,
)
from tests.test_portal_pages import readiness_item, step_item, text_of


def rows_of(dashboard: str) -> str:
    return dashboard[dashboard.index('class="caseload"'):dashboard.index("</table>")]


def add_steps(db, client_id: str, statuses: list[tuple[str, date | None]]) -> None:
    with db() as session:
        plan = ActionPlan(client_id=client_id, status="complete")
        plan.steps = [
            ActionStep(client_id=client_id, position=n, description=f"Step {n}", status=status, due_date=due)
            for n, (status, due) in enumerate(statuses, start=1)
        ]
        session.add(plan)


async def test_one_row_per_client_the_most_urgent_first_each_waiting_item_a_link(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    calm = add_client(db, pat, "Calm", last_active_at=minutes_ago(1))
    quiet = add_client(db, pat, "Quiet", last_active_at=minutes_ago(60 * 24 * 30))
    due = add_client(db, pat, "Due", last_active_at=minutes_ago(5))
    blocked = add_client(db, pat, "Blocked", last_active_at=minutes_ago(5))
    waiting = add_client(db, pat, "Waiting", last_active_at=minutes_ago(5))
    worried = add_client(db, pat, "Worried", last_active_at=minutes_ago(5))
    add_steps(db, due, [("open", date.today() - timedelta(days=2))])
    add_steps(db, blocked, [("blocked", None), ("open", date.today() + timedelta(days=5))])
    handoff_id = add_handoff(db, waiting, pat)
    with db() as session:
        session.add_all([SafetyFlag(client_id=worried, raised_at=minutes_ago(30)), SafetyFlag(client_id=worried, raised_at=minutes_ago(20))])
        session.add(PhaseProgress(client_id=quiet, phase="closing", status="in_progress"))
    await logged_in(portal, "pat@example.org")
    rows = rows_of(await text_of(portal, "/portal/"))
    order = [rows.index(f">{label}</a>") for label in ("Worried", "Waiting", "Blocked", "Due", "Quiet", "Calm")]
    assert order == sorted(order)
    assert rows.count(">Worried</a>") == 1 and "2 urgent safety flags" in rows  # one row, however many flags
    with db() as session:
        first_flag = session.execute(select(SafetyFlag.id).order_by(SafetyFlag.raised_at)).scalars().first()
    assert f'href="/portal/flags/{first_flag}">2 urgent safety flags' in rows
    assert f'href="/portal/handoffs/{handoff_id}">Handoff to review' in rows
    assert f'href="/portal/clients/{blocked}#plan">1 step blocked' in rows and f'href="/portal/clients/{due}#plan">1 step due' in rows
    assert f'href="/portal/clients/{quiet}">No activity for 30 days' in rows


async def test_a_client_who_finished_the_process_is_not_called_inactive(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    done = add_client(db, pat, "Finished", last_active_at=minutes_ago(60 * 24 * 60))
    with db() as session:
        session.add(PhaseProgress(client_id=done, phase="closing", status="done"))
    await logged_in(portal, "pat@example.org")
    rows = rows_of(await text_of(portal, "/portal/"))
    assert "No activity" not in rows and "Closing feedback (done)" in rows


async def test_search_filters_and_pages_keep_each_other(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    for n in range(30):
        client_id = add_client(db, pat, f"Client number {n:02d}", last_active_at=minutes_ago(n))
        if n % 3 == 0:
            with db() as session:
                session.add(PhaseProgress(client_id=client_id, phase="options", status="in_progress"))
    add_client(db, pat, "Ödön Ç.")
    await logged_in(portal, "pat@example.org")
    first = await text_of(portal, "/portal/")
    assert "31 clients" in first and "page 1 of 2" in first and rows_of(first).count("<tr class=") == 25
    assert 'href="/portal/?page=2" rel="next"' in first
    second = await text_of(portal, "/portal/?page=2")
    assert rows_of(second).count("<tr class=") == 6 and 'rel="prev"' in second
    assert "page 2 of 2" in await text_of(portal, "/portal/?page=99")  # an old link past the end: the last page
    found = await text_of(portal, "/portal/?q=number+1")
    assert "10 of 31 clients match" in found and "Client number 10" in found and "Client number 20" not in rows_of(found)
    assert "1 of 31 clients match" in await text_of(portal, "/portal/?q=%C3%B6d%C3%B6n")  # accents, any case
    options = await text_of(portal, "/portal/?part=options&show=nothing")
    assert "10 of 31 clients match" in options and "Clear" in options
    assert 'href="/portal/caseload.csv?show=nothing&amp;part=options"' in options
    for bad in ["?page=abc", "?page=-1", "?show=everything", "?part=nowhere", "?practitioner=x"]:
        response = await portal.get("/portal/" + bad)
        assert response.status == 400, bad
        assert "That request was not understood" in await response.text()


async def test_notes_belong_to_the_client_and_are_shown_beside_every_handoff(portal, db):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    add_admin(db)
    client_id = add_client(db, pat, "J.D.")
    first = add_handoff(db, client_id, pat, approved_at=minutes_ago(600))
    second = add_handoff(db, client_id, pat, approved_at=minutes_ago(60))
    await logged_in(portal, "pat@example.org")
    record = f"/portal/clients/{client_id}"
    assert (await post_form(portal, f"/portal/handoffs/{first}/notes", {"text": "Written on the first"}, token_from=record)).status == 303
    assert (await post_form(portal, f"{record}/notes", {"text": "Written on the record"}, token_from=record)).status == 303
    for path in [record, f"/portal/handoffs/{first}", f"/portal/handoffs/{second}"]:
        notes = (await text_of(portal, path)).split('id="notes-heading"')[1]
        assert notes.index("Written on the first") < notes.index("Written on the record"), path
        assert "Written by Pat Practitioner" in notes and "Edit or delete" in notes, path
    with db() as session:
        note_id = session.execute(select(PractitionerNote.id).where(PractitionerNote.text == "Written on the record")).scalar_one()
    edit = await text_of(portal, f"/portal/notes/{note_id}/edit?back=/portal/handoffs/{second}")
    assert "Written on the record</textarea>" in edit and f'name="back" value="/portal/handoffs/{second}"' in edit
    saved = await post_form(portal, f"/portal/notes/{note_id}", {"text": "Changed words", "back": f"/portal/handoffs/{second}"}, token_from=record)
    assert saved.status == 303 and saved.headers["Location"] == f"/portal/handoffs/{second}#note-{note_id}"
    assert "Changed words" in await text_of(portal, record) and "· edited" in await text_of(portal, record)
    elsewhere = await post_form(portal, f"/portal/notes/{note_id}", {"text": "x", "back": "https://evil.example"}, token_from=record)
    assert elsewhere.headers["Location"] == f"{record}#note-{note_id}"  # never sent off the portal
    asked = await post_form(portal, f"/portal/notes/{note_id}/delete", {"back": record}, token_from=record)
    assert asked.status == 200 and "Yes, delete the note" in await asked.text()
    with db() as session:
        assert session.get(PractitionerNote, note_id) is not None  # not before the confirmation
    await post_form(portal, f"/portal/notes/{note_id}/delete", {"back": record, "confirmed": "yes"}, token_from=record)
    with db() as session:
        assert session.get(PractitionerNote, note_id) is None
    await logged_in(portal, "admin@example.org")  # an administrator reads every note but edits none
    page = await text_of(portal, record)
    assert "Written on the first" in page and "Edit or delete" not in page
    with db() as session:
        other = session.execute(select(PractitionerNote.id)).scalar_one()
    assert (await portal.get(f"/portal/notes/{other}/edit")).status == 404
    assert (await post_form(portal, f"/portal/notes/{other}", {"text": "Overwritten"})).status == 404


async def test_the_record_and_the_dashboard_tell_the_same_story(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    agreed = add_client(db, pat, "Just agreed")
    closed = add_client(db, pat, "Closed")
    with db() as session:
        record_consent(session, agreed, CONSENT_GIVEN, "v")
        record_consent(session, closed, CONSENT_GIVEN, "v")
        session.add(PhaseProgress(client_id=closed, phase="start", status="done", updated_at=minutes_ago(9000)))
        session.add(PhaseProgress(client_id=closed, phase="closing", status="done", updated_at=minutes_ago(60)))
    # The summary was sent before the closing feedback: it has no figures at the close.
    add_handoff(db, closed, pat, approved_at=minutes_ago(3000), items=[readiness_item({"clarity": 2}, {})])
    await logged_in(portal, "pat@example.org")
    rows = rows_of(await text_of(portal, "/portal/"))
    assert "Start (in progress)" in rows and "Closing feedback (done)" in rows
    record = await text_of(portal, f"/portal/clients/{agreed}")
    assert "Start (in progress)" in record and "Start: in progress" in record and "not started yet" not in record.lower()
    record = await text_of(portal, f"/portal/clients/{closed}")
    readiness = record[record.index('id="readiness-heading"'):record.index('id="plan-heading"')]
    assert "Closing feedback (done)" in record
    assert "asked; not in a summary sent to you" in readiness and "<td>not yet</td>" not in readiness
    assert "with the closing feedback" in readiness and "reach you when Closed sends a summary" in readiness


async def test_the_record_shows_the_latest_summary_and_the_plan_with_each_steps_status_and_date(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    add_steps(db, client_id, [("done", None), ("blocked", None), ("open", date.today() - timedelta(days=1))])
    add_handoff(db, client_id, pat, approved_at=minutes_ago(900), items=[{"key": "goal:1", "section": "goals", "text": "An older goal"}])
    add_handoff(
        db, client_id, pat, approved_at=minutes_ago(90), message="Could we meet before Christmas?",
        items=[{"key": "goal:2", "section": "goals", "text": "Work in ecology"}, step_item(7, "Call the ranger (blocked)", "blocked", "2026-12-20")],
    )  # fmt: skip
    await logged_in(portal, "pat@example.org")
    record = await text_of(portal, f"/portal/clients/{client_id}")
    summary = record[record.index('id="summary-heading"'):record.index('id="goals-heading"')]
    assert "Work in ecology" in summary and "Could we meet before Christmas?" in summary and "An older goal" not in summary
    plan = record[record.index('id="plan-heading"'):record.index('id="client-handoffs-heading"')]
    assert "Now, in the chat: 3 steps; 1 done, 1 blocked, 1 due" in plan
    assert "Call the ranger (blocked)" in plan and "20 Dec 2026" in plan and 'status-blocked">blocked<' in plan
    assert "Step 1" not in plan  # the steps' words come only from what the client approved


async def test_exports_give_every_time_in_the_services_time_zone(make_portal, db):
    portal = await make_portal(service_time_zone="Europe/Helsinki")
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "=HYPERLINK(\"http://evil\")", last_active_at=datetime(2026, 7, 1, 21, 30))
    add_client(db, pat, "Other", last_active_at=datetime(2026, 1, 15, 8, 0))
    add_handoff(db, client_id, pat, approved_at=datetime(2026, 7, 1, 21, 0))
    with db() as session:
        session.add(PractitionerNote(client_id=client_id, author_id=pat, text="Noted", created_at=datetime(2026, 7, 2, 6, 0)))
    await logged_in(portal, "pat@example.org")
    printable = await text_of(portal, f"/portal/clients/{client_id}/print")
    assert "02 Jul 2026, 00:30 EEST" in printable  # 21:30 UTC is half past midnight in Helsinki in summer
    assert "service's time zone (Europe/Helsinki)" in printable and "Noted" in printable and "Print or save as PDF" in printable
    assert 'href="/portal/' not in printable.split("Print or save as PDF")[1].split("</p>")[0]  # no navigation in the page
    assert "15 Jan 2026, 10:00 EET" in await text_of(portal, "/portal/")  # winter time on the dashboard too
    response = await portal.get("/portal/caseload.csv")
    assert response.status == 200 and response.content_type == "text/csv"
    assert 'attachment; filename="caseload-' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][:5] == ["Client", "Waiting", "Where they are", "Last active (Europe/Helsinki)", "Plan steps"]
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"  # a spreadsheet shows it, never runs it
    assert rows[1][1].startswith("Handoff to review") and rows[1][3] == "2026-07-02 00:30" and rows[2][3] == "2026-01-15 10:00"
    only_waiting = list(csv.reader(io.StringIO((await (await portal.get("/portal/caseload.csv?show=handoff")).read()).decode("utf-8-sig"))))
    assert len(only_waiting) == 2
    assert (await portal.get("/portal/caseload.csv?page=zero")).status == 400


def test_a_time_zone_that_does_not_exist_stops_the_start_with_the_way_on(tmp_path):
    assert load_settings({}, env_file=tmp_path / ".env").service_time_zone == "UTC"
    with pytest.raises(ValueError, match="SERVICE_TIME_ZONE is 'Europe/Helsingfors'.*IANA name such as Europe/Helsinki"):
        load_settings({"SERVICE_TIME_ZONE": "Europe/Helsingfors"}, env_file=tmp_path / ".env")


async def client_session(portal) -> tuple[dict[str, str], str]:
    response = await portal.post("/api/sessions")
    token = (await response.json())["client_token"]
    return {"Authorization": f"Bearer {token}"}, token


async def test_an_administrator_names_a_walk_in_client_and_gives_them_a_practitioner_who_is_told(portal, db, session_factory):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat Jones")
    headers, token = await client_session(portal)
    with db() as session:
        client_id = find_web_client(session, token).id
        record_consent(session, client_id, CONSENT_GIVEN, "v")
    await logged_in(portal, "admin@example.org")
    unassigned = rows_of(await text_of(portal, "/portal/?practitioner=none"))
    assert f"Client {client_id[:6]}" in unassigned and "no practitioner" in unassigned
    record = f"/portal/clients/{client_id}"
    assert (await post_form(portal, f"{record}/label", {"label": "Walk-in W."}, token_from=record)).status == 303
    assert "Walk-in W." in rows_of(await text_of(portal, "/portal/?practitioner=none"))
    asked = await post_form(portal, f"{record}/practitioner", {"practitioner": str(pat), "label": ""}, token_from=record)
    text = await asked.text()
    assert asked.status == 200 and "Give Walk-in W. to Pat Jones?" in text and "Pat Jones is your practitioner now" in text
    with db() as session:
        assert session.get(Client, client_id).practitioner_id is None  # nothing before the confirmation
    done = await post_form(portal, f"{record}/practitioner", {"practitioner": str(pat), "label": "", "confirmed": "yes"}, token_from=record)
    assert done.status == 303
    timeline = (await text_of(portal, record)).split('id="timeline-heading"')[1]
    assert "Practitioner now Pat Jones, by Ada Admin" in timeline
    bad = await post_form(portal, f"{record}/practitioner", {"practitioner": "999", "confirmed": "yes"}, token_from=record)
    assert bad.status == 400
    # The client's chat was not open: they hear it with the answer to their next message.
    with db() as session:
        assert session.execute(select(PractitionerChange.told_at)).scalar_one() is None
    await portal.post("/api/messages", json={"text": "hello again"}, headers=headers)
    history = (await (await portal.get("/api/messages", headers=headers)).json())["messages"]
    texts = [message["text"] or "" for message in history]
    told = [n for n, t in enumerate(texts) if "Pat Jones is your practitioner now" in t]
    assert len(told) == 1 and history[told[0]]["direction"] == "out" and told[0] > 0
    with db() as session:
        assert session.execute(select(PractitionerChange.told_at)).scalar_one() is not None
    await logged_in(portal, "pat@example.org")
    assert ">Walk-in W.</a>" in rows_of(await text_of(portal, "/portal/"))  # Pat knows them by the same name


async def test_deactivating_asks_who_takes_over_and_the_clients_move(portal, db):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    sam = add_account(db, "sam@example.org", "Sam")
    clients = [add_client(db, pat, f"Pat's {n}") for n in range(3)]
    await logged_in(portal, "admin@example.org")
    asked = await post_form(portal, f"/portal/accounts/{pat}/active", {"active": "no"}, token_from="/portal/accounts")
    page = await asked.text()
    assert "Who takes over their 3 clients?" in page and f'<option value="{sam}">Sam</option>' in page
    done = await post_form(
        portal, f"/portal/accounts/{pat}/active", {"active": "no", "successor": str(sam), "confirmed": "yes"}, token_from="/portal/accounts"
    )
    assert done.status == 303
    with db() as session:
        assert {session.get(Client, c).practitioner_id for c in clients} == {sam}
        assert len(session.execute(select(PractitionerChange)).all()) == 3
    accounts = await text_of(portal, "/portal/accounts?done=deactivated")
    assert "its clients have their new practitioner" in accounts


async def test_invites_can_be_revoked_and_the_administrators_list_says_whose_they_are(portal, db):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    await post_form(portal, "/portal/invites", {"label": "K.L."}, token_from="/portal/invites")
    page = await text_of(portal, "/portal/invites")
    link = page.split('id="web-link" class="link-field" type="text" readonly value="')[1].split('"')[0]
    code = link.split("=", 1)[1]
    assert "Your invites" in page
    with db() as session:
        invite_id = session.execute(select(Invite.id)).scalar_one()
    revoked = await post_form(portal, f"/portal/invites/{invite_id}/revoke", token_from="/portal/invites")
    assert revoked.status == 303
    page = await text_of(portal, "/portal/invites?done=revoked")
    assert 'status-revoked">revoked' in page and "its link no longer works" in page
    headers, _ = await client_session(portal)
    used = await portal.post("/api/invites/redeem", json={"code": code}, headers=headers)
    assert used.status == 410 and "withdrawn" in (await used.json())["message"]
    await logged_in(portal, "admin@example.org")
    admin_page = await text_of(portal, "/portal/invites")
    assert "Every practitioner&#39;s invites" in admin_page and "Your invites" not in admin_page
    assert (await post_form(portal, "/portal/invites/999/revoke", token_from="/portal/invites")).status == 404


async def test_error_pages_keep_the_navigation(portal, db):
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    for path, status in [("/portal/no-such-page", 404), ("/portal/clients/nobody", 404), ("/portal/?page=x", 400)]:
        response = await portal.get(path)
        page = await response.text()
        assert response.status == status, path
        assert 'aria-label="Portal"' in page and 'href="/portal/invites"' in page and "Log out" in page, path
        assert 'name="csrf_token" value=""' not in page, path  # "Log out" works from here too


def test_plan_steps_are_drawn_in_their_own_colours_and_blocked_is_never_green():
    link = HandoffLink(1, datetime(2026, 12, 1), None)
    items = [SummaryItem(**{**step_item(n, f"Step {n}", status), "data": {"status": status, "due": None}})
             for n, status in enumerate(["done", "open", "blocked"], start=1)]  # fmt: skip
    chart = steps_chart(plan_history([(link, items)]))
    colours = {entry.name: entry.colour for entry in chart.legend}
    assert colours == {"done": STATUS_COLOURS["done"], "to do": STATUS_COLOURS["open"], "blocked": STATUS_COLOURS["blocked"]}
    assert colours["blocked"] != colours["done"] and chart.width == WIDTH <= 343  # drawn at its own size on a 375 px phone
