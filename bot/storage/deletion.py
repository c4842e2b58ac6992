"""Deleting everything stored about a client, when they ask for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.labels import label_of
from bot.storage.models import Client, ClientDeletion, Decision, utcnow

CLIENT_REQUEST = "client_request"
RETENTION = "retention"


def request_deletion(session: Session, client_id: str) -> None:
    client = session.get(Client, client_id)
    if client is not None:
        client.deletion_requested_at = utcnow()


def deletion_requested(session: Session, client_id: str) -> bool:
    client = session.get(Client, client_id)
    return client is not None and client.deletion_requested_at is not None


def delete_client(session: Session, client_id: str) -> list[str]:
    """Delete the client's row and, by ON DELETE CASCADE, every row about them.

    Returns the names of their files under MEDIA_DIR (decision-matrix pictures), which the
    caller removes once the transaction has committed.
    """
    files = [
        name
        for name in session.execute(
            select(Decision.matrix_image).where(Decision.client_id == client_id, Decision.matrix_image.is_not(None))
        ).scalars()
    ]
    client = session.get(Client, client_id)
    if client is not None:
        if client.practitioner_id is not None:
            # Their practitioner sees only that it happened, under their own label for the client
            # (never another practitioner's).
            label = label_of(session, client_id, client.practitioner_id)
            reason = CLIENT_REQUEST if client.deletion_requested_at is not None else RETENTION
            session.add(ClientDeletion(practitioner_id=client.practitioner_id, label=label, reason=reason))
        session.delete(client)
        session.flush()
    return files
