"""Invites: single-use, expiring codes that bind the client who uses one to a practitioner."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from bot.storage.models import Client, Invite, Practitioner, utcnow

# The answers a client can get when using a code; the chat words them kindly.
BOUND = "bound"
ALREADY_BOUND = "already_bound"  # the same practitioner already
UNKNOWN = "unknown"  # never issued, or mistyped
EXPIRED = "expired"
USED = "used"
# A client who has a practitioner is asked before another practitioner's invite moves them.
MOVE_ASKED = "confirm_move"
MOVED = "moved"
STAYED = "stayed"  # they said no: nothing changed, and the invite is still unused


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


@dataclass(frozen=True)
class Redemption:
    outcome: str  # one of the outcomes above
    practitioner: str | None = None  # the invite's practitioner, by name (asked, moved, stayed)
    current_practitioner: str | None = None  # the client's practitioner until now (asked, stayed)


def redeem_invite(session: Session, code: str, client_id: str, move: bool | None = None) -> Redemption:
    """Bind the client to the invite's practitioner.

    A client bound to another practitioner is not moved unless `move` is True: with None they are
    to be asked first (MOVE_ASKED), with False nothing changes (STAYED). Otherwise the invite
    would let any practitioner who sends a client their link take the client over.
    """
    if not code or len(code) > 100:
        return Redemption(UNKNOWN)
    invite = session.execute(select(Invite).where(Invite.code_hash == hash_code(code))).scalar_one_or_none()
    if invite is None:
        return Redemption(UNKNOWN)
    client = session.get(Client, client_id)
    if invite.used_at is not None:
        return Redemption(ALREADY_BOUND if invite.client_id == client_id else USED)
    if invite.expires_at < utcnow():
        return Redemption(EXPIRED)
    moving = client.practitioner_id is not None and client.practitioner_id != invite.practitioner_id
    new_name = session.get(Practitioner, invite.practitioner_id).display_name
    if moving and not move:
        current_name = session.get(Practitioner, client.practitioner_id).display_name
        return Redemption(MOVE_ASKED if move is None else STAYED, new_name, current_name)
    # Only the first of two clients opening the same link at once gets it: the update is
    # conditional on the invite still being unused, and counts the rows it changed.
    claimed = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=utcnow(), client_id=client_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return Redemption(USED)
    session.refresh(invite)
    client.practitioner_id = invite.practitioner_id
    session.flush()
    return Redemption(MOVED if moving else BOUND, new_name)


@dataclass(frozen=True)
class MovedClient:
    label: str | None  # the earlier practitioner's own label
    moved_at: datetime | None  # when the invite of their new practitioner was used


def clients_moved_away(session: Session, practitioner_id: int) -> list[MovedClient]:
    """Clients who came through one of this practitioner's invites and are another's now, newest move first."""
    mine = (
        select(Invite.client_id, func.max(Invite.id).label("invite_id"))
        .where(Invite.practitioner_id == practitioner_id, Invite.used_at.is_not(None), Invite.client_id.is_not(None))
        .group_by(Invite.client_id)
        .subquery()
    )
    current = (
        select(Invite.client_id, func.max(Invite.used_at).label("moved_at"))
        .join(Client, and_(Client.id == Invite.client_id, Client.practitioner_id == Invite.practitioner_id))
        .where(Invite.used_at.is_not(None))
        .group_by(Invite.client_id)
        .subquery()
    )
    rows = session.execute(
        select(Invite.label, current.c.moved_at)
        .join(mine, mine.c.invite_id == Invite.id)
        .join(Client, Client.id == mine.c.client_id)
        .outerjoin(current, current.c.client_id == Client.id)
        .where(Client.practitioner_id.is_not(None), Client.practitioner_id != practitioner_id)
    ).all()
    moved = [MovedClient(label, moved_at) for label, moved_at in rows]
    return sorted(moved, key=lambda m: m.moved_at or datetime.min, reverse=True)
