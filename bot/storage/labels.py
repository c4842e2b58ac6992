"""Labels: a practitioner's own name for a client (initials, say), so they recognise them in the portal.

A label comes from the invite the client used, or is set in the portal (a practitioner renaming a
client, an administrator naming a client who came without an invite, or giving one to the
practitioner who takes a client over). A label set in the portal wins over an invite's; among
invites, the newest used one. `None` as owner is the service's label, used where a practitioner
has none of their own.
"""

from __future__ import annotations

from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.storage.models import ClientLabel, Invite, utcnow

MAX_LABEL_CHARS = 120


def clean_label(label: str | None) -> str | None:
    """The label as stored: trimmed, at most MAX_LABEL_CHARS, None when empty."""
    return " ".join((label or "").split())[:MAX_LABEL_CHARS] or None


def labels_of(session: Session, owners: Mapping[str, int | None], scope: Select | None = None) -> dict[str, str | None]:
    """Each client's label as their owner (a practitioner's id, or None) named them; None if unnamed.

    `scope` is a subquery selecting (at least) these clients, used instead of a list of their ids.
    """
    ids = scope if scope is not None else list(owners)
    if not owners:
        return {}
    invite_labels: dict[tuple[str, int], str] = {}
    for client_id, practitioner_id, label in session.execute(
        select(Invite.client_id, Invite.practitioner_id, Invite.label)
        .where(Invite.client_id.in_(ids), Invite.used_at.is_not(None), Invite.label.is_not(None))
        .order_by(Invite.used_at, Invite.id)  # oldest first, so that the newest is the one kept
    ):
        invite_labels[(client_id, practitioner_id)] = label
    set_labels: dict[tuple[str, int | None], str] = {
        (client_id, practitioner_id): label
        for client_id, practitioner_id, label in session.execute(
            select(ClientLabel.client_id, ClientLabel.practitioner_id, ClientLabel.label).where(ClientLabel.client_id.in_(ids))
        )
    }
    found: dict[str, str | None] = {}
    for client_id, owner in owners.items():
        own = None if owner is None else (set_labels.get((client_id, owner)) or invite_labels.get((client_id, owner)))
        found[client_id] = own or set_labels.get((client_id, None))
    return found


def label_of(session: Session, client_id: str, owner: int | None) -> str | None:
    return labels_of(session, {client_id: owner})[client_id]


def set_label(session: Session, client_id: str, owner: int | None, label: str | None) -> None:
    """Name the client for `owner` (None: the service's label); an empty label removes the name set here."""
    row = session.execute(
        select(ClientLabel).where(
            ClientLabel.client_id == client_id,
            ClientLabel.practitioner_id.is_(None) if owner is None else ClientLabel.practitioner_id == owner,
        )
    ).scalar_one_or_none()
    label = clean_label(label)
    if label is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ClientLabel(client_id=client_id, practitioner_id=owner, label=label))
    else:
        row.label, row.set_at = label, utcnow()
    session.flush()
