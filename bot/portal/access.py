"""What a viewer may see: a practitioner their own clients and handoffs, an administrator everything.

Everything another practitioner owns is treated as if it did not exist (404), so ids reveal nothing.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.portal.auth import Viewer
from bot.storage.models import HANDOFF_APPROVED, Client, ClientDeletion, Handoff, Invite, SafetyFlag

UNLABELLED_PREFIX = "Client "


def client_criteria(viewer: Viewer) -> list[Any]:
    return [] if viewer.is_admin else [Client.practitioner_id == viewer.id]


def handoff_criteria(viewer: Viewer) -> list[Any]:
    """Only approved handoffs are ever shown: a draft is still the client's own."""
    owned = [] if viewer.is_admin else [Handoff.practitioner_id == viewer.id]
    return [Handoff.status == HANDOFF_APPROVED, *owned]


def deletion_criteria(viewer: Viewer) -> list[Any]:
    return [] if viewer.is_admin else [ClientDeletion.practitioner_id == viewer.id]


def invite_criteria(viewer: Viewer) -> list[Any]:
    return [] if viewer.is_admin else [Invite.practitioner_id == viewer.id]


def visible_client(db: Session, viewer: Viewer, client_id: str) -> Client | None:
    return db.execute(select(Client).where(Client.id == client_id, *client_criteria(viewer))).scalar_one_or_none()


def visible_handoff(db: Session, viewer: Viewer, handoff_id: int) -> Handoff | None:
    return db.execute(select(Handoff).where(Handoff.id == handoff_id, *handoff_criteria(viewer))).scalar_one_or_none()


def visible_flag(db: Session, viewer: Viewer, flag_id: int) -> SafetyFlag | None:
    return db.execute(
        select(SafetyFlag).join(Client, Client.id == SafetyFlag.client_id).where(
            SafetyFlag.id == flag_id, *client_criteria(viewer)
        )
    ).scalar_one_or_none()


def client_labels(db: Session, viewer: Viewer, client_ids: Iterable[str]) -> dict[str, str]:
    """How the viewer recognises each client: the label on their own newest used invite, else a short id.

    A label is one practitioner's private name for a client: a practitioner sees only the labels
    of their own invites (so after a client moved on, the old and the new practitioner each see
    their own), an administrator the label of the client's current practitioner.
    """
    ids = list(dict.fromkeys(client_ids))
    labels = {client_id: UNLABELLED_PREFIX + client_id[:6] for client_id in ids}
    if ids:
        owner = Client.practitioner_id if viewer.is_admin else viewer.id
        rows = db.execute(
            select(Invite.client_id, Invite.label)
            .join(Client, Client.id == Invite.client_id)
            .where(
                Invite.client_id.in_(ids),
                Invite.practitioner_id == owner,
                Invite.used_at.is_not(None),
                Invite.label.is_not(None),
            )
            .order_by(Invite.used_at, Invite.id)  # oldest first, so the newest label is the one kept
        ).all()
        labels.update({client_id: label for client_id, label in rows})
    return labels


def client_label(db: Session, viewer: Viewer, client_id: str) -> str:
    return client_labels(db, viewer, [client_id])[client_id]
