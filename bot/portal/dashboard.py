"""What the dashboard shows: urgent flags first, then waiting handoffs, clients and deletions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from bot.guidance.safety_labels import flag_description

from bot.guidance.journey import PHASES
from bot.portal.access import client_criteria, client_labels, deletion_criteria, handoff_criteria
from bot.portal.auth import Viewer
from bot.portal.practitioners import display_names
from bot.storage.deletion import CLIENT_REQUEST, RETENTION
from bot.storage.invites import clients_moved_away
from bot.storage.models import (
    ROUND_COMPLETE,
    STEP_DONE,
    ActionPlan,
    ActionStep,
    Client,
    ClientDeletion,
    ConsentRecord,
    Handoff,
    PhaseProgress,
    SafetyFlag,
)
from bot.storage.progress import CONSENT_GIVEN, PHASE_DONE, PHASE_IN_PROGRESS

PHASE_LABELS = {"start": "Start", **{phase.name: phase.label for phase in PHASES}}
NOT_STARTED = "Not started yet"
UNLABELLED = "A client without a label"
START_IN_PROGRESS = "Start (in progress)"


@dataclass(frozen=True)
class FlagRow:
    id: int
    client_id: str
    label: str
    raised_at: datetime
    about: str  # what the risk was about and what raised it, in neutral words


@dataclass(frozen=True)
class HandoffRow:
    id: int
    client_id: str
    label: str
    approved_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class ClientRow:
    id: str
    label: str
    phase: str
    last_active_at: datetime
    steps_done: int
    steps_total: int
    pending_handoffs: int
    urgent_flags: int
    practitioner: str | None  # shown to administrators


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
    flags: list[FlagRow]
    pending: list[HandoffRow]
    clients: list[ClientRow]
    deletions: list[DeletionRow]
    moved: list[MovedRow]  # clients of the viewer's invites who chose another practitioner


def current_phase(rows: list[PhaseProgress], consented: bool = False) -> str:
    """The part in progress (the newest if several), else the last one done; the start once they agreed."""
    for status in (PHASE_IN_PROGRESS, PHASE_DONE):
        matching = [row for row in rows if row.status == status]
        if matching:
            row = max(matching, key=lambda r: (r.updated_at, r.id))
            label = PHASE_LABELS.get(row.phase, row.phase.replace("_", " ").capitalize())
            return label if status == PHASE_IN_PROGRESS else f"{label} (done)"
    return START_IN_PROGRESS if consented else NOT_STARTED


def unhandled_flags(db: Session, viewer: Viewer) -> list[SafetyFlag]:
    return list(
        db.execute(
            select(SafetyFlag)
            .join(Client, Client.id == SafetyFlag.client_id)
            .where(SafetyFlag.handled_at.is_(None), *client_criteria(viewer))
            .order_by(SafetyFlag.raised_at.desc(), SafetyFlag.id.desc())
        ).scalars()
    )


def pending_handoffs(db: Session, viewer: Viewer) -> list[Handoff]:
    return list(
        db.execute(
            select(Handoff)
            .where(Handoff.reviewed_at.is_(None), *handoff_criteria(viewer))
            .order_by(Handoff.approved_at.desc(), Handoff.id.desc())
        ).scalars()
    )


def updates(db: Session, viewer: Viewer) -> dict[str, list[int]]:
    """What the dashboard polls for, so a new handoff or flag shows without a reload."""
    return {
        "pending_handoffs": sorted(handoff.id for handoff in pending_handoffs(db, viewer)),
        "urgent_flags": sorted(flag.id for flag in unhandled_flags(db, viewer)),
    }


def _step_counts(db: Session, client_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Steps done and in all, of each client's current plan (the newest complete one)."""
    newest = (
        select(ActionPlan.client_id, func.max(ActionPlan.id).label("plan_id"))
        .where(ActionPlan.client_id.in_(client_ids), ActionPlan.status == ROUND_COMPLETE)
        .group_by(ActionPlan.client_id)
        .subquery()
    )
    rows = db.execute(
        select(ActionStep.client_id, ActionStep.status, func.count())
        .join(newest, newest.c.plan_id == ActionStep.plan_id)
        .group_by(ActionStep.client_id, ActionStep.status)
    ).all()
    counts: dict[str, tuple[int, int]] = {}
    for client_id, status, count in rows:
        done, total = counts.get(client_id, (0, 0))
        counts[client_id] = (done + (count if status == STEP_DONE else 0), total + count)
    return counts


def deletion_reasons(retention_days: int) -> dict[str, str]:
    """Why a client's data is gone, in words: they asked, or retention removed it after a long silence."""
    return {CLIENT_REQUEST: "at their request", RETENTION: f"inactive for {retention_days} days"}


def dashboard(db: Session, viewer: Viewer, retention_days: int) -> Dashboard:
    flags = unhandled_flags(db, viewer)
    pending = pending_handoffs(db, viewer)
    # Visitors who never agreed to anything and came without an invite are nobody's client yet.
    agreed = exists().where(ConsentRecord.client_id == Client.id, ConsentRecord.decision == CONSENT_GIVEN)
    clients = list(
        db.execute(
            select(Client)
            .where(*client_criteria(viewer), or_(Client.practitioner_id.is_not(None), agreed))
            .order_by(Client.last_active_at.desc())
        ).scalars()
    )
    ids = [client.id for client in clients]
    consented = set(
        db.execute(
            select(ConsentRecord.client_id).where(ConsentRecord.client_id.in_(ids), ConsentRecord.decision == CONSENT_GIVEN)
        ).scalars()
    )
    labels = client_labels(db, viewer, [*ids, *(f.client_id for f in flags), *(h.client_id for h in pending)])
    phases: dict[str, list[PhaseProgress]] = {}
    for row in db.execute(select(PhaseProgress).where(PhaseProgress.client_id.in_(ids))).scalars():
        phases.setdefault(row.client_id, []).append(row)
    steps = _step_counts(db, ids)
    names = display_names(db) if viewer.is_admin else {}
    client_rows = [
        ClientRow(
            id=client.id,
            label=labels[client.id],
            phase=current_phase(phases.get(client.id, []), client.id in consented),
            last_active_at=client.last_active_at,
            steps_done=steps.get(client.id, (0, 0))[0],
            steps_total=steps.get(client.id, (0, 0))[1],
            pending_handoffs=sum(1 for h in pending if h.client_id == client.id),
            urgent_flags=sum(1 for f in flags if f.client_id == client.id),
            practitioner=names.get(client.practitioner_id, "no practitioner") if viewer.is_admin else None,
        )
        for client in clients
    ]
    # Clients with something urgent or waiting come first; then the most recently active.
    client_rows.sort(key=lambda row: (row.urgent_flags == 0, row.pending_handoffs == 0))
    reasons = deletion_reasons(retention_days)
    deletions = db.execute(
        select(ClientDeletion).where(*deletion_criteria(viewer)).order_by(ClientDeletion.deleted_at.desc())
    ).scalars()
    return Dashboard(
        flags=[FlagRow(f.id, f.client_id, labels[f.client_id], f.raised_at, flag_description(f.category, f.reason)) for f in flags],
        pending=[HandoffRow(h.id, h.client_id, labels[h.client_id], h.approved_at, h.reviewed_at) for h in pending],
        clients=client_rows,
        deletions=[
            DeletionRow(d.label or UNLABELLED, d.deleted_at, reasons.get(d.reason, d.reason))
            for d in deletions
        ],
        moved=[MovedRow(m.label or UNLABELLED, m.moved_at) for m in clients_moved_away(db, viewer.id)],
    )

