"""The portal for a real caseload, in Chromium, on the demo caseload (`python -m bot.demo`, run once per
session): who needs me now, the client's record and latest summary, writing to a client and their
next session (seen in the client's own chat), notes, safeguarding, exports, administration, and the
visual defects of issue 16. The gateway runs with the stand-in Rasa, in Europe/Helsinki time."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from bot.portal import client_routes
from bot.settings import PROJECT_ROOT
from bot.storage.access import client_label
from bot.storage.identity import find_web_client
from bot.storage.contact import next_session
from bot.storage.linking import create_link_code
from bot.storage.models import (
    HANDOFF_APPROVED,
    ROUND_COMPLETE,
    ChannelAccount,
    Client,
    Handoff,
    Intake,
    Invite,
    Message,
    Practitioner,
    PractitionerNote,
    SafetyFlag,
)
from bot.storage.options import latest_option_set
from bot.storage.plans import latest_plan
from bot.storage.progress import CONSENT_GIVEN, record_consent, snapshot
from tests.demo_support import TIME_ZONE, browser, demo, log_in, open_page, problems, run_demo  # noqa: F401 (fixtures)

AMIRA, BEN, CARMEN, DANA = "Amira Haddad", "Ben Okafor", "Carmen Ruiz", "Dana Kowalski"
REPORTS = PROJECT_ROOT / "reports"
MATRIX_TABLE = "Decision matrix: each option rated on the client's own criteria, weighted"
A_DATE_WITH_ITS_YEAR = re.compile(r"by (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) [0-9]{1,2} [A-Z][a-z]+ [0-9]{4}")


@dataclass(frozen=True)
class Reader:
    id: int
    is_admin: bool = False


def practitioner_id(demo, name: str) -> int:
    with demo.database() as session:
        return session.execute(select(Practitioner.id).where(Practitioner.display_name == name)).scalar_one()


def open_flag_of(demo, name: str) -> SafetyFlag:
    with demo.database() as session:
        return session.execute(
            select(SafetyFlag).join(Client, Client.id == SafetyFlag.client_id)
            .where(Client.practitioner_id == practitioner_id(demo, name), SafetyFlag.handled_at.is_(None))
            .order_by(SafetyFlag.raised_at)
        ).scalars().first()  # fmt: skip


def open_flags_of(demo, name: str) -> int:
    """How many clients of `name` have an open flag (the dashboard counts clients, not flags)."""
    with demo.database() as session:
        return len(set(session.execute(
            select(SafetyFlag.client_id).join(Client, Client.id == SafetyFlag.client_id)
            .where(Client.practitioner_id == practitioner_id(demo, name), SafetyFlag.handled_at.is_(None))
        ).scalars()))  # fmt: skip


def showcase_handoff(demo, name: str) -> tuple[str, int]:
    """A handoff sent to `name` with the client's message, of a client with notes: the README's picture."""
    with demo.database() as session:
        noted = select(PractitionerNote.client_id)
        handoff = session.execute(
            select(Handoff)
            .where(Handoff.practitioner_id == practitioner_id(demo, name), Handoff.message.is_not(None), Handoff.client_id.in_(noted))
            .order_by(Handoff.approved_at.desc())
        ).scalars().first()
        return handoff.client_id, handoff.id


def client_with_handoffs(demo, name: str) -> str:
    """A client of `name` who sent them several summaries."""
    with demo.database() as session:
        rows = session.execute(
            select(Handoff.client_id).where(Handoff.practitioner_id == practitioner_id(demo, name), Handoff.status == "approved")
        ).scalars().all()
    return max(set(rows), key=rows.count)


def test_the_dashboard_answers_who_needs_me_now_on_a_desktop_and_a_phone(demo, browser, problems):
    page = log_in(open_page(browser, problems), demo, AMIRA)
    rows = page.locator("table.caseload tbody tr")
    expect(rows).to_have_count(25)  # one page of 25, not a table screens long
    first = rows.first
    expect(first.get_by_role("link", name="Urgent safety flag")).to_be_visible()  # the most urgent first
    expect(page.get_by_role("link", name=f"{open_flags_of(demo, AMIRA)} with an urgent safety flag", exact=True)).to_be_visible()
    labels = rows.locator("th a").all_inner_texts()
    assert len(set(labels)) == len(labels), "one row per client"
    REPORTS.mkdir(exist_ok=True)
    page.screenshot(path=str(REPORTS / "portal-dashboard.png"))  # the README's picture: the first screen

    first.get_by_role("link", name="Urgent safety flag").click()  # the badge leads to the waiting item
    expect(page.get_by_role("heading", name="Urgent: not handled yet")).to_be_visible()
    page.go_back()
    wanted = labels[3]
    page.get_by_label("Label").fill(wanted.lower())
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(wanted)
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Show").select_option("handoff")
    page.get_by_role("button", name="Show").click()
    handoff_rows = rows.count()
    assert handoff_rows > 0
    for n in range(handoff_rows):
        expect(rows.nth(n).get_by_role("link", name=re.compile("handoffs? to review", re.IGNORECASE))).to_be_visible()
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("#caseload-count")).to_contain_text("page 2 of 2")
    assert set(rows.locator("th a").all_inner_texts()).isdisjoint(labels)

    phone = log_in(open_page(browser, problems, width=375, height=800, is_mobile=True, has_touch=True), demo, AMIRA)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "nothing is cut off or scrolls sideways"
    card = phone.locator("table.caseload tbody tr").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    named = card.locator('td[data-label="Waiting"]').evaluate("td => getComputedStyle(td, '::before').content")
    assert "Waiting" in named, named  # each value says what it is
    expect(card.get_by_role("link", name="Urgent safety flag")).to_be_visible()
    phone.screenshot(path=str(REPORTS / "portal-dashboard-phone.png"))


def next_sessions_of(demo, name: str) -> tuple[tuple[str, date], str]:
    """Clients as `name` (an administrator) knows them: one whose next session is still to come (label,
    date), and one whose last one has passed (label)."""
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()
    upcoming = passed = None
    reader = Reader(practitioner_id(demo, name), is_admin=True)
    with demo.database() as session:
        for client_id in session.execute(select(Client.id).where(Client.practitioner_id.is_not(None)).order_by(Client.id)).scalars():
            day = next_session(session, client_id)
            if day is not None and day > today and upcoming is None:
                upcoming = (client_label(session, reader, client_id), day)
            elif day is not None and day < today and passed is None:
                passed = client_label(session, reader, client_id)
    assert upcoming and passed, "the demo has clients with a next session to come and one whose session has passed"
    return upcoming, passed


def test_the_dashboard_and_the_caseload_csv_show_each_clients_next_session(demo, browser, problems):
    (label, day), passed = next_sessions_of(demo, DANA)
    page = log_in(open_page(browser, problems), demo, DANA)  # every client, and the widest table (with the practitioner)
    expect(page.locator("table.caseload thead")).to_contain_text("Next session")
    for wanted, shown, in_file in ((label, f"{day:%d %b %Y}", day.isoformat()), (passed, "none set", "")):
        page.get_by_label("Label").fill(wanted)
        page.get_by_role("button", name="Show").click()
        row = page.locator("table.caseload tbody tr", has=page.get_by_role("link", name=wanted, exact=True))
        expect(row.locator('td[data-label="Next session"]')).to_have_text(shown)  # a passed date is not shown
        with page.expect_download() as download:
            page.get_by_role("link", name="Download as CSV").click()
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
        assert [(r["Client"], r["Next session"]) for r in rows if r["Client"] == wanted] == [(wanted, in_file)]
    wrap = page.locator("table.caseload").locator("xpath=..")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "the table fits a desktop without scrolling sideways"

    phone = log_in(open_page(browser, problems, width=375, height=800, is_mobile=True, has_touch=True), demo, DANA)
    phone.get_by_label("Label").fill(label)
    phone.get_by_role("button", name="Show").click()
    cell = phone.locator('table.caseload tbody tr td[data-label="Next session"]').first
    expect(cell).to_have_text(f"{day:%d %b %Y}")
    assert "Next session" in cell.evaluate("td => getComputedStyle(td, '::before').content")  # the card names the value
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_administrator_pages_through_every_client(demo, browser, problems):
    page = log_in(open_page(browser, problems), demo, DANA)
    expect(page.locator("#caseload-count")).to_contain_text("120 clients")
    expect(page.locator("#caseload-count")).to_contain_text("page 1 of 5")
    assert page.evaluate("document.documentElement.scrollHeight") < 3000
    page.get_by_label("Practitioner").select_option(label="No practitioner")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table.caseload tbody tr")).to_have_count(5)  # who came without an invite


def test_the_clients_record_tells_the_whole_approved_story(demo, browser, problems):
    client_id, handoff_id = showcase_handoff(demo, AMIRA)
    page = log_in(open_page(browser, problems), demo, AMIRA)
    page.goto(f"{demo.url}/portal/?q=")
    row = page.locator("table.caseload tbody tr", has=page.locator(f'a[href="/portal/clients/{client_id}"]'))
    if row.count() == 0:
        page.get_by_role("link", name="Next page").click()
    where = row.locator('td[data-label="Where"]').inner_text()
    row.locator(f'a[href="/portal/clients/{client_id}"]').first.click()
    expect(page.locator("p.meta").first).to_contain_text(where)  # the record and the dashboard agree
    timeline = page.locator("ol.timeline li")
    assert timeline.count() >= 5
    expect(page.locator("ol.timeline")).to_contain_text("Sent a summary (handoff)")
    expect(page.locator("ol.timeline")).to_contain_text("Agreed to take part")
    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", name="Goals")).to_be_visible()
    expect(summary).to_contain_text("The client's message")
    plan = page.locator("#plan")
    expect(plan).to_contain_text("Now, in the chat:")
    expect(page.locator("#parts")).to_contain_text("Start: done")
    expect(page.locator("#readiness")).to_contain_text("At the start")
    page.locator(f'#client-handoffs-heading ~ ul a[href="/portal/handoffs/{handoff_id}"]').click()
    expect(page.get_by_role("heading", name="Notes on")).to_be_visible()
    expect(page.locator("ol.notes li").first).to_contain_text("Written by Amira Haddad")  # the record's notes, here too
    page.screenshot(path=str(REPORTS / "portal-handoff.png"), full_page=True)


def client_written_to(demo, name: str):
    """A client of `name` whom they wrote to and whose next session is still to come: (id, the date, a message)."""
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()
    with demo.database() as session:
        for client_id, text in session.execute(
            select(Message.client_id, Message.text).join(Client, Client.id == Message.client_id)
            .where(Client.practitioner_id == practitioner_id(demo, name), Message.author_id.is_not(None))
            .order_by(Message.id)
        ).all():  # fmt: skip
            day = next_session(session, client_id)
            if day is not None and day > today:
                return client_id, day, text
    raise AssertionError(f"the demo has a client of {name} with a message and a next session")


def test_the_record_shows_what_the_practitioner_wrote_and_the_next_session(demo, browser, problems):
    client_id, day, sent = client_written_to(demo, CARMEN)
    page = log_in(open_page(browser, problems), demo, CARMEN)
    page.goto(f"{demo.url}/portal/clients/{client_id}")
    label = page.get_by_role("heading", level=1).inner_text()
    expect(page.locator("main")).to_contain_text(f"Next session: {day:%d %b %Y}")
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li", has_text="Message from Carmen Ruiz to the client").filter(has_text=sent).first).to_be_visible()
    expect(timeline.locator("li").filter(has_text=re.compile(r"Next session (set for|changed to) .*, by Carmen Ruiz")).first).to_be_visible()
    page.screenshot(path=str(REPORTS / "portal-record.png"), full_page=True)

    # Written from the record's contact page, the message is the newest entry of the timeline.
    page.get_by_role("link", name=f"Write to {label} or set the next session").click()
    page.get_by_label("Your message").fill("See you on Thursday. Bring your CV, please.")
    page.get_by_role("button", name=f"Send to {label}").click()
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    page.get_by_role("button", name="Remove the date").click()
    expect(page.get_by_role("status")).to_contain_text("removed")
    page.get_by_role("link", name=f"Back to {label}'s record").click()
    expect(page.locator("main")).not_to_contain_text("Next session:")
    newest = page.locator("ol.timeline li")
    expect(newest.nth(0)).to_contain_text("Next session removed, by Carmen Ruiz")
    expect(newest.nth(1)).to_contain_text("Message from Carmen Ruiz to the client")
    expect(newest.nth(1)).to_contain_text("See you on Thursday. Bring your CV, please.")
    newest.nth(1).get_by_role("link").click()  # to the contact page, where it is in full
    expect(page.locator("#messages li").first).to_contain_text("See you on Thursday. Bring your CV, please.")


def returning_client_of(demo, name: str) -> str:
    """A client of `name` who did the start (the bot welcomes them back) and has no chat of their own in the
    demo yet; not one whose pages other tests take pictures of."""
    taken = {showcase_handoff(demo, name)[0], client_with_handoffs(demo, name)}
    with demo.database() as session:
        for client_id in session.execute(
            select(Client.id).where(
                Client.practitioner_id == practitioner_id(demo, name),
                Client.id.not_in(select(ChannelAccount.client_id)),
                Client.id.not_in(select(SafetyFlag.client_id)),
            ).order_by(Client.id)
        ).scalars():  # fmt: skip
            if client_id not in taken and snapshot(session, client_id).stage == "returning":
                return client_id
    raise AssertionError(f"the demo has a client of {name} who did the start")


def test_a_demo_clients_open_chat_gets_the_practitioners_message_and_the_bot_names_the_next_session(demo, browser, problems, monkeypatch):
    monkeypatch.setenv("SERVICE_TIME_ZONE", TIME_ZONE)  # the welcome's "today" is the service's, as the portal's
    client_id = returning_client_of(demo, AMIRA)
    # The client continues in the web chat with a code from the channel they use (/link on Telegram
    # makes one with the same function); the demo's made-up clients have no chat of their own to ask in.
    with demo.database() as session:
        code = create_link_code(session, client_id).code
    chat = open_page(browser, problems)
    chat.goto(f"{demo.url}/?link={code}")
    chat.get_by_role("button", name="Continue that conversation").click()
    log = chat.get_by_role("list", name="Conversation")
    expect(log).to_contain_text("Done: this chat now continues the conversation")

    amira = log_in(open_page(browser, problems), demo, AMIRA)
    amira.goto(f"{demo.url}/portal/clients/{client_id}")
    label = amira.get_by_role("heading", level=1).inner_text()
    amira.get_by_role("link", name=f"Write to {label} or set the next session").click()
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()
    day = today + timedelta(days=9)
    amira.get_by_label("Date of the next session").fill(day.isoformat())
    amira.get_by_role("button", name=re.compile("^(Save|Change) the date$")).click()
    expect(amira.get_by_role("status")).to_contain_text("The date of the next session is saved")
    sent = "I've booked our next session. Could you bring the list of courses you found?"
    amira.get_by_label("Your message").fill(sent)
    amira.get_by_role("button", name=f"Send to {label}").click()
    expect(amira.get_by_role("status")).to_contain_text("Sent.")

    # The open chat shows it at once, as the practitioner's.
    bubble = log.locator("li.from-practitioner", has_text=sent)
    expect(bubble).to_have_count(1)
    expect(bubble.locator(".author")).to_have_text(f"Message from {AMIRA}, your practitioner:")
    expect(log.locator("li.out", has_text="Your next session is on")).to_have_count(0)  # not told when the date is set

    # The client comes back another day (the same browser) and says hello: the bot names the date.
    chat.close()
    back = chat.context.new_page()
    back.on("pageerror", lambda error: problems.append(f"{back.url}: {error}"))
    back.goto(demo.url + "/")
    log = back.get_by_role("list", name="Conversation")
    expect(log.locator("li.from-practitioner", has_text=sent)).to_have_count(1)  # still in their conversation
    back.get_by_label("Your message").fill("hello")
    back.get_by_label("Your message").press("Enter")
    expect(log.locator("li.in").last).to_have_text(re.compile("hello$"), timeout=15_000)  # taken in
    said = f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")
    mention = log.locator("li.out", has_text="Your next session is on")
    expect(mention).to_have_text(f"Waypoint: Your next session is on {said}.", timeout=15_000)
    expect(log).to_contain_text("Welcome back")


@dataclass(frozen=True)
class ApprovedSummary:
    """What a client wrote, beside the latest summary they approved for their practitioner."""

    client_id: str
    handoff_id: int
    situation: str
    kept_options: list[str]
    removed_option: str  # an option they took out before approving
    obstacle: str  # a step's obstacle and the client's plan for it
    plan_for_it: str


def summary_with_an_option_taken_out(demo, name: str) -> ApprovedSummary:
    """A client of `name` whose latest summary to them left out one of the options they had weighed."""
    reader = practitioner_id(demo, name)
    with demo.database() as session:
        seen = set()
        for handoff in session.execute(
            select(Handoff).join(Client, Client.id == Handoff.client_id)
            .where(Handoff.practitioner_id == reader, Client.practitioner_id == reader, Handoff.status == HANDOFF_APPROVED)
            .order_by(Handoff.approved_at.desc(), Handoff.id.desc())
        ).scalars():  # fmt: skip
            if handoff.client_id in seen:
                continue
            seen.add(handoff.client_id)  # the latest summary of each client
            options = latest_option_set(session, handoff.client_id, ROUND_COMPLETE)
            listed = " ".join(item["text"] for item in handoff.items if item["section"] == "options")
            titles = [option.title for option in options.options] if options else []
            plan = latest_plan(session, handoff.client_id, ROUND_COMPLETE)
            step = next((s for s in plan.steps if s.obstacle and s.if_then), None) if plan else None
            left_out = [title for title in titles if title not in listed]
            if len(left_out) == 1 and step is not None:
                situation = session.execute(
                    select(Intake.situation).where(Intake.client_id == handoff.client_id).order_by(Intake.id.desc())
                ).scalars().first()  # fmt: skip
                kept = [title for title in titles if title != left_out[0]]
                return ApprovedSummary(handoff.client_id, handoff.id, situation, kept, left_out[0], step.obstacle, step.if_then)
    raise AssertionError(f"the demo has a client of {name} who took an option out of their latest summary")


def expect_a_summary_for_the_practitioner(scope, wrote: ApprovedSummary) -> None:
    """The summary as issue 16 asks: the situation in the client's words, neutral labels, if-then plans with
    their obstacle, dates with the year, the matrix as a table, nothing taken out, clean full stops."""
    expect(scope.get_by_role("heading", name="Situation, in the client's words")).to_be_visible()
    expect(scope).to_contain_text(wrote.situation)
    expect(scope).to_contain_text(f"if-then: if {wrote.obstacle}, then {wrote.plan_for_it}")
    expect(scope).to_contain_text(A_DATE_WITH_ITS_YEAR)
    expect(scope).to_contain_text("Interests: ")
    table = scope.get_by_role("table", name=MATRIX_TABLE)
    expect(table).to_be_visible()
    expect(table.locator("tbody th")).to_have_text(wrote.kept_options)
    expect(scope).not_to_contain_text(wrote.removed_option)  # not in the options, not in the matrix
    text = "\n".join(scope.locator("section.summary-section").all_inner_texts())
    assert not re.search(r"\byour\b", text, re.IGNORECASE), "labels for the practitioner, never addressed to the client"
    assert not re.search(r"\.\s*\.", text), "no doubled full stops"


def test_the_latest_summary_on_the_demo_reads_as_the_practitioner_needs_it_on_screen_and_printed(demo, browser, problems):
    wrote = summary_with_an_option_taken_out(demo, AMIRA)
    page = log_in(open_page(browser, problems), demo, AMIRA)
    page.goto(f"{demo.url}/portal/clients/{wrote.client_id}")
    expect_a_summary_for_the_practitioner(page.locator("#summary"), wrote)

    page.get_by_role("link", name="Printable record").click()
    page.emulate_media(media="print")
    latest = page.locator("section", has=page.get_by_role("heading", name=re.compile("^The latest summary, approved")))
    expect_a_summary_for_the_practitioner(latest, wrote)
    page.emulate_media(media="screen")
    page.go_back()

    page.locator("#summary").get_by_role("link", name="Open the handoff").click()
    expect(page).to_have_url(re.compile(f"/portal/handoffs/{wrote.handoff_id}$"))
    expect_a_summary_for_the_practitioner(page.locator("section", has=page.get_by_role("heading", name="Summary approved by the client")), wrote)
    page.get_by_role("link", name="Printable version").click()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect_a_summary_for_the_practitioner(page.locator("main"), wrote)


def test_notes_on_the_client_are_beside_every_handoff_and_their_author_edits_and_deletes_them(demo, browser, problems):
    client_id = client_with_handoffs(demo, BEN)
    page = log_in(open_page(browser, problems), demo, BEN)
    page.goto(f"{demo.url}/portal/clients/{client_id}")
    page.get_by_label("Add a note").fill("Agreed to meet on Thursday at ten.")
    page.get_by_role("button", name="Save note").click()
    note = page.locator("ol.notes li", has_text="Agreed to meet on Thursday at ten.")
    expect(note).to_contain_text("Written by Ben Okafor")
    expect(note).to_contain_text("EET")  # the service's time zone
    handoff_links = page.locator("#client-handoffs-heading ~ ul a")
    for n in range(handoff_links.count()):
        href = handoff_links.nth(n).get_attribute("href")
        handoff = open_page(browser, problems)
        log_in(handoff, demo, BEN).goto(demo.url + href)
        expect(handoff.locator("#notes")).to_contain_text("Agreed to meet on Thursday at ten.")
        handoff.context.close()
    note.get_by_role("link", name="Edit or delete").click()
    page.get_by_role("textbox", name="The note").fill("Agreed to meet on Friday at ten.")
    page.get_by_role("button", name="Save changes").click()
    note = page.locator("ol.notes li", has_text="Agreed to meet on Friday at ten.")
    expect(note).to_contain_text("edited")
    note.get_by_role("link", name="Edit or delete").click()
    page.get_by_role("button", name="Delete this note…").click()
    expect(page.get_by_role("heading", name="Delete this note?")).to_be_visible()
    page.get_by_role("button", name="Yes, delete the note").click()
    expect(page.locator("#notes")).not_to_contain_text("Agreed to meet on Friday at ten.")


def test_marking_a_flag_handled_asks_what_was_done_and_to_confirm_and_keeps_the_record(demo, browser, problems):
    flag, before = open_flag_of(demo, BEN), open_flags_of(demo, BEN)
    page = log_in(open_page(browser, problems), demo, BEN)
    page.get_by_role("link", name=f"{before} with an urgent safety flag", exact=True).click()
    page.locator(f'a[href="/portal/flags/{flag.id}"]').click()
    page.get_by_role("button", name="Mark handled…").click()
    expect(page.get_by_label("What did you do, and what came of it?")).to_be_visible()  # required: nothing was sent
    assert page.evaluate("document.getElementById('outcome').validity.valueMissing")
    page.get_by_label("What did you do, and what came of it?").fill("Phoned at 14:10. Safe at home, mother with him.")
    page.get_by_role("button", name="Mark handled…").click()
    expect(page.get_by_role("heading", name="as handled?")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("Phoned at 14:10.")
    page.get_by_role("button", name="Change what I wrote").click()
    outcome = page.get_by_label("What did you do, and what came of it?")
    expect(outcome).to_have_value("Phoned at 14:10. Safe at home, mother with him.")
    outcome.fill("Phoned at 14:10. Safe at home, his mother with him; GP appointment tomorrow.")
    page.get_by_role("button", name="Mark handled…").click()
    page.get_by_role("button", name="Yes, mark it handled").click()
    handled = page.locator(f"#flag-{flag.id}")
    expect(handled).to_contain_text("Handled")
    expect(handled).to_contain_text("by Ben Okafor")
    expect(handled).to_contain_text("GP appointment tomorrow")
    expect(page.locator("ol.timeline")).to_contain_text("Safety flag handled by Ben Okafor")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name=f"{before - 1} with an urgent safety flag", exact=True)).to_be_visible()


def test_the_record_prints_to_pdf_and_the_caseload_downloads_as_csv_in_the_services_time_zone(demo, browser, problems):
    client_id = client_with_handoffs(demo, AMIRA)
    page = log_in(open_page(browser, problems), demo, AMIRA)
    page.goto(f"{demo.url}/portal/clients/{client_id}")
    page.get_by_role("link", name="Printable record").click()
    expect(page.get_by_role("heading", name="Client record:")).to_be_visible()
    expect(page.locator("main")).to_contain_text("service's time zone (Europe/Helsinki)")
    expect(page.get_by_role("navigation", name="Portal")).to_have_count(0)
    assert page.locator("time").first.inner_text().endswith(("EET", "EEST"))
    pdf = page.pdf(format="A4")  # what the browser's "Save as PDF" gives
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.go_back()
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_label("Show").select_option("steps")
    page.get_by_role("button", name="Show").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][3] == "Last active (Europe/Helsinki)"
    assert len(rows) > 1 and all("step" in row[1] for row in rows[1:])  # the filter applies to the file too


def test_an_administrator_gives_a_walk_in_client_a_practitioner_and_the_open_chat_is_told(demo, browser, problems):
    chat = open_page(browser, problems)
    chat.goto(demo.url + "/")
    log = chat.get_by_role("list", name="Conversation")
    expect(log).to_contain_text("Hello, I'm Waypoint.")
    token = chat.evaluate("localStorage.getItem('waypoint.client_token')")
    with demo.database() as session:
        client_id = find_web_client(session, token).id
        record_consent(session, client_id, CONSENT_GIVEN, "test")  # they agreed in the chat
    admin = log_in(open_page(browser, problems), demo, DANA)
    admin.get_by_label("Label").fill(client_id[:6])
    admin.get_by_role("button", name="Show").click()
    admin.get_by_role("link", name=f"Client {client_id[:6]}").click()
    admin.get_by_label("The label the service knows them by").fill("Walk-in W.")
    admin.get_by_role("button", name="Save label").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Walk-in W.")
    admin.get_by_label("Practitioner", exact=True).select_option(label=AMIRA)
    admin.get_by_role("button", name="Change practitioner…").click()
    expect(admin.get_by_role("heading", name=f"Give Walk-in W. to {AMIRA}?")).to_be_visible()
    expect(admin.locator("blockquote")).to_contain_text(f"{AMIRA} is your practitioner now")
    admin.get_by_role("button", name=f"Yes, give them to {AMIRA}").click()
    expect(admin.locator("p.meta").first).to_contain_text(f"Practitioner: {AMIRA}")
    expect(log).to_contain_text(f"{AMIRA} is your practitioner now", timeout=10_000)  # pushed to the open chat
    amira = log_in(open_page(browser, problems), demo, AMIRA)
    amira.get_by_label("Label").fill("Walk-in")
    amira.get_by_role("button", name="Show").click()
    expect(amira.locator("table.caseload tbody tr")).to_have_count(1)


def test_an_administrator_deactivates_a_practitioner_after_choosing_who_takes_over(demo, browser, problems):
    carmen, ben = practitioner_id(demo, CARMEN), practitioner_id(demo, BEN)
    with demo.database() as session:
        carmens = set(session.execute(select(Client.id).where(Client.practitioner_id == carmen)).scalars())
    admin = log_in(open_page(browser, problems), demo, DANA)
    admin.get_by_role("link", name="Accounts").click()
    admin.get_by_role("button", name=f"Deactivate {CARMEN}").click()
    expect(admin.get_by_role("heading", name=f"Deactivate {CARMEN}?")).to_be_visible()
    expect(admin.get_by_label(f"Who takes over their {len(carmens)} clients?")).to_be_visible()
    admin.get_by_label(f"Who takes over their {len(carmens)} clients?").select_option(label=BEN)
    admin.get_by_role("button", name=f"Yes, deactivate {CARMEN}").click()
    expect(admin.locator("p.notice")).to_contain_text("its clients have their new practitioner")
    with demo.database() as session:
        assert {session.get(Client, c).practitioner_id for c in carmens} == {ben}


def test_invites_are_revoked_and_an_administrator_sees_whose_they_are(demo, browser, problems):
    page = log_in(open_page(browser, problems), demo, AMIRA)
    page.get_by_role("link", name="Invites").click()
    expect(page.get_by_role("heading", name="Your invites")).to_be_visible()
    page.get_by_label("Your label for the client").fill("Given by mistake")
    page.get_by_role("button", name="Create invite").click()
    link = page.get_by_label("Web chat link").input_value()
    page.get_by_role("button", name="Revoke the invite Given by mistake").click()
    expect(page.locator("tr", has_text="Given by mistake")).to_contain_text("revoked")
    chat = open_page(browser, problems)
    chat.goto(link)
    expect(chat.get_by_role("list", name="Conversation")).to_contain_text("withdrawn")
    problems[:] = [p for p in problems if "status of 410" not in p]  # the refusal's own answer
    admin = log_in(open_page(browser, problems), demo, DANA)
    admin.get_by_role("link", name="Invites").click()
    expect(admin.get_by_role("heading", name="Every practitioner's invites")).to_be_visible()
    expect(admin.get_by_role("heading", name="Your invites")).to_have_count(0)


def test_the_demo_refuses_a_database_that_holds_anything_and_prints_new_passwords(demo):
    assert len(demo.logins) == 4 and len({password for _, password in demo.logins.values()}) == 4
    assert all(len(password) >= 16 for _, password in demo.logins.values())
    again = run_demo(demo.gateway.database_url)
    assert again.returncode == 1 and "already holds" in again.stderr and "password" not in again.stdout
    with demo.database() as session:
        assert session.query(Client).count() >= 120 and session.query(Invite).count() > 120


def test_the_visual_defects_are_gone(demo, browser, problems, monkeypatch):
    client_id = client_with_handoffs(demo, AMIRA)
    for width in (1100, 375):
        page = log_in(open_page(browser, problems, width=width), demo, AMIRA)
        page.goto(f"{demo.url}/portal/clients/{client_id}")
        # No empty band above a card's heading: the heading starts at the card's padding.
        gap = page.evaluate(
            "(() => { const card = document.querySelector('section.card'); const h = card.querySelector('h2');"
            " return h.getBoundingClientRect().top - card.getBoundingClientRect().top; })()"
        )
        assert gap <= 20, gap
        # Chart labels: smaller than the headings on a desktop, still readable on a phone.
        chart = page.locator("figure.chart svg").first
        scale = chart.evaluate("svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width")
        label_px = 14 * scale
        heading_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h3')).fontSize)")
        assert label_px < heading_px and label_px >= 12, (width, label_px, heading_px)
        # "Blocked" is never drawn in green, in the chart's legend or the plan's table.
        legend = page.locator("figure.chart svg text", has_text="blocked")
        if legend.count():
            fill = legend.first.evaluate("t => t.previousElementSibling.getAttribute('fill')")
            assert fill.lower() == "#a61b1b"
        page.context.close()
    page = log_in(open_page(browser, problems), demo, AMIRA)
    blocked = page.evaluate(
        "(() => { const s = document.createElement('span'); s.className = 'status status-blocked';"
        " const t = document.createElement('table'); t.className = 'plan'; t.appendChild(s); document.body.appendChild(t);"
        " return getComputedStyle(s).color; })()"
    )
    assert blocked == "rgb(166, 27, 27)"
    # 404 and 500 pages keep the navigation, so there is a way on.
    page.goto(f"{demo.url}/portal/clients/nobody-at-all")
    expect(page.get_by_role("heading", name="Nothing here")).to_be_visible()
    expect(page.get_by_role("navigation", name="Portal").get_by_role("link", name="Dashboard")).to_be_visible()

    def broken(*args, **kwargs):
        raise RuntimeError("a fault for the test")

    monkeypatch.setattr(client_routes, "feedback_overview", broken)
    page.goto(f"{demo.url}/portal/feedback")
    expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    expect(page.get_by_role("navigation", name="Portal").get_by_role("link", name="Invites")).to_be_visible()
    page.get_by_role("button", name="Log out").click()  # its form works from an error page too
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    problems[:] = [p for p in problems if "status of 404" not in p and "status of 500" not in p]
