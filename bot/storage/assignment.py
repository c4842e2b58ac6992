"""Administrators give clients a practitioner, move them to another, or hand a leaving practitioner's clients over.

Every change is recorded (from whom, to whom, by whom, when), so the client's record shows it and
the client is told once who their practitioner is now (`client_notices`). The handoffs a client
sent stay with the practitioner they were sent to, as when a client moves by an invite: the client
approved them for that person. Notes and labels go with the client: the new practitioner gets the
label the client had with the old one, unless one is given.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.notices import practitioner_notice
from bot.storage.deletion import deletion_requested
from bot.storage.labels import label_of, set_label
from bot.storage.models import Client, Practitioner, PractitionerChange, utcnow
from bot.storage.progress import CONSENT_DECLINED, latest_consent


def assign_client(
    session: Session, client_id: str, practitioner_id: int | None, by_id: int, label: str | None = None
) -> PractitionerChange | None:
    """Make `practitioner_id` (None: nobody for now) the client's practitioner; None when nothing changed."""
    client = session.get(Client, client_id)
    if client is None:
        return None
    if label is None and practitioner_id is not None and label_of(session, client_id, practitioner_id) is None:
        label = label_of(session, client_id, client.practitioner_id)  # so the new practitioner recognises them
    if label is not None and practitioner_id is not None:
        set_label(session, client_id, practitioner_id, label)
    if client.practitioner_id == practitioner_id:
        return None
    change = PractitionerChange(
        client_id=client_id, from_practitioner_id=client.practitioner_id, to_practitioner_id=practitioner_id, changed_by=by_id
    )
    client.practitioner_id = practitioner_id
    session.add(change)
    session.flush()
    return change


def hand_over_candidates(session: Session, from_id: int) -> list[str]:
    """The clients a practitioner has now: those a successor would take over."""
    return list(session.execute(select(Client.id).where(Client.practitioner_id == from_id)).scalars())


def hand_over_clients(session: Session, from_id: int, to_id: int | None, by_id: int) -> list[str]:
    """Every client of `from_id` to `to_id` (a leaving practitioner's successor, or nobody); their ids."""
    client_ids = hand_over_candidates(session, from_id)
    for client_id in client_ids:
        assign_client(session, client_id, to_id, by_id)
    return client_ids


def changes_of(session: Session, client_id: str) -> list[PractitionerChange]:
    return list(
        session.execute(
            select(PractitionerChange)
            .where(PractitionerChange.client_id == client_id)
            .order_by(PractitionerChange.changed_at, PractitionerChange.id)
        ).scalars()
    )


def client_notices(session: Session, client_id: str) -> list[dict[str, Any]]:
    """What the bot should tell the client on its own now (once): who their practitioner is after a change.

    Nothing for a client who said no to storage or asked for their data to go. Unlike a check-in
    offer it is not held back after distress: who sees their alerts is worth knowing then too.
    """
    untold = [change for change in changes_of(session, client_id) if change.told_at is None]
    if not untold:
        return []
    consent = latest_consent(session, client_id)
    if (consent is not None and consent.decision == CONSENT_DECLINED) or deletion_requested(session, client_id):
        return []
    now = utcnow()
    for change in untold:
        change.told_at = now
    newest = untold[-1]
    practitioner = session.get(Practitioner, newest.to_practitioner_id) if newest.to_practitioner_id else None
    return [{"text": practitioner_notice(practitioner.display_name if practitioner else None)}]
