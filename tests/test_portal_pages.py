"""What a practitioner sees and does in the portal: dashboard, handoffs, client progress, feedback, invites."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import escape
from sqlalchemy import select

from bot.storage.handoffs import approve
from bot.storage.invites import create_invite, hash_code
from bot.storage.models import (
    HANDOFF_DRAFT,
    ActionPlan,
    ActionStep,
    ClientDeletion,
    Feedback,
    Goal,
    Handoff,
    Invite,
    Message,
    PhaseProgress,
    PractitionerNote,
    ReadinessRating,
    SafetyFlag,
)
from tests.portal_support import (  # noqa: F401 (fixtures)
    add_account,
    add_client,
    add_handoff,
    logged_in,
    make_portal,
    minutes_ago,
    portal,
    post_form,
)

SCRIPT = "<script>alert('x')</script>"


async def text_of(client, path: str) -> str:
    response = await client.get(path)
    assert response.status == 200, path
    return await response.text()


async def test_the_dashboard_lists_approved_handoffs_but_never_drafts(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    approved = add_handoff(db, client_id, pat)
    draft = add_handoff(db, client_id, pat, status=HANDOFF_DRAFT, message="still deciding")
    await logged_in(portal, "pat@example.org")
    dashboard = await text_of(portal, "/portal/")
    assert f'href="/portal/handoffs/{approved}"' in dashboard and "Handoff from J.D." in dashboard
    assert f"/portal/handoffs/{draft}" not in dashboard
    assert (await portal.get(f"/portal/handoffs/{draft}")).status == 404
    assert (await (await portal.get("/portal/api/updates")).json())["pending_handoffs"] == [approved]


async def test_a_new_handoff_shows_in_the_update_feed_the_dashboard_polls(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    await logged_in(portal, "pat@example.org")
    dashboard = await text_of(portal, "/portal/")
    assert 'src="/portal/static/dashboard.js"' in dashboard and 'data-feed="/portal/api/updates"' in dashboard
    assert (await (await portal.get("/portal/api/updates")).json()) == {"pending_handoffs": [], "urgent_flags": []}
    handoff_id = add_handoff(db, client_id, pat)
    with db() as session:
        session.add(SafetyFlag(client_id=client_id))
    feed = await (await portal.get("/portal/api/updates")).json()
    assert feed["pending_handoffs"] == [handoff_id] and len(feed["urgent_flags"]) == 1
    script = await portal.get("/portal/static/dashboard.js")
    assert script.status == 200 and "setTimeout(check, POLL_MS)" in await script.text()


async def test_urgent_flags_come_first_and_can_be_marked_handled(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    calm = add_client(db, pat, "Calm client", last_active_at=minutes_ago(1))
    worried = add_client(db, pat, "Worried client", last_active_at=minutes_ago(600))
    add_handoff(db, calm, pat)
    with db() as session:
        session.add(SafetyFlag(client_id=worried))
    await logged_in(portal, "pat@example.org")
    dashboard = await text_of(portal, "/portal/")
    assert dashboard.index("Urgent: clients in distress (1)") < dashboard.index("Handoffs waiting for you")
    clients_table = dashboard[dashboard.index('id="clients-heading"'):]
    assert clients_table.index("Worried client") < clients_table.index("Calm client")  # urgent before recent
    with db() as session:
        flag_id = session.execute(select(SafetyFlag.id)).scalar_one()
    response = await post_form(portal, f"/portal/flags/{flag_id}/handled")
    assert response.status == 303
    assert "No urgent flags." in await text_of(portal, "/portal/")
    with db() as session:
        assert session.get(SafetyFlag, flag_id).handled_at is not None


async def test_the_dashboard_shows_phase_plan_and_deletions(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "A.B.")
    with db() as session:
        session.add_all(
            [
                PhaseProgress(client_id=client_id, phase="start", status="done", updated_at=minutes_ago(60)),
                PhaseProgress(client_id=client_id, phase="options", status="in_progress", updated_at=minutes_ago(5)),
            ]
        )
        plan = ActionPlan(client_id=client_id, status="complete")
        plan.steps = [
            ActionStep(client_id=client_id, position=1, description="Call the ranger", status="done"),
            ActionStep(client_id=client_id, position=2, description="Write a CV", status="open"),
        ]
        session.add(plan)
        session.add(ClientDeletion(practitioner_id=pat, label="Gone client", reason="client_request"))
    await logged_in(portal, "pat@example.org")
    dashboard = await text_of(portal, "/portal/")
    assert "<td>Options</td>" in dashboard and "1 of 2" in dashboard
    deletions = dashboard[dashboard.index("Clients who deleted their data"):]
    assert "Gone client" in deletions and "The client deleted their data" in deletions


async def test_the_handoff_shows_only_the_items_the_client_kept_grouped_by_section(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    items = [
        {"key": "step:1", "section": "plan", "text": "Call the ranger (to do)"},
        {"key": "goal:1", "section": "goals", "text": "Work outdoors"},
    ]
    handoff_id = add_handoff(db, client_id, pat, items=items, message="Can we talk about money?")
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/handoffs/{handoff_id}")
    assert page.index("<h3>Goals</h3>") < page.index("Work outdoors") < page.index("<h3>Action plan</h3>") < page.index("Call the ranger")
    assert "Can we talk about money?" in page
    assert "Reflection" not in page  # a section the client took everything out of is not there
    printable = await text_of(portal, f"/portal/handoffs/{handoff_id}/print")
    assert "Work outdoors" in printable and "print.css" in printable and "<nav" not in printable


async def test_an_item_removed_before_approval_never_appears(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    with db() as session:
        draft = Handoff(
            client_id=client_id,
            items=[
                {"key": "goal:1", "section": "goals", "text": "Work outdoors"},
                {"key": "reflection:circumstances", "section": "reflection", "text": "My divorce is hard"},
            ],
            removed=["reflection:circumstances"],
        )
        session.add(draft)
        session.flush()
        approve(session, draft)
        handoff_id = draft.id
    await logged_in(portal, "pat@example.org")
    for path in [f"/portal/handoffs/{handoff_id}", f"/portal/handoffs/{handoff_id}/print"]:
        page = await text_of(portal, path)
        assert "Work outdoors" in page and "divorce" not in page


async def add_conversation(db, client_id: str) -> None:
    with db() as session:
        session.add_all(
            [
                Message(client_id=client_id, direction="in", channel="web", text=None, status="answered", created_at=minutes_ago(30)),
                Message(client_id=client_id, direction="in", channel="web", text="I feel stuck at work", status="answered", created_at=minutes_ago(20)),
                Message(client_id=client_id, direction="out", channel="web", text="What would you change?", status="sent", created_at=minutes_ago(19)),
            ]
        )


async def test_the_transcript_is_hidden_when_the_client_did_not_share_it(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    await add_conversation(db, client_id)
    handoff_id = add_handoff(db, client_id, pat, share_transcript=False)
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/handoffs/{handoff_id}")
    assert "I feel stuck at work" not in page and "What would you change?" not in page
    assert "chose not to share the conversation" in page


async def test_the_transcript_is_shown_up_to_approval_when_shared(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    await add_conversation(db, client_id)
    handoff_id = add_handoff(db, client_id, pat, share_transcript=True, approved_at=minutes_ago(10))
    with db() as session:
        session.add(Message(client_id=client_id, direction="in", channel="web", text="Said after approving", status="answered"))
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/handoffs/{handoff_id}")
    transcript = page[page.index('class="transcript"'):]
    assert transcript.index("I feel stuck at work") < transcript.index("What would you change?")
    assert '<p class="speaker">Client' in transcript and '<p class="speaker">Waypoint' in transcript
    assert "Said after approving" not in page
    assert "I feel stuck at work" not in await text_of(portal, f"/portal/handoffs/{handoff_id}/print")


async def test_notes_and_mark_reviewed_are_kept(portal, db):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id = add_client(db, pat, "J.D.")
    handoff_id = add_handoff(db, client_id, pat)
    await logged_in(portal, "pat@example.org")
    path = f"/portal/handoffs/{handoff_id}"
    empty = await post_form(portal, f"{path}/notes", {"text": "   "}, token_from=path)
    assert empty.status == 422 and "Please write a note first" in await empty.text()
    saved = await post_form(portal, f"{path}/notes", {"text": "Discuss funding options"}, token_from=path)
    assert saved.status == 303
    reviewed = await post_form(portal, f"{path}/reviewed", token_from=path)
    assert reviewed.status == 303
    page = await text_of(portal, path)
    assert "Discuss funding options" in page and "Reviewed on" in page and "by Pat Practitioner" in page
    with db() as session:
        note = session.execute(select(PractitionerNote)).scalar_one()
        handoff = session.get(Handoff, handoff_id)
        assert note.text == "Discuss funding options" and note.author_id == pat
        assert handoff.reviewed_at is not None and handoff.reviewed_by == pat
    assert "Nothing is waiting" in await text_of(portal, "/portal/")  # reviewed handoffs leave the waiting list


async def test_client_text_is_always_escaped(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, SCRIPT)
    await add_conversation(db, client_id)
    with db() as session:
        session.add(Message(client_id=client_id, direction="in", channel="web", text=SCRIPT, status="answered", created_at=minutes_ago(15)))
        session.add(Goal(client_id=client_id, text=SCRIPT, position=1))
        session.add(Feedback(client_id=client_id, usefulness=4, what_helped=SCRIPT))
    items = [{"key": "goal:1", "section": "goals", "text": SCRIPT}]
    handoff_id = add_handoff(db, client_id, pat, items=items, message=SCRIPT, share_transcript=True)
    await logged_in(portal, "pat@example.org")
    await post_form(portal, f"/portal/handoffs/{handoff_id}/notes", {"text": SCRIPT})
    for path in ["/portal/", f"/portal/handoffs/{handoff_id}", f"/portal/handoffs/{handoff_id}/print", f"/portal/clients/{client_id}", "/portal/feedback", "/portal/invites"]:
        page = await text_of(portal, path)
        assert SCRIPT not in page, path
        assert "<script>alert" not in page, path
    page = await text_of(portal, f"/portal/handoffs/{handoff_id}")
    assert page.count(str(escape(SCRIPT))) >= 4  # label, item, message, transcript, note: shown, as text


async def test_the_client_page_shows_progress_over_time_with_a_chart(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    with db() as session:
        session.add_all(
            [
                Goal(client_id=client_id, text="Become a nurse", position=1, status="revised", created_at=minutes_ago(5000)),
                Goal(client_id=client_id, text="Work in ecology", position=1, status="active", created_at=minutes_ago(50)),
                ReadinessRating(client_id=client_id, item="clarity", value=2, moment="start"),
                ReadinessRating(client_id=client_id, item="clarity", value=4, moment="closing"),
                PhaseProgress(client_id=client_id, phase="planning", status="done"),
            ]
        )
        plan = ActionPlan(client_id=client_id, status="complete")
        plan.steps = [
            ActionStep(client_id=client_id, position=1, description="Call the ranger", status="done"),
            ActionStep(client_id=client_id, position=2, description="Visit a reserve", status="blocked", due_date=date.today() + timedelta(days=3)),
        ]
        session.add(plan)
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/clients/{client_id}")
    goals = page[page.index("Goals over time"):]
    assert goals.index("Become a nurse") < goals.index("Work in ecology") and "revised later" in goals
    assert "Clarity about what you want" in page and "+2" in page
    assert "Call the ranger" in page and "blocked" in page and "The latest plan is finished" in page
    assert '<svg role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "The chart's values as a table" in page
    assert "Action plan: done" in page


async def test_the_feedback_overview_sums_up_ratings_and_readiness_change(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    first, second = add_client(db, pat, "One"), add_client(db, pat, "Two")
    others = add_client(db, bo, "Bo's")
    with db() as session:
        session.add_all(
            [
                Feedback(client_id=first, usefulness=5, felt_heard=4, felt_in_charge=5, what_helped="The plan", what_to_improve="Shorter questions"),
                Feedback(client_id=second, usefulness=3, felt_heard=None, felt_in_charge=4),
                Feedback(client_id=others, usefulness=1, what_helped="Bo's client's answer"),
                ReadinessRating(client_id=first, item="clarity", value=2, moment="start"),
                ReadinessRating(client_id=first, item="clarity", value=5, moment="closing"),
                ReadinessRating(client_id=second, item="clarity", value=3, moment="start"),
                ReadinessRating(client_id=second, item="clarity", value=4, moment="closing"),
            ]
        )
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, "/portal/feedback")
    assert "Ratings (2 responses)" in page
    table = page[page.index("Rating (1–5)"):]
    usefulness = table[table.index("<th scope=\"row\">How useful it was</th>"):]
    assert usefulness.startswith('<th scope="row">How useful it was</th><td>4.0</td><td>2</td>')
    assert "+2.0" in page  # clarity: 2.5 at the start, 4.5 at closing
    assert "The plan" in page and "Shorter questions" in page
    assert "Bo&#39;s client&#39;s answer" not in page and "One" not in page  # no other practitioner's, no names
    assert page.count('<svg role="img"') == 2


async def test_creating_an_invite_shows_both_links_once_and_stores_only_a_hash(make_portal, db):
    portal = await make_portal(public_url_setting="http://guidance.example.org", telegram_bot_username="waypoint_bot")
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    response = await post_form(portal, "/portal/invites", {"label": "K.L."}, token_from="/portal/invites")
    assert response.status == 303
    page = await text_of(portal, "/portal/invites")
    web_link = page.split('id="web-link" class="link-field" type="text" readonly value="')[1].split('"')[0]
    telegram = page.split('id="telegram-link" class="link-field" type="text" readonly value="')[1].split('"')[0]
    assert web_link.startswith("http://guidance.example.org/?invite=")
    code = web_link.split("=", 1)[1]
    assert telegram == f"https://t.me/waypoint_bot?start={code}"
    with db() as session:
        invite = session.execute(select(Invite)).scalar_one()
        assert invite.code_hash == hash_code(code) and invite.label == "K.L."
        assert code not in str([invite.code_hash, invite.label])
    again = await text_of(portal, "/portal/invites")
    assert code not in again  # shown only once
    assert "K.L." in again and "open" in again


async def test_without_a_telegram_username_the_invite_page_says_what_is_needed(portal, db):
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    await post_form(portal, "/portal/invites", {"label": ""}, token_from="/portal/invites")
    page = await text_of(portal, "/portal/invites")
    assert "/?invite=" in page and "t.me" not in page and "TELEGRAM_BOT_USERNAME" in page


async def test_the_invite_list_shows_used_and_expired_invites(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    add_client(db, pat, "Used one")
    with db() as session:
        expired = create_invite(session, pat, "Too late", 14).invite
        expired.expires_at = minutes_ago(1)
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, "/portal/invites")
    assert "status-used\">used" in page and "status-expired\">expired" in page
