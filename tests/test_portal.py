"""The practitioner portal's doors: login, sessions, CSRF, the failed-login limit and who sees what."""

from __future__ import annotations

import asyncio

import pytest

from bot.portal.practitioners import find_by_email
from bot.storage.models import Practitioner, SafetyFlag
from bot.storage.notes import add_note
from bot.storage.progress import CONSENT_GIVEN, record_consent
from tests.portal_support import (  # noqa: F401 (fixtures)
    PASSWORD,
    add_account,
    add_admin,
    add_client,
    add_handoff,
    csrf_from,
    logged_in,
    login,
    make_portal,
    page_token,
    portal,
    post_form,
)

PAGES = ["/portal/", "/portal/invites", "/portal/feedback", "/portal/accounts"]


async def test_a_practitioner_logs_in_and_sees_their_dashboard(portal, db):
    add_account(db, "pat@example.org", "Pat Practitioner")
    response = await login(portal, "pat@example.org")
    assert response.status == 303 and response.headers["Location"] == "/portal/"
    dashboard = await portal.get("/portal/")
    html = await dashboard.text()
    assert dashboard.status == 200
    assert "Waypoint · practitioner portal" in html and "Logged in as Pat Practitioner" in html


async def test_the_e_mail_address_is_not_case_sensitive(portal, db):
    add_account(db, "pat@example.org", "Pat")
    assert (await login(portal, "  PAT@Example.org ")).status == 303


