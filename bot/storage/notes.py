"""Practitioners' notes on a client: shown on the client's record and beside every handoff.

A note belongs to the client (it goes with them, is in their data export and is deleted with them),
and is signed: only its author edits or deletes it, and an edit is dated. Who reads them: the
client's current practitioner and administrators read every note; a former practitioner (the
client moved on) still reads, beside the handoffs the client sent them, only the notes they wrote
themselves, so nothing written after the client left reaches them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.access import Reader
from bot.storage.models import Client, PractitionerNote, utcnow

MAX_NOTE_CHARS = 5000


def readable_notes(session: Session, reader: Reader, client_id: str) -> list[PractitionerNote]:
    """The client's notes the reader may read, oldest first."""
    query = select(PractitionerNote).where(PractitionerNote.client_id == client_id)
    client = session.get(Client, client_id)
    if not reader.is_admin and (client is None or client.practitioner_id != reader.id):
        query = query.where(PractitionerNote.author_id == reader.id)
    return list(session.execute(query.order_by(PractitionerNote.created_at, PractitionerNote.id)).scalars())


def add_note(session: Session, client_id: str, author_id: int, text: str, handoff_id: int | None = None) -> PractitionerNote:
    note = PractitionerNote(client_id=client_id, handoff_id=handoff_id, author_id=author_id, text=text)
    session.add(note)
    session.flush()
    return note


def authored_note(session: Session, author_id: int, note_id: int) -> PractitionerNote | None:
    """The note if `author_id` wrote it; anyone else's note is treated as if it did not exist."""
    return session.execute(
        select(PractitionerNote).where(PractitionerNote.id == note_id, PractitionerNote.author_id == author_id)
    ).scalar_one_or_none()


def edit_note(session: Session, author_id: int, note_id: int, text: str) -> PractitionerNote | None:
    note = authored_note(session, author_id, note_id)
    if note is not None and note.text != text:
        note.text, note.updated_at = text, utcnow()
        session.flush()
    return note


def delete_note(session: Session, author_id: int, note_id: int) -> str | None:
    """Delete the author's note; returns its client's id, None if it is not theirs."""
    note = authored_note(session, author_id, note_id)
    if note is None:
        return None
    client_id = note.client_id
    session.delete(note)
    session.flush()
    return client_id
