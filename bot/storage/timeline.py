"""The client record's timeline: what happened in the client's process, from small providers.

Each provider reads one kind of event the reader may see and returns entries; `timeline` merges
them by time. A new kind of event (messages from the practitioner, sessions) is one more function
in PROVIDERS. Only what the client approved for their practitioner is read (see the consent text):
process metadata (agreement, parts, dates), handoffs sent to the reader, safety flags (a kind and
a date, never the client's words) with their handling, practitioners' notes, changes of practitioner,
and the practitioners' own contact (their messages to the client and the next session's dates, from
bot/storage/contact.py; never what the client wrote back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.progress import part_label
from bot.guidance.safety_labels import flag_description
from bot.storage.access import Reader, handoff_criteria
from bot.storage.assignment import changes_of
from bot.storage.contact import MESSAGE_ENTRY, SESSION_ENTRY, contact_timeline
from bot.storage.models import ConsentRecord, Handoff, PhaseProgress
from bot.storage.notes import readable_notes
from bot.storage.people import FORMER_COLLEAGUE, display_names
from bot.storage.progress import CONSENT_GIVEN, PHASE_DONE
from bot.storage.safety import flags_of

NOTE_PREVIEW_CHARS = 160

# Kinds, for the page's icons and filters.
AGREEMENT, PART, HANDOFF, REVIEW, FLAG, FLAG_HANDLED, NOTE, PRACTITIONER = (
    "agreement", "part", "handoff", "review", "flag", "flag_handled", "note", "practitioner",
)  # fmt: skip
MESSAGE, SESSION = MESSAGE_ENTRY, SESSION_ENTRY  # from bot/storage/contact.py


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str | None = None  # a practitioner's words (a note, a flag's outcome): shown as written
    link: str | None = None  # where the entry's item is in the portal
    urgent: bool = False


Provider = Callable[[Session, Reader, str, dict[int, str]], Iterable[TimelineEntry]]


def _name(names: dict[int, str], practitioner_id: int | None) -> str:
    return names.get(practitioner_id, FORMER_COLLEAGUE) if practitioner_id is not None else FORMER_COLLEAGUE


def _preview(text: str) -> str:
    return text if len(text) <= NOTE_PREVIEW_CHARS else text[: NOTE_PREVIEW_CHARS - 1].rstrip() + "…"


def agreement_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    for (recorded_at,) in session.execute(
        select(ConsentRecord.recorded_at).where(ConsentRecord.client_id == client_id, ConsentRecord.decision == CONSENT_GIVEN)
    ):
        yield TimelineEntry(recorded_at, AGREEMENT, "Agreed to take part, and to what their practitioner sees")


def part_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    """Each part as it stands: when it was done, or when it was last worked on (no earlier history is kept)."""
    for phase, status, updated_at in session.execute(
        select(PhaseProgress.phase, PhaseProgress.status, PhaseProgress.updated_at).where(PhaseProgress.client_id == client_id)
    ):
        state = "done" if status == PHASE_DONE else "in progress"
        yield TimelineEntry(updated_at, PART, f"{part_label(phase)}: {state}", link="#parts")


def handoff_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    for handoff in session.execute(
        select(Handoff).where(Handoff.client_id == client_id, *handoff_criteria(reader))
    ).scalars():
        link = f"/portal/handoffs/{handoff.id}"
        yield TimelineEntry(handoff.approved_at, HANDOFF, "Sent a summary (handoff)", link=link)
        if handoff.reviewed_at is not None:
            yield TimelineEntry(handoff.reviewed_at, REVIEW, f"Summary reviewed by {_name(names, handoff.reviewed_by)}", link=link)


def flag_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    for flag in flags_of(session, client_id):
        link = f"/portal/flags/{flag.id}"
        about = flag_description(flag.category, flag.reason)
        yield TimelineEntry(flag.raised_at, FLAG, f"Urgent safety flag: {about}", link=link, urgent=flag.handled_at is None)
        if flag.handled_at is not None:
            who = _name(names, flag.handled_by)
            yield TimelineEntry(flag.handled_at, FLAG_HANDLED, f"Safety flag handled by {who}", detail=flag.outcome, link=link)


def note_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    for note in readable_notes(session, reader, client_id):
        yield TimelineEntry(note.created_at, NOTE, f"Note by {_name(names, note.author_id)}", detail=_preview(note.text), link=f"#note-{note.id}")


def practitioner_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    for change in changes_of(session, client_id):
        new = _name(names, change.to_practitioner_id) if change.to_practitioner_id else "no practitioner"
        old = f" (before: {_name(names, change.from_practitioner_id)})" if change.from_practitioner_id else ""
        told = "" if change.told_at is None else "; the client was told"
        yield TimelineEntry(
            change.changed_at, PRACTITIONER, f"Practitioner now {new}{old}, by {_name(names, change.changed_by)}{told}"
        )


def contact_entries(session: Session, reader: Reader, client_id: str, names: dict[int, str]) -> Iterable[TimelineEntry]:
    """What practitioners sent the client (the message itself, which the client reads too) and each
    setting of the next session; both link to the contact page, which has them in full."""
    link = f"/portal/clients/{client_id}/contact"
    for entry in contact_timeline(session, client_id):
        author = entry.author or FORMER_COLLEAGUE
        if entry.kind == MESSAGE_ENTRY:
            yield TimelineEntry(entry.at, MESSAGE, f"Message from {author} to the client", detail=_preview(entry.text), link=f"{link}#messages")
        else:
            yield TimelineEntry(entry.at, SESSION, f"{entry.text}, by {author}", link=f"{link}#next-session")


PROVIDERS: list[Provider] = [
    agreement_entries, part_entries, handoff_entries, flag_entries, note_entries, practitioner_entries, contact_entries,
]  # fmt: skip


def timeline(session: Session, reader: Reader, client_id: str) -> list[TimelineEntry]:
    """Every entry the reader may see, newest first."""
    names = display_names(session)
    entries = [entry for provider in PROVIDERS for entry in provider(session, reader, client_id, names)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
