"""A handoff as the practitioner reads it: the items the client kept, their message, the transcript if shared, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.portal.auth import Viewer
from bot.portal.summary_view import SummaryView, summary_view
from bot.storage.access import client_label, visible_handoff
from bot.storage.contact import author_of
from bot.storage.models import Handoff, Message, utcnow
from bot.storage.notes import MAX_NOTE_CHARS, add_note, readable_notes  # noqa: F401 (MAX_NOTE_CHARS: the routes')
from bot.storage.people import FORMER_COLLEAGUE, display_names


@dataclass(frozen=True)
class TranscriptLine:
    speaker: str  # "Client", "Waypoint", or "<name> (practitioner)"
    text: str
    created_at: datetime


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    text: str
    created_at: datetime
    updated_at: datetime | None
    mine: bool  # the viewer wrote it, so they may edit or delete it
    handoff_id: int | None  # the handoff it was written beside, if any


@dataclass(frozen=True)
class HandoffView:
    id: int
    client_id: str
    label: str
    approved_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None
    summary: SummaryView  # the items the client kept and their message, for templates/summary.html
    share_transcript: bool
    transcript: list[TranscriptLine]
    notes: list[NoteView]


def transcript(db: Session, handoff: Handoff) -> list[TranscriptLine]:
    """The conversation up to the approval; only called when the client chose to share it."""
    rows = db.execute(
        select(Message)
        .where(Message.client_id == handoff.client_id, Message.created_at <= handoff.approved_at)
        .order_by(Message.created_at, Message.id)
    ).scalars()
    lines = []
    for row in rows:
        if row.direction == "in" and row.text is None:
            continue  # the greeting the gateway sends on the client's behalf
        text = row.text if row.text is not None else "[a picture or file]"
        author = author_of(row)  # a practitioner's message to the client is theirs, not the bot's
        speaker = "Client" if row.direction == "in" else f"{author} (practitioner)" if author else "Waypoint"
        lines.append(TranscriptLine(speaker, text, row.created_at))
    return lines


def note_views(db: Session, viewer: Viewer, client_id: str, names: dict[int, str]) -> list[NoteView]:
    """The notes on the client the viewer may read (bot/storage/notes.py says whose), oldest first."""
    return [
        NoteView(n.id, names.get(n.author_id, FORMER_COLLEAGUE), n.text, n.created_at, n.updated_at, n.author_id == viewer.id, n.handoff_id)
        for n in readable_notes(db, viewer, client_id)
    ]


def handoff_view(db: Session, viewer: Viewer, handoff_id: int, printable: bool = False) -> HandoffView | None:
    """The handoff page's content; the printable version leaves out the transcript and the notes (not even loaded)."""
    handoff = visible_handoff(db, viewer, handoff_id)
    if handoff is None:
        return None
    names = display_names(db)
    shared = bool(handoff.share_transcript)
    return HandoffView(
        id=handoff.id,
        client_id=handoff.client_id,
        label=client_label(db, viewer, handoff.client_id),
        approved_at=handoff.approved_at,
        reviewed_at=handoff.reviewed_at,
        reviewed_by=names.get(handoff.reviewed_by),
        summary=summary_view(handoff.items or [], handoff.message),
        share_transcript=shared,
        transcript=transcript(db, handoff) if shared and not printable else [],
        notes=[] if printable else note_views(db, viewer, handoff.client_id, names),
    )


def add_handoff_note(db: Session, viewer: Viewer, handoff_id: int, text: str) -> bool:
    """A note on the handoff's client, written beside this handoff; False when the handoff is not the viewer's to see."""
    handoff = visible_handoff(db, viewer, handoff_id)
    if handoff is None:
        return False
    add_note(db, handoff.client_id, viewer.id, text, handoff_id=handoff.id)
    return True


def mark_reviewed(db: Session, viewer: Viewer, handoff_id: int) -> bool:
    handoff = visible_handoff(db, viewer, handoff_id)
    if handoff is None:
        return False
    if handoff.reviewed_at is None:
        handoff.reviewed_at = utcnow()
        handoff.reviewed_by = viewer.id
    return True
