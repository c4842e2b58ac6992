"""Where a client is in the process, in the practitioner's words: one description for every portal page.

The dashboard's "where they are", the client record's parts and its readiness moments all come
from `describe_progress`, so the pages cannot contradict each other (one said "Start (in
progress)" while the other said the client had not started; one said readiness at the close was
"not yet" after the closing feedback). It reads only process metadata: which parts were started or
done and when, and whether the client agreed to take part; never an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from bot.guidance.journey import PHASES
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS

START = "start"
CLOSING = "closing"
PART_LABELS = {START: "Start", **{phase.name: phase.label for phase in PHASES}}
PART_ORDER = [START, *(phase.name for phase in PHASES)]
NOT_STARTED = "Not started yet"
DONE_SUFFIX = " (done)"
STATUS_WORDS = {PHASE_DONE: "done", PHASE_IN_PROGRESS: "in progress", None: "not started"}


@dataclass(frozen=True)
class PartRecord:
    """One row of phase_progress: a part of the process, its status and when it last changed."""

    part: str
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class PartState:
    part: str
    label: str
    status: str | None  # done | in_progress | None (not started)
    updated_at: datetime | None

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status or "")


@dataclass(frozen=True)
class Progress:
    where: str  # "Options", "Action plan (done)", "Start (in progress)", "Not started yet"
    current_part: str | None  # the part `where` names, for filtering
    records: tuple[PartRecord, ...]
    consented: bool  # agreed to take part
    start_done_at: datetime | None  # readiness was asked at the start
    closing_done_at: datetime | None  # readiness was asked again with the closing feedback

    @property
    def started(self) -> bool:
        return self.consented or bool(self.records)

    @property
    def closed(self) -> bool:
        return self.closing_done_at is not None

    @property
    def parts(self) -> list[PartState]:
        """Every part, in the process's order (only the record lists them: the dashboard needs `where`)."""
        by_part = {row.part: row for row in self.records}
        known = PART_ORDER + sorted(part for part in by_part if part not in PART_ORDER)
        parts = []
        for part in known:
            row = by_part.get(part)
            status = row.status if row else None
            if part == START and row is None and self.consented:
                status = PHASE_IN_PROGRESS  # agreed, and the start's questions come next
            parts.append(PartState(part, part_label(part), status, row.updated_at if row else None))
        return parts


def part_label(part: str) -> str:
    return PART_LABELS.get(part, part.replace("_", " ").capitalize())


def describe_progress(records: Iterable[PartRecord], consented: bool) -> Progress:
    """The part in progress (the newest if several), else the last one done; the start once they agreed."""
    rows = tuple(records)
    where, current = (f"{part_label(START)} (in progress)", START) if consented else (NOT_STARTED, None)
    for status in (PHASE_IN_PROGRESS, PHASE_DONE):
        matching = [row for row in rows if row.status == status]
        if matching:
            row = max(matching, key=lambda r: r.updated_at)
            where = part_label(row.part) + (DONE_SUFFIX if status == PHASE_DONE else "")
            current = row.part
            break
    done_at = {row.part: row.updated_at for row in rows if row.status == PHASE_DONE}
    return Progress(where, current, rows, consented, done_at.get(START), done_at.get(CLOSING))
