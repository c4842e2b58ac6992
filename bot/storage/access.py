"""What a portal reader may see: a practitioner their own clients and handoffs, an administrator everything.

Everything another practitioner owns is treated as if it did not exist (the portal answers 404), so
ids reveal nothing. The reader is anything with an `id` and `is_admin` (the portal's Viewer).
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.storage.models import HANDOFF_APPROVED, Client, ClientDeletion, Handoff, Invite, SafetyFlag
from bot.storage.labels import labels_of

UNLABELLED_PREFIX = "Client "


class Reader(Protocol):
    id: int
    is_admin: bool


def client_criteria(reader: Reader) -> list[Any]:
    return [] if reader.is_admin else [Client.practitioner_id == reader.id]


def handoff_criteria(reader: Reader) -> list[Any]:
    """Only approved handoffs are ever shown: a draft is still the client's own."""
    owned = [] if reader.is_admin else [Handoff.practitioner_id == reader.id]
    return [Handoff.status == HANDOFF_APPROVED, *owned]


def deletion_criteria(reader: Reader) -> list[Any]:
    return [] if reader.is_admin else [ClientDeletion.practitioner_id == reader.id]


def invite_criteria(reader: Reader) -> list[Any]:
    return [] if reader.is_admin else [Invite.practitioner_id == reader.id]


def visible_client(db: Session, reader: Reader, client_id: str) -> Client | None:
    return db.execute(select(Client).where(Client.id == client_id, *client_criteria(reader))).scalar_one_or_none()


def visible_handoff(db: Session, reader: Reader, handoff_id: int) -> Handoff | None:
    return db.execute(select(Handoff).where(Handoff.id == handoff_id, *handoff_criteria(reader))).scalar_one_or_none()


def visible_flag(db: Session, reader: Reader, flag_id: int) -> SafetyFlag | None:
    return db.execute(
        select(SafetyFlag).join(Client, Client.id == SafetyFlag.client_id).where(
            SafetyFlag.id == flag_id, *client_criteria(reader)
        )
    ).scalar_one_or_none()


def visible_invite(db: Session, reader: Reader, invite_id: int) -> Invite | None:
    return db.execute(select(Invite).where(Invite.id == invite_id, *invite_criteria(reader))).scalar_one_or_none()


def invites_seen_by(db: Session, reader: Reader) -> list[Invite]:
    """The reader's invites (an administrator's: everyone's), newest first."""
    return list(
        db.execute(select(Invite).where(*invite_criteria(reader)).order_by(Invite.created_at.desc(), Invite.id.desc())).scalars()
    )


def client_labels(db: Session, reader: Reader, client_ids: Iterable[str], scope: Select | None = None) -> dict[str, str]:
    """How the reader recognises each client: their own label for them, else a short id.

    A label is one practitioner's private name for a client: a practitioner sees only their own
    (so after a client moved on, the old and the new practitioner each see theirs), an
    administrator the label of the client's current practitioner. The service's label (set by an
    administrator for a client who came without an invite) is shown where there is none of those.
    """
    ids = list(dict.fromkeys(client_ids))
    if not ids:
        return {}
    # `scope`, a subquery selecting at least these clients, spares a query with hundreds of ids in it.
    chosen = Client.id.in_(scope if scope is not None else ids)
    if reader.is_admin:
        owners = dict(db.execute(select(Client.id, Client.practitioner_id).where(chosen)).all())
    else:
        owners = {client_id: reader.id for client_id in ids}
    found = labels_of(db, owners, scope)
    return {client_id: found.get(client_id) or UNLABELLED_PREFIX + client_id[:6] for client_id in ids}


def client_label(db: Session, reader: Reader, client_id: str) -> str:
    return client_labels(db, reader, [client_id])[client_id]
