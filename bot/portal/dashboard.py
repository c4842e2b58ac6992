"""The dashboard: "who needs me now?", one row per client with what is waiting, the most urgent first.

Search by label, filters (what is waiting, the part of the process, the practitioner for
administrators) and pages of PAGE_SIZE rows keep it readable with hundreds of clients. Below:
clients who moved to another practitioner and clients whose data was deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from math import ceil
from typing import Mapping
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from bot.guidance.contact import upcoming_session
from bot.guidance.progress import PART_LABELS, PART_ORDER
from bot.portal.auth import Viewer
from bot.portal.waiting import BLOCKED, DUE, KINDS, STEPS, Waiting, matches, urgency, waiting_items
from bot.storage.access import client_labels
from bot.storage.caseload import ClientFacts, StepCounts, caseload, caseload_scope, deletions_seen_by, waiting_ids
from bot.storage.deletion import CLIENT_REQUEST, RETENTION
from bot.storage.invites import clients_moved_away
from bot.storage.models import utcnow
from bot.storage.people import display_names

PAGE_SIZE = 25
UNLABELLED = "A client without a label"
NO_PRACTITIONER = "none"
MAX_SEARCH_CHARS = 120
SHOW_CHOICES = {
    "all": "Everyone",
    "waiting": "Anything waiting",
    "urgent": "Urgent safety flags",
    "handoff": "Handoffs to review",
    STEPS: "Steps blocked or due",
    "inactive": "No activity lately",
    "nothing": "Nothing waiting",
}
PAGE_DIGITS = re.compile(r"[0-9]{1,6}")


class BadQuery(ValueError):
    """A dashboard address that was not made by the portal's own form (the page answers 400)."""


@dataclass(frozen=True)
class DashboardQuery:
    search: str = ""
    show: str = "all"
    part: str = ""
    practitioner: str = ""  # an account's id, NO_PRACTITIONER, or "" for everyone (administrators)
    page: int = 1

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> "DashboardQuery":
        search = " ".join(query.get("q", "").split())[:MAX_SEARCH_CHARS]
        show = query.get("show", "") or "all"
        part = query.get("part", "")
        practitioner = query.get("practitioner", "")
        page = query.get("page", "") or "1"
        if show not in SHOW_CHOICES or (part and part not in PART_LABELS) or not PAGE_DIGITS.fullmatch(page):
            raise BadQuery()
        if practitioner and practitioner != NO_PRACTITIONER and not PAGE_DIGITS.fullmatch(practitioner):
            raise BadQuery()
        return cls(search, show, part, practitioner, max(1, int(page)))

    def query_string(self, **changes: object) -> str:
        """"?q=...&show=..." for this query, changed as asked; "" when nothing is set."""
        changed = replace(self, **changes)
        params = {"q": changed.search, "show": "" if changed.show == "all" else changed.show, "part": changed.part,
                  "practitioner": changed.practitioner, "page": "" if changed.page == 1 else str(changed.page)}
        kept = {key: value for key, value in params.items() if value}
        return f"?{urlencode(kept)}" if kept else ""

    def link(self, **changes: object) -> str:
        """The dashboard's address with this query, changed as asked (paging keeps the filters)."""
        return "/portal/" + self.query_string(**changes)

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.show != "all" or self.part or self.practitioner)


@dataclass(frozen=True)
class CaseRow:
    id: str
    label: str
    where: str
    last_active_at: datetime
    steps: StepCounts
    waiting: list[Waiting]
    practitioner: str | None  # shown to administrators
    next_session: date | None = None  # today or later, in the service's time zone; None when none is set or it has passed

    @property
    def most_urgent(self) -> str | None:
        return self.waiting[0].kind if self.waiting else None


@dataclass(frozen=True)
class DeletionRow:
    label: str
    deleted_at: datetime
    reason: str


@dataclass(frozen=True)
class MovedRow:
    label: str
    moved_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    query: DashboardQuery
    rows: list[CaseRow]  # this page's
    matching: int  # rows matching the filters, on every page
    total: int  # every client of the viewer
    counts: dict[str, int]  # clients with each kind of waiting item (and STEPS), over all clients
    page: int
    pages: int
    parts: list[tuple[str, str]]  # the part filter's choices
    practitioners: list[tuple[str, str]]  # the practitioner filter's choices (administrators)
    deletions: list[DeletionRow]
    moved: list[MovedRow]  # clients of the viewer who chose or were given another practitioner
    inactive_after_days: int

    @property
    def show_choices(self) -> dict[str, str]:
        return SHOW_CHOICES


