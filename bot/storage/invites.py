"""Invites: single-use, expiring codes that bind the client who uses one to a practitioner."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.storage.labels import labels_of
from bot.storage.models import Client, Invite, Practitioner, PractitionerChange, utcnow

# The answers a client can get when using a code; the chat words them kindly.
BOUND = "bound"
ALREADY_BOUND = "already_bound"  # the same practitioner already
UNKNOWN = "unknown"  # never issued, or mistyped
EXPIRED = "expired"
USED = "used"
REVOKED = "revoked"  # withdrawn by the practitioner or an administrator before anyone used it
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
    if invite.revoked_at is not None:
        return Redemption(REVOKED)
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
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
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


def revoke_invite(session: Session, invite: Invite) -> bool:
    """Withdraw an invite nobody has used yet; False if it was used (or revoked) already."""
    if invite.used_at is not None or invite.revoked_at is not None:
        return False
    invite.revoked_at = utcnow()
    session.flush()
    return True


def clients_moved_away(session: Session, practitioner_id: int) -> list[MovedClient]:
    """Clients who were this practitioner's and are another's now, newest move first.

    They came through one of this practitioner's invites and used another's, or an administrator
    moved them (bot/storage/assignment.py). The label is this practitioner's own.
    """
    mine = (
        select(Invite.client_id)
        .where(Invite.practitioner_id == practitioner_id, Invite.used_at.is_not(None), Invite.client_id.is_not(None))
        .union(
            select(PractitionerChange.client_id).where(
                or_(PractitionerChange.from_practitioner_id == practitioner_id, PractitionerChange.to_practitioner_id == practitioner_id)
            )
        )
        .subquery()
    )
    clients = list(
        session.execute(
            select(Client.id)
            .join(mine, mine.c.client_id == Client.id)
            .where(Client.practitioner_id.is_not(None), Client.practitioner_id != practitioner_id)
        ).scalars()
    )
    if not clients:
        return []
    moved_at: dict[str, datetime] = {}
    # When the client came to their current practitioner: the newest invite of theirs used, or change to them.
    for client_id, at in session.execute(
        select(Invite.client_id, func.max(Invite.used_at))
        .join(Client, and_(Client.id == Invite.client_id, Client.practitioner_id == Invite.practitioner_id))
        .where(Invite.client_id.in_(clients), Invite.used_at.is_not(None))
        .group_by(Invite.client_id)
    ):
        moved_at[client_id] = at
    for client_id, at in session.execute(
        select(PractitionerChange.client_id, func.max(PractitionerChange.changed_at))
        .join(Client, and_(Client.id == PractitionerChange.client_id, Client.practitioner_id == PractitionerChange.to_practitioner_id))
        .where(PractitionerChange.client_id.in_(clients))
        .group_by(PractitionerChange.client_id)
    ):
        moved_at[client_id] = max(filter(None, [moved_at.get(client_id), at]))
    labels = labels_of(session, {client_id: practitioner_id for client_id in clients})
    moved = [MovedClient(labels[client_id], moved_at.get(client_id)) for client_id in clients]
    return sorted(moved, key=lambda m: m.moved_at or datetime.min, reverse=True)
