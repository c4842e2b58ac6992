"""Fill a fresh database with a demo caseload and print the demo logins.

    .venv/bin/python -m bot.demo                 # into DATABASE_URL (by default var/waypoint.db)
    DATABASE_URL=sqlite:///var/demo.db .venv/bin/python -m bot.demo --clients 300

Refuses a database that holds any account or client, so made-up clients never mix with real
ones. The passwords are generated and printed once; nothing but their hashes is stored.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from bot.demo.caseload import NotEmpty, fill
from bot.settings import settings_or_exit
from bot.storage.engine import make_engine, make_session_factory, transaction
from bot.storage.migrate import upgrade


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.demo", description="Fill a fresh database with a demo caseload.")
    parser.add_argument("--clients", type=int, default=120, help="how many clients (default 120)")
    parser.add_argument("--seed", type=int, default=16, help="the same seed gives the same caseload")
    args = parser.parse_args(argv)
    if not 10 <= args.clients <= 5000:
        parser.error("--clients must be between 10 and 5000")
    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        with transaction(make_session_factory(engine)) as session:
            logins = fill(session, args.clients, args.seed)
    except NotEmpty as holding:
        print(
            f"This database already holds {holding}, so the demo leaves it alone: made-up clients must never mix with "
            "real ones. To try the demo, point DATABASE_URL at a new database, for example:\n"
            "  DATABASE_URL=sqlite:///var/demo.db .venv/bin/python -m bot.demo",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    print(f"Waypoint demo: {args.clients} made-up clients of 3 practitioners, with handoffs, safety flags, notes, messages, next sessions and feedback.")
    print(f"Start the stack with this DATABASE_URL and log in at {settings.public_url}/portal/ as:")
    width = max(len(login.name) for login in logins)
    for login in logins:
        print(f"  {login.name:<{width}}  {login.role:<13}  {login.email}  password: {login.password}")
    print("The passwords are shown only this once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