@pytest.mark.parametrize("email, password", [("pat@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)])
async def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(portal, db, email, password):
    add_account(db, "pat@example.org", "Pat")
    response = await login(portal, email, password)
    assert response.status == 401
    assert "do not match an active account" in await response.text()
    assert (await portal.get("/portal/", allow_redirects=False)).status == 302  # still not logged in


async def test_a_deactivated_account_cannot_log_in(portal, db):
    add_account(db, "pat@example.org", "Pat")
    with db() as session:
        find_by_email(session, "pat@example.org").active = False
    assert (await login(portal, "pat@example.org")).status == 401


@pytest.mark.parametrize(
    "path",
    [*PAGES, "/portal/clients/abc", "/portal/handoffs/1", "/portal/handoffs/1/print"],
)
async def test_without_a_session_every_page_sends_you_to_log_in(portal, path):
    response = await portal.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/portal/login?next=")


async def test_after_logging_in_you_return_to_the_page_you_asked_for(portal, db):
    add_account(db, "pat@example.org", "Pat")
    first = await portal.get("/portal/feedback")  # followed to the login page
    token = csrf_from(await first.text())
    assert 'name="next" value="/portal/feedback"' in await first.text()
    response = await portal.post(
        "/portal/login",
        data={"email": "pat@example.org", "password": PASSWORD, "csrf_token": token, "next": "/portal/feedback"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/portal/feedback"


async def test_the_login_page_never_sends_you_to_another_site(portal, db):
    add_account(db, "pat@example.org", "Pat")
    page = await portal.get("/portal/login")
    response = await portal.post(
        "/portal/login",
        data={"email": "pat@example.org", "password": PASSWORD, "csrf_token": csrf_from(await page.text()), "next": "//evil.example/portal/"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/portal/"


async def test_the_update_feed_without_a_session_answers_401(portal):
    response = await portal.get("/portal/api/updates")
    assert response.status == 401


@pytest.mark.parametrize("token", [None, "", "forged-token"])
async def test_a_login_without_the_right_csrf_token_is_refused(portal, db, token):
    add_account(db, "pat@example.org", "Pat")
    await portal.get("/portal/login")
    data = {"email": "pat@example.org", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = await portal.post("/portal/login", data=data, allow_redirects=False)
    assert response.status == 403
    assert "This form has expired" in await response.text()
    assert response.content_type == "text/html"


@pytest.mark.parametrize("token", [None, "forged-token"])
async def test_every_form_needs_the_sessions_csrf_token(portal, db, token):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    handoff_id = add_handoff(db, client_id, pat)
    with db() as session:
        session.add(SafetyFlag(client_id=client_id))
    await logged_in(portal, "pat@example.org")
    data = {} if token is None else {"csrf_token": token}
    with db() as session:
        note_id = add_note(session, client_id, pat, "A note of Pat's").id
    for path in [
        f"/portal/handoffs/{handoff_id}/notes",
        f"/portal/handoffs/{handoff_id}/reviewed",
        f"/portal/clients/{client_id}/notes",
        f"/portal/clients/{client_id}/label",
        f"/portal/notes/{note_id}",
        f"/portal/notes/{note_id}/delete",
        "/portal/flags/1/handled",
        "/portal/invites",
        "/portal/invites/1/revoke",
        "/portal/logout",
    ]:
        response = await portal.post(
            path, data={**data, "text": "An unwanted remark", "label": "Renamed", "outcome": "x", "confirmed": "yes"}, allow_redirects=False
        )
        assert response.status == 403, path
    page = await (await portal.get(f"/portal/handoffs/{handoff_id}")).text()
    assert "An unwanted remark" not in page and "Not reviewed yet" in page  # nothing was changed
    assert "A note of Pat&#39;s" in page and "Renamed" not in page
    assert "1 with an urgent safety flag" in await (await portal.get("/portal/")).text()


async def test_a_token_from_another_session_does_not_work(portal, db):
    add_account(db, "pat@example.org", "Pat")
    add_account(db, "bo@example.org", "Bo")
    await logged_in(portal, "bo@example.org")
    bos_token = await page_token(portal)
    await logged_in(portal, "pat@example.org")
    response = await portal.post("/portal/invites", data={"csrf_token": bos_token}, allow_redirects=False)
    assert response.status == 403


async def test_logging_out_ends_the_session(portal, db):
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    response = await post_form(portal, "/portal/logout")
    assert response.status == 303
    assert (await portal.get("/portal/", allow_redirects=False)).status == 302


async def test_after_logging_out_a_copy_of_the_session_cookie_opens_nothing(portal, db):
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    copied = portal.session.cookie_jar.filter_cookies(portal.make_url("/portal/"))["waypoint_portal"].value
    assert (await post_form(portal, "/portal/logout")).status == 303
    portal.session.cookie_jar.clear()
    stolen = await portal.get("/portal/", headers={"Cookie": f"waypoint_portal={copied}"}, allow_redirects=False)
    assert stolen.status == 302 and stolen.headers["Location"].startswith("/portal/login")
    feed = await portal.get("/portal/api/updates", headers={"Cookie": f"waypoint_portal={copied}"})
    assert feed.status == 401


async def test_logging_in_starts_a_new_session(portal, db):
    add_account(db, "pat@example.org", "Pat")
    page = await portal.get("/portal/login")
    before = csrf_from(await page.text())
    await login(portal, "pat@example.org", fresh=False)
    assert await page_token(portal) != before  # a token seen before login is worth nothing after it


@pytest.fixture
def short_login_delays(monkeypatch):
    """The delays after failed logins, a hundred times shorter, so that a test waits them out quickly."""
    from bot.portal import login_limit

    monkeypatch.setattr(login_limit, "FIRST_DELAY_SECONDS", 0.01, raising=False)
    monkeypatch.setattr(login_limit, "LONGEST_DELAY_SECONDS", 0.3, raising=False)
    monkeypatch.setattr(login_limit, "LONGEST_WAIT_SECONDS", 0.6, raising=False)
    return login_limit


async def test_after_many_failures_for_an_account_the_right_password_still_gets_in(portal, db, short_login_delays):
    add_account(db, "pat@example.org", "Pat")
    for _ in range(12):  # someone guessing, or trying to keep Pat out
        assert (await login(portal, "pat@example.org", "not the password")).status == 401
    assert (await login(portal, "pat@example.org")).status == 303, "the right password waits its turn, then gets in"


async def test_after_many_failures_from_one_computer_the_right_password_still_gets_in(portal, db, short_login_delays):
    add_account(db, "pat@example.org", "Pat")
    for attempt in range(25):
        assert (await login(portal, f"guess{attempt}@example.org", "not the password")).status == 401
    assert (await login(portal, "pat@example.org")).status == 303


async def test_parallel_guesses_wait_their_turn_and_never_slip_in(portal, db, short_login_delays):
    add_account(db, "pat@example.org", "Pat")
    page = await portal.get("/portal/login")
    data = {"email": "pat@example.org", "password": "not the password", "csrf_token": csrf_from(await page.text()), "next": "/portal/"}
    answers = await asyncio.gather(*(portal.post("/portal/login", data=data, allow_redirects=False) for _ in range(20)))
    statuses = [answer.status for answer in answers]
    assert set(statuses) <= {401, 429} and 429 in statuses, statuses  # a line too long is told to come back
    refused = next(answer for answer in answers if answer.status == 429)
    assert "please try again in" in await refused.text() and int(refused.headers["Retry-After"]) >= 1
    assert (await login(portal, "pat@example.org")).status == 303  # the guesses' line has gone: Pat waits a delay at most


def test_the_wait_between_checks_grows_with_each_failure_and_has_a_ceiling():
    from bot.portal.login_limit import FIRST_DELAY_SECONDS, LONGEST_DELAY_SECONDS, LoginDelays

    now = [0.0]
    delays = LoginDelays(clock=lambda: now[0])
    waits = []
    for _ in range(14):  # one guess after the other, each sent the moment the previous was answered
        booked, wait = delays.reserve("pat@example.org", "192.0.2.1")
        assert booked
        now[0] += wait
        waits.append(wait)
    assert waits[:5] == [0.0] * 5  # a few mistyped passwords cost nothing
    assert waits[5:9] == [FIRST_DELAY_SECONDS, 2 * FIRST_DELAY_SECONDS, 4 * FIRST_DELAY_SECONDS, 8 * FIRST_DELAY_SECONDS]
    assert max(waits) == LONGEST_DELAY_SECONDS and waits[-1] == LONGEST_DELAY_SECONDS

    delays.succeeded("pat@example.org", "192.0.2.1")
    assert delays.reserve("pat@example.org", "198.51.100.9") == (True, 0.0)  # the right password cleared the account


async def test_a_successful_login_takes_back_its_own_attempt(portal, db):
    add_account(db, "pat@example.org", "Pat")
    for _ in range(4):
        assert (await login(portal, "pat@example.org", "not the password")).status == 401
    assert (await login(portal, "pat@example.org")).status == 303
    for _ in range(4):  # the failures before the success are forgotten
        assert (await login(portal, "pat@example.org", "not the password")).status == 401
    assert (await login(portal, "pat@example.org")).status == 303


async def test_behind_a_trusted_proxy_failures_count_against_the_client_not_everyone(make_portal, db, short_login_delays):
    # Long delays, and any wait answered at once: whose turn it is shows without timing anything.
    short_login_delays.FIRST_DELAY_SECONDS = short_login_delays.LONGEST_DELAY_SECONDS = 60
    short_login_delays.LONGEST_WAIT_SECONDS = 0
    portal = await make_portal(trusted_proxies=("127.0.0.1",))
    add_account(db, "pat@example.org", "Pat")

    async def log_in_from(address: str, email: str, password: str):
        page = await portal.get("/portal/login")
        data = {"email": email, "password": password, "csrf_token": csrf_from(await page.text()), "next": "/portal/"}
        return await portal.post("/portal/login", data=data, headers={"X-Forwarded-For": address}, allow_redirects=False)

    for attempt in range(20):
        assert (await log_in_from("203.0.113.66", f"guess{attempt}@example.org", "not the password")).status == 401
    assert (await log_in_from("203.0.113.66", "guess99@example.org", "not the password")).status == 429
    portal.session.cookie_jar.clear()
    assert (await log_in_from("198.51.100.20", "pat@example.org", PASSWORD)).status == 303


async def test_a_deactivated_practitioner_is_logged_out_at_once(portal, db):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    with db() as session:
        session.get(Practitioner, pat).active = False
    assert (await portal.get("/portal/", allow_redirects=False)).status == 302


async def test_session_cookie_is_http_only_and_same_site(portal, db):
    add_account(db, "pat@example.org", "Pat")
    response = await login(portal, "pat@example.org")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("waypoint_portal=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portal" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is plain http here, where a Secure cookie would never come back


async def test_session_cookie_is_secure_behind_https(make_portal, db):
    client = await make_portal(public_url_setting="https://guidance.example.org")
    page = await client.get("/portal/login")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_the_chat_api_sets_no_portal_cookie(portal):
    response = await portal.post("/api/sessions")
    assert response.status == 201
    assert "Set-Cookie" not in response.headers
    missing = await portal.get("/api/nothing-here")
    assert missing.status == 404 and (await missing.json())["error"] == "http_error"  # /api/ errors stay JSON


async def test_portal_pages_are_not_cached_and_keep_the_security_headers(portal, db):
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    response = await portal.get("/portal/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


async def test_unknown_portal_pages_get_a_kind_html_404(portal, db):
    add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    response = await portal.get("/portal/no-such-page")
    assert response.status == 404 and response.content_type == "text/html"
    assert "Nothing here" in await response.text()


async def test_practitioner_b_cannot_open_practitioner_as_client_or_handoff(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    add_account(db, "bo@example.org", "Bo")
    client_id = add_client(db, pat, "Pat's client")
    handoff_id = add_handoff(db, client_id, pat, message="Private to Pat")
    with db() as session:
        session.add(SafetyFlag(client_id=client_id))
        session.flush()
        flag_id = session.query(SafetyFlag).one().id
    await logged_in(portal, "bo@example.org")
    with db() as session:
        note_id = add_note(session, client_id, pat, "Pat's own note").id
    for path in [
        f"/portal/clients/{client_id}", f"/portal/clients/{client_id}/print", f"/portal/handoffs/{handoff_id}",
        f"/portal/handoffs/{handoff_id}/print", f"/portal/flags/{flag_id}", f"/portal/notes/{note_id}/edit",
    ]:  # fmt: skip
        response = await portal.get(path)
        assert response.status == 404, path
        assert "Private to Pat" not in await response.text() and "Pat&#39;s own note" not in await response.text()
    for path in [
        f"/portal/handoffs/{handoff_id}/notes", f"/portal/handoffs/{handoff_id}/reviewed", f"/portal/flags/{flag_id}/handled",
        f"/portal/clients/{client_id}/notes", f"/portal/clients/{client_id}/label", f"/portal/notes/{note_id}",
        f"/portal/notes/{note_id}/delete",
    ]:  # fmt: skip
        form = {"text": "Bo was here", "label": "Bo was here", "outcome": "Bo was here", "confirmed": "yes"}
        assert (await post_form(portal, path, form)).status == 404, path
    dashboard = await (await portal.get("/portal/")).text()
    assert "Pat&#39;s client" not in dashboard and "Pat's client" not in dashboard
    assert (await (await portal.get("/portal/api/updates")).json()) == {"pending_handoffs": [], "urgent_flags": []}
    await logged_in(portal, "pat@example.org")
    page = await (await portal.get(f"/portal/handoffs/{handoff_id}")).text()
    assert "Bo was here" not in page and "Not reviewed yet" in page and "Pat&#39;s own note" in page
    assert "1 with an urgent safety flag" in await (await portal.get("/portal/")).text()
    assert "Bo was here" not in await (await portal.get(f"/portal/clients/{client_id}")).text()


async def test_account_management_is_for_administrators_only(portal, db):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    response = await portal.get("/portal/accounts")
    assert response.status == 403 and "You can&#39;t open this page" in await response.text()
    token = await page_token(portal)
    for target, data in [
        ("/portal/accounts", {"email": "new@example.org", "display_name": "New", "role": "admin", "password": PASSWORD}),
        (f"/portal/accounts/{pat}/password", {"password": "another long password"}),
        ("/portal/accounts/1/active", {"active": "no"}),
    ]:
        answer = await portal.post(target, data={"csrf_token": token, **data}, allow_redirects=False)
        assert answer.status == 403, target
    assert "Accounts" not in (await (await portal.get("/portal/")).text()).split("<main")[0]
    await logged_in(portal, "admin@example.org")
    accounts = await (await portal.get("/portal/accounts")).text()
    assert "new@example.org" not in accounts and "active" in accounts
    assert (await login(portal, "pat@example.org")).status == 303  # Pat's password is unchanged


async def test_an_administrator_sees_every_client_and_handoff(portal, db):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    bo = add_account(db, "bo@example.org", "Bo")
    pats = add_client(db, pat, "P-one")
    bos = add_client(db, bo, "B-one")
    nobodys = add_client(db, None)
    visitor = add_client(db, None)  # opened the chat, never agreed to anything, no invite
    with db() as session:
        record_consent(session, nobodys, CONSENT_GIVEN, "v1")
    handoff_id = add_handoff(db, bos, bo, message="For Bo")
    orphan_handoff = add_handoff(db, nobodys, None, message="For whoever is there")
    await logged_in(portal, "admin@example.org")
    dashboard = await (await portal.get("/portal/")).text()
    assert "P-one" in dashboard and "B-one" in dashboard and f"Client {nobodys[:6]}" in dashboard
    assert "no practitioner" in dashboard
    assert f"Client {visitor[:6]}" not in dashboard, "a visitor who never agreed is nobody's client"
    for path in [f"/portal/clients/{pats}", f"/portal/clients/{nobodys}", f"/portal/handoffs/{handoff_id}", f"/portal/handoffs/{orphan_handoff}"]:
        assert (await portal.get(path)).status == 200, path
    assert "For whoever is there" in await (await portal.get(f"/portal/handoffs/{orphan_handoff}")).text()


async def test_without_a_session_no_form_changes_anything(portal, db):
    pat = add_account(db, "pat@example.org", "Pat")
    client_id = add_client(db, pat, "J.D.")
    handoff_id = add_handoff(db, client_id, pat)
    for path in [
        f"/portal/handoffs/{handoff_id}/notes",
        f"/portal/handoffs/{handoff_id}/reviewed",
        f"/portal/clients/{client_id}/notes",
        f"/portal/clients/{client_id}/label",
        f"/portal/clients/{client_id}/practitioner",
        "/portal/notes/1",
        "/portal/notes/1/delete",
        "/portal/flags/1/handled",
        "/portal/invites",
        "/portal/invites/1/revoke",
        "/portal/accounts",
        f"/portal/accounts/{pat}/active",
        f"/portal/accounts/{pat}/password",
        "/portal/logout",
    ]:
        response = await portal.post(
            path, data={"csrf_token": "guessed", "text": "x", "active": "no", "password": PASSWORD * 2, "confirmed": "yes"}
        )
        assert response.status == 403, path
    with db() as session:
        assert session.get(Practitioner, pat).active
    assert (await login(portal, "pat@example.org")).status == 303


async def test_the_portal_root_and_its_static_files_are_served(portal):
    response = await portal.get("/portal", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/portal/"
    css = await portal.get("/portal/static/portal.css")
    assert css.status == 200 and ":focus-visible" in await css.text()
