"""What a practitioner sees and does in the portal: dashboard, handoffs, client progress, feedback, invites."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import escape
from sqlalchemy import select

from bot.storage.deletion import CLIENT_REQUEST, RETENTION, delete_client
from bot.storage.handoffs import approve
from bot.storage.invites import create_invite, hash_code
from bot.storage.models import (
    HANDOFF_DRAFT,
    ActionPlan,
    ActionStep,
    Client,
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
    assert f'href="/portal/handoffs/{approved}">Handoff to review' in dashboard and ">J.D.</a>" in dashboard
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


async def test_urgent_flags_come_first_and_are_handled_with_an_outcome_after_a_confirmation(portal, db):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    calm = add_client(db, pat, "Calm client", last_active_at=minutes_ago(1))
    worried = add_client(db, pat, "Worried client", last_active_at=minutes_ago(600))
    add_handoff(db, calm, pat)
    with db() as session:
        session.add(SafetyFlag(client_id=worried, category="self_harm", reason="statement"))
    await logged_in(portal, "pat@example.org")
    dashboard = await text_of(portal, "/portal/")
    assert "1 with an urgent safety flag" in dashboard
    clients_table = dashboard[dashboard.index('class="caseload"'):]
    assert clients_table.index("Worried client") < clients_table.index("Calm client")  # urgent before recent
    with db() as session:
        flag_id = session.execute(select(SafetyFlag.id)).scalar_one()
    assert f'href="/portal/flags/{flag_id}">Urgent safety flag' in clients_table
    path = f"/portal/flags/{flag_id}"
    page = await text_of(portal, path)
    assert "self-harm (said in a message)" in page and "What did you do" in page
    empty = await post_form(portal, f"{path}/handled", {"outcome": "  "}, token_from=path)
    assert empty.status == 422 and "Please say what was done" in await empty.text()
    asked = await post_form(portal, f"{path}/handled", {"outcome": "Called her; safe, sister with her"}, token_from=path)
    assert asked.status == 200 and "Yes, mark it handled" in await asked.text()
    with db() as session:
        assert session.get(SafetyFlag, flag_id).handled_at is None  # nothing recorded before the confirmation
    done = await post_form(
        portal, f"{path}/handled", {"outcome": "Called her; safe, sister with her", "confirmed": "yes"}, token_from=path
    )
    assert done.status == 303 and done.headers["Location"] == f"/portal/clients/{worried}?done=flag#flag-{flag_id}"
    assert "0 with an urgent safety flag" in await text_of(portal, "/portal/")
    record = await text_of(portal, f"/portal/clients/{worried}")
    safeguarding = record[record.index('id="safeguarding"'):record.index('id="timeline"')]
    assert "self-harm" in safeguarding and "by Pat Practitioner" in safeguarding and "Called her; safe, sister with her" in safeguarding
    with db() as session:
        flag = session.get(SafetyFlag, flag_id)
        assert flag.handled_at is not None and flag.handled_by == pat and flag.outcome == "Called her; safe, sister with her"


async def test_the_dashboard_shows_phase_plan_and_deletions(portal, db, settings):
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
        session.add(ClientDeletion(practitioner_id=pat, label="Gone client", reason=CLIENT_REQUEST, deleted_at=minutes_ago(10)))
        session.add(ClientDeletion(practitioner_id=pat, label="Quiet client", reason=RETENTION, deleted_at=minutes_ago(20)))
    await logged_in(portal, "pat@example.org")
    dashboard = await text_of(portal, "/portal/")
    assert '<td data-label="Where">Options</td>' in dashboard and "1 of 2 done" in dashboard
    deletions = dashboard[dashboard.index("Clients whose data was deleted"):]
    assert "Gone client · deleted" in deletions and "at their request" in deletions
    assert f"Quiet client · deleted {date.today():%d %b %Y}, inactive for {settings.retention_days} days" in deletions
    assert "Clients who deleted their data" not in dashboard


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
    assert "0 with a handoff to review" in await text_of(portal, "/portal/")  # reviewed handoffs leave the waiting list


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


def goal_item(goal_id: int, text: str) -> dict:
    return {"key": f"goal:{goal_id}", "section": "goals", "text": text, "data": {"goal_id": goal_id}}


def readiness_item(start: dict, now: dict) -> dict:
    return {"key": "readiness", "section": "readiness", "text": "Readiness as worded", "data": {"start": start, "now": now}}


def step_item(step_id: int, text: str, status: str, due: str | None = None) -> dict:
    return {"key": f"step:{step_id}", "section": "plan", "text": text, "data": {"status": status, "due": due}}


def store_unapproved_progress(db, client_id: str) -> None:
    """Progress the client has not sent in any handoff: the practitioner must never see it."""
    with db() as session:
        session.add_all(
            [
                Goal(client_id=client_id, text="A goal never approved", position=1, status="active"),
                ReadinessRating(client_id=client_id, item="clarity", value=1, moment="start"),
                ReadinessRating(client_id=client_id, item="clarity", value=5, moment="closing"),
                PhaseProgress(client_id=client_id, phase="start", status="done", updated_at=minutes_ago(90)),
                PhaseProgress(client_id=client_id, phase="options", status="in_progress", updated_at=minutes_ago(5)),
            ]
        )
        plan = ActionPlan(client_id=client_id, status="complete")
        plan.steps = [ActionStep(client_id=client_id, position=1, description="A step never approved", status="done")]
        session.add(plan)


async def test_before_anything_is_approved_the_client_page_says_so_kindly(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    store_unapproved_progress(db, client_id)
    add_handoff(db, client_id, pat, status=HANDOFF_DRAFT, items=[goal_item(9, "A goal still in a draft")])
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/clients/{client_id}")
    assert "Nothing approved yet: you will see what J.D. chooses to send you." in page
    for unapproved in ["A goal never approved", "A step never approved", "A goal still in a draft", "Clarity about what you want"]:
        assert unapproved not in page
    assert "<svg" not in page
    assert "Start: done" in page and "Options: in progress" in page and "last active" in page  # process metadata stays


async def test_the_client_page_shows_progress_over_time_from_approved_handoffs_only(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    store_unapproved_progress(db, client_id)
    first = add_handoff(
        db,
        client_id,
        pat,
        approved_at=minutes_ago(5000),
        items=[
            goal_item(1, "Become a nurse"),
            goal_item(2, "Earn enough to live on"),
            readiness_item({"clarity": 2, "confidence": 3}, {}),
            step_item(11, "Call the ranger (to do)", "open"),
            step_item(12, "Visit a reserve (to do)", "open"),
        ],
    )
    second = add_handoff(
        db,
        client_id,
        pat,
        approved_at=minutes_ago(50),
        items=[
            goal_item(3, "Work in ecology"),
            goal_item(4, "Earn enough to live on"),
            readiness_item({"clarity": 2, "confidence": 3}, {"clarity": 4, "confidence": 3}),
            step_item(11, "Call the ranger (done)", "done"),
            step_item(12, "Visit a reserve (blocked)", "blocked", (date.today() + timedelta(days=3)).isoformat()),
            {"key": "skills:1", "section": "plan", "text": "Skills to build: plant identification"},
        ],
    )
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/clients/{client_id}")
    source = page[page.index('id="approved-source"'):]
    assert "What follows is from the summaries J.D. approved and sent you" in source
    assert source.index(f"{minutes_ago(5000):%d %b %Y}") < source.index(f"{minutes_ago(50):%d %b %Y}")
    for unapproved in ["A goal never approved", "A step never approved"]:
        assert unapproved not in page
    goals = page[page.index("Goals over time"):page.index('id="readiness-heading"')]
    assert goals.index(f"/portal/handoffs/{first}") < goals.index("Become a nurse") < goals.index(f"/portal/handoffs/{second}")
    assert goals.index(f"/portal/handoffs/{second}") < goals.index("Work in ecology")
    assert goals.count("Earn enough to live on") == 2 and goals.count(">new<") == 1  # only the changed goal is new
    assert "Not in this summary: <span class=\"preserve\">Become a nurse" in goals
    readiness = page[page.index('id="readiness-heading"'):page.index('id="plan-heading"')]
    # The chart, and its figures once, in the table beside it (not repeated in a hidden one).
    assert '<svg role="img"' in readiness and "values as a table" not in readiness
    assert "Clarity about what you want" in readiness and "+2" in readiness  # 2 at the start, 4 as last approved
    assert "2 → not yet" in readiness and "2 → 4" in readiness  # each summary's figures, in date order
    assert readiness.index("2 → not yet") < readiness.index("2 → 4")
    # The figures approved in the newest summary, never the ratings stored since (1 at the start, 5 at closing).
    assert '<th scope="row">Clarity about what you want</th><td>2</td><td>4</td><td>+2</td>' in readiness
    plan = page[page.index('id="plan-heading"'):page.index('id="client-handoffs-heading"')]
    assert "Call the ranger (done)" in plan and "Visit a reserve (blocked)" in plan and 'status-blocked">blocked<' in plan
    assert "Call the ranger (to do)" not in plan.split("<svg")[0]  # the plan table is the latest approved one
    assert f"{date.today() + timedelta(days=3):%d %b %Y}" in plan and "plant identification" in plan
    assert "Plan steps in each approved summary" in plan and "<td>0</td><td>2</td><td>0</td>" in plan  # first: 2 to do


async def test_an_older_handoff_without_figures_is_shown_as_text(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    items = [
        {"key": "goal:1", "section": "goals", "text": "Work outdoors"},
        {"key": "readiness", "section": "readiness", "text": "Clarity about what you want: 2 of 5 at the start"},
        {"key": "step:1", "section": "plan", "text": "Call the ranger (to do)"},
    ]
    add_handoff(db, client_id, pat, items=items)
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/clients/{client_id}")
    assert "Work outdoors" in page and "Clarity about what you want: 2 of 5 at the start" in page
    assert "Call the ranger (to do)" in page and "as written" in page
    assert "<svg" not in page  # nothing to chart without figures


async def test_another_practitioners_handoff_never_reaches_the_client_page(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "J.D.")
    add_handoff(db, client_id, bo, items=[goal_item(1, "Told to Bo only")])  # approved while with Bo
    add_handoff(db, client_id, pat, items=[goal_item(2, "Told to Pat")])
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, f"/portal/clients/{client_id}")
    assert "Told to Pat" in page and "Told to Bo only" not in page


def add_feedback_clients(db, practitioner_id: int, count: int) -> list[str]:
    clients = [add_client(db, practitioner_id, f"Client {n}") for n in range(count)]
    answers = [(5, 4, "The plan", "Shorter questions", 2, 5), (3, None, None, None, 3, 4), (4, 5, "Being asked, not told", None, 4, 4)]
    with db() as session:
        for client_id, (useful, heard, helped, improve, start, closing) in zip(clients, answers):
            session.add(Feedback(client_id=client_id, usefulness=useful, felt_heard=heard, what_helped=helped, what_to_improve=improve))
            session.add(ReadinessRating(client_id=client_id, item="clarity", value=start, moment="start"))
            session.add(ReadinessRating(client_id=client_id, item="clarity", value=closing, moment="closing"))
    return clients


async def test_the_feedback_overview_hides_everything_below_three_clients(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    add_feedback_clients(db, pat, 2)
    bo = add_account(db, "bo@example.org", "Bo")
    with db() as session:  # another practitioner's client does not make up the number
        session.add(Feedback(client_id=add_client(db, bo, "Bo's"), usefulness=1, what_helped="Bo's client's answer"))
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, "/portal/feedback")
    assert "Shown once at least three of your clients have given feedback, so no one can be recognised." in page
    for hidden in ["The plan", "Shorter questions", "4.0", "+1", "Bo&#39;s client&#39;s answer", "<svg", "Average at the start"]:
        assert hidden not in page, hidden


async def test_the_feedback_overview_shows_averages_from_three_clients(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    add_feedback_clients(db, pat, 3)
    bo = add_account(db, "bo@example.org", "Bo")
    with db() as session:
        session.add(Feedback(client_id=add_client(db, bo, "Bo's"), usefulness=1, what_helped="Bo's client's answer"))
    await logged_in(portal, "pat@example.org")
    page = await text_of(portal, "/portal/feedback")
    assert "Ratings (from 3 clients)" in page and "Shown once at least" not in page
    table = page[page.index("Rating (1–5)"):]
    usefulness = table[table.index('<th scope="row">How useful it was</th>'):]
    assert "<td>4.0</td><td>3</td>" in usefulness.split("</tr>")[0]  # 5, 3 and 4
    felt_heard = table[table.index('<th scope="row">Felt heard</th>'):].split("</tr>")[0]
    assert "Fewer than three answers" in felt_heard and "4.5" not in felt_heard  # only two answered it
    assert "+1.3" in page  # clarity: 3.0 at the start, 4.3 at closing
    assert "Being asked, not told" in page and "The plan" in page and "Shorter questions" in page
    assert "Bo&#39;s client&#39;s answer" not in page and "Client 0" not in page  # no other practitioner's, no names
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
    assert "You and the service's administrators see it, and the client sees it when they ask for their data" in again


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


def use_invite(db, practitioner_id: int, client_id: str, label: str, used_minutes_ago: int = 0) -> None:
    with db() as session:
        invite = create_invite(session, practitioner_id, label, 14).invite
        invite.used_at, invite.client_id = minutes_ago(used_minutes_ago), client_id


async def test_each_practitioner_sees_only_their_own_label_also_after_the_client_moved(portal, db):
    add_account(db, "admin@example.org", "Ada Admin", role="admin")
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "Pats label")
    handoff_id = add_handoff(db, client_id, pat, items=[goal_item(1, "Told to Pat")])  # approved while with Pat
    use_invite(db, bo, client_id, "Bos label")
    with db() as session:
        session.get(Client, client_id).practitioner_id = bo
    await logged_in(portal, "bo@example.org")
    for path in ["/portal/", f"/portal/clients/{client_id}"]:
        page = await text_of(portal, path)
        assert "Bos label" in page and "Pats label" not in page, path
    assert "Told to Pat" not in await text_of(portal, f"/portal/clients/{client_id}")
    await logged_in(portal, "pat@example.org")
    for path in ["/portal/", f"/portal/handoffs/{handoff_id}"]:  # Pat keeps the handoff sent to them
        page = await text_of(portal, path)
        assert "Pats label" in page and "Bos label" not in page, path
    await logged_in(portal, "admin@example.org")  # the current practitioner's label
    for path in ["/portal/", f"/portal/clients/{client_id}", f"/portal/handoffs/{handoff_id}"]:
        page = await text_of(portal, path)
        assert "Bos label" in page and "Pats label" not in page, path


async def test_a_practitioner_with_no_label_of_their_own_sees_a_short_id(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "Pats label")
    use_invite(db, bo, client_id, "")  # Bo's invite had no label
    with db() as session:
        session.get(Client, client_id).practitioner_id = bo
        session.execute(Invite.__table__.update().where(Invite.practitioner_id == bo).values(label=None))
    await logged_in(portal, "bo@example.org")
    page = await text_of(portal, "/portal/")
    assert f"Client {client_id[:6]}" in page and "Pats label" not in page


def test_a_deleted_client_is_remembered_under_their_current_practitioners_newest_label(db):
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, None)
    use_invite(db, pat, client_id, "Pats old label", used_minutes_ago=300)
    use_invite(db, bo, client_id, "Bos label", used_minutes_ago=200)
    use_invite(db, pat, client_id, "Pats new label", used_minutes_ago=100)
    with db() as session:
        session.get(Client, client_id).practitioner_id = pat
    with db() as session:
        session.get(Client, client_id).deletion_requested_at = minutes_ago(1)
        delete_client(session, client_id)
    with db() as session:
        [tombstone] = session.execute(select(ClientDeletion)).scalars().all()
        assert (tombstone.practitioner_id, tombstone.label, tombstone.reason) == (pat, "Pats new label", CLIENT_REQUEST)


async def test_notes_name_their_authors_and_stay_out_of_the_print_view(portal, db):
    admin = add_account(db, "admin@example.org", "Ada Admin", role="admin")
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id = add_client(db, pat, "J.D.")
    handoff_id = add_handoff(db, client_id, pat)
    with db() as session:
        session.add(PractitionerNote(client_id=client_id, handoff_id=handoff_id, author_id=admin, text="Checked by the office"))
    await logged_in(portal, "pat@example.org")
    await post_form(portal, f"/portal/handoffs/{handoff_id}/notes", {"text": "Discuss funding"})
    page = await text_of(portal, f"/portal/handoffs/{handoff_id}")
    notes = page[page.index('id="notes-heading"'):]
    assert "The client sees notes when they ask for their data" in notes and "private notes" not in page.lower()
    assert notes.index("Checked by the office") < notes.index("Written by Ada Admin") < notes.index("Discuss funding")
    assert notes.index("Discuss funding") < notes.index("Written by Pat Practitioner")
    printable = await text_of(portal, f"/portal/handoffs/{handoff_id}/print")
    assert "Checked by the office" not in printable and "Discuss funding" not in printable


async def test_the_link_to_a_handoff_of_a_deleted_client_explains_itself(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    handoff_id = add_handoff(db, client_id, pat)
    with db() as session:
        delete_client(session, client_id)
    await logged_in(portal, "pat@example.org")
    for path in [f"/portal/handoffs/{handoff_id}", f"/portal/handoffs/{handoff_id}/print"]:
        response = await portal.get(path)
        assert response.status == 404 and "deleted at the client&#39;s request" in await response.text()
    other = await portal.get("/portal/clients/nobody")
    assert other.status == 404 and "deleted at the client" not in await other.text()
