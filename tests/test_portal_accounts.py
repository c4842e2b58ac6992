"""Portal accounts: made on the command line, and managed by administrators in the portal."""

from __future__ import annotations

import io
import subprocess
import sys

from bot.portal.accounts import main
from bot.portal.passwords import verify_password
from bot.portal.practitioners import find_by_email
from bot.storage.models import ADMINISTRATOR, PRACTITIONER
from tests.portal_support import (  # noqa: F401 (fixtures)
    PASSWORD,
    add_account,
    add_admin,
    logged_in,
    login,
    make_portal,
    portal,
    post_form,
)


def run_cli(settings, *args: str, stdin: str = "", answers: list[str] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    replies = iter(answers or [])
    code = main(list(args), settings=settings, stdin=io.StringIO(stdin), out=out, ask=lambda prompt: next(replies))
    return code, out.getvalue()


def test_the_cli_creates_an_administrator_whose_password_works(settings, db):
    code, output = run_cli(settings, "create", "--email", "Ada@Example.org", "--name", "Ada", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "Created the administrator account ada@example.org" in output
    assert PASSWORD not in output
    with db() as session:
        account = find_by_email(session, "ada@example.org")
        assert account.role == ADMINISTRATOR and account.active
        assert verify_password(account.password_hash, PASSWORD) and PASSWORD not in account.password_hash


def test_the_cli_asks_for_the_password_twice(settings, db):
    code, _ = run_cli(settings, "create", "--email", "pat@example.org", "--name", "Pat", answers=[PASSWORD, "something else entirely"])
    assert code == 1
    code, _ = run_cli(settings, "create", "--email", "pat@example.org", "--name", "Pat", answers=[PASSWORD, PASSWORD])
    assert code == 0
    with db() as session:
        assert find_by_email(session, "pat@example.org").role == PRACTITIONER


def test_ctrl_d_at_the_password_prompt_ends_with_a_short_message(settings, db, capsys):
    def end_of_input(prompt: str) -> str:
        raise EOFError

    code = main(["create", "--email", "kim@example.org", "--name", "Kim"], settings=settings, ask=end_of_input)
    assert code == 1 and "No password given; nothing was changed." in capsys.readouterr().err
    with db() as session:
        assert find_by_email(session, "kim@example.org") is None


def test_the_cli_refuses_a_short_password_and_a_second_account_for_one_address(settings, db, capsys):
    assert run_cli(settings, "create", "--email", "pat@example.org", "--name", "Pat", "--password-stdin", stdin="short\n")[0] == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert run_cli(settings, "create", "--email", "pat@example.org", "--name", "Pat", "--password-stdin", stdin=PASSWORD)[0] == 0
    assert run_cli(settings, "create", "--email", "PAT@example.org", "--name", "Pat", "--password-stdin", stdin=PASSWORD)[0] == 1
    assert "exists already" in capsys.readouterr().err


def test_the_cli_sets_passwords_deactivates_and_lists(settings, db):
    run_cli(settings, "create", "--email", "pat@example.org", "--name", "Pat Smith", "--password-stdin", stdin=PASSWORD)
    assert run_cli(settings, "set-password", "--email", "pat@example.org", "--password-stdin", stdin="a brand new password")[0] == 0
    assert run_cli(settings, "deactivate", "--email", "pat@example.org")[0] == 0
    code, listing = run_cli(settings, "list")
    assert code == 0 and listing == "pat@example.org\tPat Smith\tpractitioner\tdeactivated\n"
    with db() as session:
        account = find_by_email(session, "pat@example.org")
        assert verify_password(account.password_hash, "a brand new password") and not account.active
    assert run_cli(settings, "deactivate", "--email", "nobody@example.org")[0] == 1


def test_the_cli_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "bot.portal.accounts", "--help"], capture_output=True, text=True, check=True)
    assert "create" in result.stdout and "set-password" in result.stdout and "deactivate" in result.stdout


async def test_an_administrator_creates_an_account_that_can_log_in(portal, db):
    add_admin(db)
    await logged_in(portal, "admin@example.org")
    short = await post_form(portal, "/portal/accounts", {"email": "new@example.org", "display_name": "Nia", "role": "practitioner", "password": "short"})
    assert short.status == 422 and "at least 10 characters" in await short.text()
    created = await post_form(portal, "/portal/accounts", {"email": "new@example.org", "display_name": "Nia", "role": "practitioner", "password": PASSWORD})
    assert created.status == 303
    page = await (await portal.get(created.headers["Location"])).text()
    assert "The account was created." in page and "new@example.org" in page
    duplicate = await post_form(portal, "/portal/accounts", {"email": "new@example.org", "display_name": "Nia", "role": "practitioner", "password": PASSWORD})
    assert duplicate.status == 422 and "exists already" in await duplicate.text()
    assert (await login(portal, "new@example.org")).status == 303


async def test_an_administrator_deactivates_reactivates_and_resets_passwords(portal, db):
    admin = add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "admin@example.org")
    asked = await post_form(portal, f"/portal/accounts/{pat}/active", {"active": "no"})
    assert asked.status == 200 and "Yes, deactivate Pat" in await asked.text()  # asked first; nothing changed yet
    assert (await login(portal, "pat@example.org")).status == 303
    await logged_in(portal, "admin@example.org")
    form = {"active": "no", "successor": "none", "confirmed": "yes"}
    assert (await post_form(portal, f"/portal/accounts/{pat}/active", form)).status == 303
    assert (await login(portal, "pat@example.org")).status == 401
    await logged_in(portal, "admin@example.org")
    assert (await post_form(portal, f"/portal/accounts/{pat}/active", {"active": "yes"})).status == 303
    assert (await post_form(portal, f"/portal/accounts/{pat}/password", {"password": "the new password"})).status == 303
    assert (await login(portal, "pat@example.org")).status == 401  # the old password no longer works
    assert (await login(portal, "pat@example.org", "the new password")).status == 303
    await logged_in(portal, "admin@example.org")
    own = await post_form(portal, f"/portal/accounts/{admin}/active", {"active": "no"})
    assert own.status == 422 and "cannot deactivate your own account" in await own.text()
    assert (await post_form(portal, "/portal/accounts/999/active", {"active": "no", "confirmed": "yes"})).status == 404


async def test_a_new_password_ends_the_sessions_made_with_the_old_one(portal, db):
    add_admin(db)
    pat = add_account(db, "pat@example.org", "Pat")
    await logged_in(portal, "pat@example.org")
    pats_cookie = portal.session.cookie_jar.filter_cookies(portal.make_url("/portal/"))["waypoint_portal"].value
    await logged_in(portal, "admin@example.org")
    await post_form(portal, f"/portal/accounts/{pat}/password", {"password": "the new password"})
    portal.session.cookie_jar.clear()
    portal.session.cookie_jar.update_cookies({"waypoint_portal": pats_cookie}, portal.make_url("/portal/"))
    assert (await portal.get("/portal/", allow_redirects=False)).status == 302
