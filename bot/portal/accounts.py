"""Portal accounts from the command line.

    .venv/bin/python -m bot.portal.accounts create --email E --name N [--admin] [--password-stdin]
    .venv/bin/python -m bot.portal.accounts set-password --email E [--password-stdin]
    .venv/bin/python -m bot.portal.accounts deactivate --email E
    .venv/bin/python -m bot.portal.accounts activate --email E
    .venv/bin/python -m bot.portal.accounts list

The password is asked for twice (not shown), or read from the first line of standard input
with --password-stdin for scripts. No password is ever printed. The database is brought to the
newest schema first, so the first administrator can be made before the gateway ever ran.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Callable, Sequence, TextIO

from bot.portal.passwords import password_problem
from bot.portal.practitioners import AccountError, all_accounts, create_account, find_by_email, set_password
from bot.settings import Settings, load_settings
from bot.storage.engine import make_engine, make_session_factory, transaction
from bot.storage.migrate import upgrade
from bot.storage.models import ADMINISTRATOR, PRACTITIONER


class CommandError(Exception):
    """Something the person at the terminal can fix; printed without a traceback."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot.portal.accounts", description="Manage practitioner portal accounts.")
    commands = root.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="the name shown in the portal")
    create.add_argument("--admin", action="store_true", help="an administrator: sees every client and manages accounts")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    password = commands.add_parser("set-password", help="set a new password (ends the account's sessions)")
    password.add_argument("--email", required=True)
    password.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for name, text in (("deactivate", "stop an account from logging in"), ("activate", "let a deactivated account log in again")):
        commands.add_parser(name, help=text).add_argument("--email", required=True)
    commands.add_parser("list", help="list the accounts")
    return root


def read_password(from_stdin: bool, stdin: TextIO, ask: Callable[[str], str]) -> str:
    if from_stdin:
        password = stdin.readline().rstrip("\r\n")
    else:
        try:
            password = ask("New password: ")
            again = ask("The same password again: ")
        except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C at the prompt
            raise CommandError("\nNo password given; nothing was changed.") from None
        if again != password:
            raise CommandError("The two passwords differ; nothing was changed.")
    problem = password_problem(password)
    if problem:
        raise CommandError(problem)
    return password


def run(args: argparse.Namespace, settings: Settings, stdin: TextIO, out: TextIO, ask: Callable[[str], str]) -> None:
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        if args.command == "list":
            with transaction(sessions) as db:
                for account in all_accounts(db):
                    role = "administrator" if account.role == ADMINISTRATOR else "practitioner"
                    state = "active" if account.active else "deactivated"
                    print(f"{account.email}\t{account.display_name}\t{role}\t{state}", file=out)
            return
        password = read_password(args.password_stdin, stdin, ask) if args.command in ("create", "set-password") else None
        with transaction(sessions) as db:
            if args.command == "create":
                role = ADMINISTRATOR if args.admin else PRACTITIONER
                account = create_account(db, args.email, args.name, password, role)
                print(f"Created the {'administrator' if args.admin else 'practitioner'} account {account.email}.", file=out)
                return
            account = find_by_email(db, args.email)
            if account is None:
                raise CommandError(f"There is no account with the e-mail address {args.email}.")
            if args.command == "set-password":
                set_password(account, password)
                print(f"The password of {account.email} was changed.", file=out)
            else:
                account.active = args.command == "activate"
                print(f"{account.email} is now {'active' if account.active else 'deactivated'}.", file=out)
    finally:
        engine.dispose()


def main(
    argv: Sequence[str] | None = None,
    settings: Settings | None = None,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    ask: Callable[[str], str] = getpass.getpass,
) -> int:
    args = parser().parse_args(argv)
    try:
        run(args, settings or load_settings(), stdin, out, ask)
    except (CommandError, AccountError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