def case_rows(
    facts: list[ClientFacts],
    labels: dict[str, str],
    names: dict[int, str] | None,
    now: datetime,
    inactive_after_days: int,
    today: date,
) -> tuple[list[CaseRow], list[ClientFacts]]:
    """Every client as a row, the most urgent first (see bot/portal/waiting.py), with their facts in the same order.

    `today` is the service's (SERVICE_TIME_ZONE): a next session dated before it has passed and is left out."""
    keyed = []
    for client in facts:
        waiting = waiting_items(client, now, inactive_after_days)
        practitioner = None if names is None else names.get(client.practitioner_id, "no practitioner")
        row = CaseRow(
            client.id, labels[client.id], client.progress.where, client.last_active_at, client.steps, waiting, practitioner,
            upcoming_session(client.next_session, today),
        )
        keyed.append((urgency(client, waiting), row, client))
    keyed.sort(key=lambda entry: entry[0])
    return [row for _, row, _ in keyed], [client for _, _, client in keyed]


def _kind_counts(rows: list[CaseRow]) -> dict[str, int]:
    """How many clients have each kind of item waiting (a client with two flags counts once)."""
    counts = dict.fromkeys([*KINDS, STEPS, "waiting"], 0)
    for row in rows:
        kinds = {item.kind for item in row.waiting}
        for kind in kinds:
            counts[kind] += 1
        counts[STEPS] += bool(kinds & {BLOCKED, DUE})
        counts["waiting"] += bool(kinds)
    return counts


def deletion_reasons(retention_days: int) -> dict[str, str]:
    """Why a client's data is gone, in words: they asked, or retention removed it after a long silence."""
    return {CLIENT_REQUEST: "at their request", RETENTION: f"inactive for {retention_days} days"}


def dashboard(
    db: Session,
    viewer: Viewer,
    query: DashboardQuery,
    today: date,
    retention_days: int,
    inactive_after_days: int,
    page_size: int | None = PAGE_SIZE,
) -> Dashboard:
    """The dashboard for this query; `page_size` None puts every matching row on one page (the export)."""
    now = utcnow()
    facts = caseload(db, viewer, today)
    labels = client_labels(db, viewer, [client.id for client in facts], caseload_scope(viewer))
    names = display_names(db) if viewer.is_admin else None
    rows, ordered_facts = case_rows(facts, labels, names, now, inactive_after_days, today)
    wanted = query.search.casefold()
    matching = [
        row
        for row, client in zip(rows, ordered_facts)
        if (not wanted or wanted in row.label.casefold())
        and matches(query.show, row.waiting)
        and (not query.part or client.progress.current_part == query.part)
        and _of_practitioner(client, query.practitioner)
    ]
    size = page_size or max(1, len(matching))
    pages = max(1, ceil(len(matching) / size))
    page = min(query.page, pages)  # an old link past the end shows the last page
    reasons = deletion_reasons(retention_days)
    deletions = deletions_seen_by(db, viewer)
    return Dashboard(
        query=replace(query, page=page),
        rows=matching[(page - 1) * size : page * size],
        matching=len(matching),
        total=len(rows),
        counts=_kind_counts(rows),
        page=page,
        pages=pages,
        parts=[(part, PART_LABELS[part]) for part in PART_ORDER],
        practitioners=[(str(id_), name) for id_, name in sorted((names or {}).items(), key=lambda item: item[1])]
        + ([(NO_PRACTITIONER, "No practitioner")] if viewer.is_admin else []),
        deletions=[DeletionRow(d.label or UNLABELLED, d.deleted_at, reasons.get(d.reason, d.reason)) for d in deletions],
        moved=[MovedRow(m.label or UNLABELLED, m.moved_at) for m in clients_moved_away(db, viewer.id)],
        inactive_after_days=inactive_after_days,
    )


def _of_practitioner(client: ClientFacts, wanted: str) -> bool:
    if not wanted:
        return True
    if wanted == NO_PRACTITIONER:
        return client.practitioner_id is None
    return str(client.practitioner_id) == wanted


def updates(db: Session, viewer: Viewer) -> dict[str, list[int]]:
    """What the dashboard polls for, so a new handoff or flag shows without a reload."""
    return waiting_ids(db, viewer)
