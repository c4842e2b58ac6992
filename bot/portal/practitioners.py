"""Practitioner accounts: the repository the CLI and the administrators' pages share."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.portal.passwords import hash_password
from bot.storage.models import ADMINISTRATOR, PRACTITIONER, Practitioner
from bot.storage.people import display_names  # noqa: F401 (the portal imports it from here)

ROLES = (PRACTITIONER, ADMINISTRATOR)


class AccountError(ValueError):
    """A request about accounts that cannot be done, worded for the person asking."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> Practitioner | None:
    return session.execute(
        select(Practitioner).where(func.lower(Practitioner.email) == normalise_email(email))
    ).scalar_one_or_none()


def create_account(session: Session, email: str, display_name: str, password: str, role: str = PRACTITIONER) -> Practitioner:
    email, display_name = normalise_email(email), display_name.strip()
    if "@" not in email or len(email) > 254:
        raise AccountError("Please give a valid e-mail address.")
    if not display_name or len(display_name) > 120:
        raise AccountError("Please give a name of 1 to 120 characters.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    if find_by_email(session, email) is not None:
        raise AccountError("An account with that e-mail address exists already.")
    account = Practitioner(email=email, display_name=display_name, password_hash=hash_password(password), role=role)
    session.add(account)
    session.flush()
    return account


def set_password(account: Practitioner, password: str) -> None:
    account.password_hash = hash_password(password)


def all_accounts(session: Session) -> list[Practitioner]:
    return list(session.execute(select(Practitioner).order_by(Practitioner.display_name, Practitioner.id)).scalars())


def active_administrators(session: Session) -> list[Practitioner]:
    return list(
        session.execute(
            select(Practitioner).where(Practitioner.role == ADMINISTRATOR, Practitioner.active.is_(True))
        ).scalars()
    )


def password_stamp(account: Practitioner) -> str:
    """Changes whenever the password does, so a new password ends every session made with the old one."""
    return hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:16]
