"""Invites: single-use, expiring codes that bind the client who uses one to a practitioner."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.storage.models import Client, Invite, utcnow

# The answers a client can get when using a code; the chat words them kindly.
BOUND = "bound"
ALREADY_BOUND = "already_bound"  # the same practitioner already
UNKNOWN = "unknown"  # never issued, or mistyped
EXPIRED = "expired"
USED = "used"


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    code: str  # shown once to the practitioner; only its hash is stored


def create_invite(session: Session, practitioner_id: int, label: str | None, valid_days: int) -> NewInvite:
    code = secrets.token_urlsafe(16)
    invite = Invite(
        code_hash=hash_code(code),
        practitioner_id=practitioner_id,
        label=(label or "").strip()[:120] or None,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    session.add(invite)
    session.flush()
    return NewInvite(invite, code)


def redeem_invite(session: Session, code: str, client_id: str) -> str:
    """Bind the client to the invite's practitioner; returns one of the outcomes above."""
    if not code or len(code) > 100:
        return UNKNOWN
    invite = session.execute(select(Invite).where(Invite.code_hash == hash_code(code))).scalar_one_or_none()
    if invite is None:
        return UNKNOWN
    client = session.get(Client, client_id)
    if invite.used_at is not None:
        return ALREADY_BOUND if invite.client_id == client_id else USED
    if invite.expires_at < utcnow():
        return EXPIRED
    # Only the first of two clients opening the same link at once gets it: the update is
    # conditional on the invite still being unused, and counts the rows it changed.
    claimed = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=utcnow(), client_id=client_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return USED
    session.refresh(invite)
    client.practitioner_id = invite.practitioner_id
    session.flush()
    return BOUND
