"""A reader's caseload: for each client the facts the portal decides "who needs me now?" from.

The dashboard, the client's record and the caseload export all read these facts, so that what one
page says about a client (their part, their steps, what is waiting) is what the others say. Only
process metadata is read: parts, dates, counts of plan steps by status and date (never a step's
words), safety flags (a date and a kind, never the client's words), handoffs waiting for review and
the date of the next session as the practitioner last set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.guidance.progress import PartRecord, Progress, describe_progress
from bot.storage.access import Reader, client_criteria, deletion_criteria, handoff_criteria
from bot.storage.models import (
    ROUND_COMPLETE,
    STEP_BLOCKED,
    STEP_DONE,
    STEP_OPEN,
    ActionPlan,
    ActionStep,
    Client,
    ClientDeletion,
    ConsentRecord,
    Handoff,
    PhaseProgress,
    SafetyFlag,
    SessionDate,
)
from bot.storage.progress import CONSENT_GIVEN


@dataclass(frozen=True)
class StepCounts:
    """The steps of the client's current plan (the newest complete one), by status and date."""

    total: int = 0
    done: int = 0
    blocked: int = 0
    due: int = 0  # still to do, and their date is today or past
    next_due: date | None = None  # the soonest date of a step still to do


NO_STEPS = StepCounts()


@dataclass(frozen=True)
class OpenFlag:
    id: int
    raised_at: datetime
    category: str | None
    reason: str | None


@dataclass(frozen=True)
class WaitingHandoff:
    id: int
    approved_at: datetime


@dataclass(frozen=True)
class ClientFacts:
    id: str
    practitioner_id: int | None
    created_at: datetime
    last_active_at: datetime
    progress: Progress
    steps: StepCounts = StepCounts()
    open_flags: list[OpenFlag] = field(default_factory=list)  # oldest first
    waiting_handoffs: list[WaitingHandoff] = field(default_factory=list)  # oldest first
    # As last set on the contact page (None when never set or removed); whether it is past is the
    # caller's rule (bot/guidance/contact.py's upcoming_session), as with bot/storage/contact.py's next_session.
    next_session: date | None = None


def caseload_scope(reader: Reader, client_ids: Iterable[str] | None = None) -> Select:
    """The ids of the reader's clients (of `client_ids`, if given), as a subquery for the other queries.

    Visitors who never agreed to anything and came without an invite are nobody's client yet.
    """
    agreed = exists().where(ConsentRecord.client_id == Client.id, ConsentRecord.decision == CONSENT_GIVEN)
    scope = select(Client.id).where(*client_criteria(reader), or_(Client.practitioner_id.is_not(None), agreed))
    return scope if client_ids is None else scope.where(Client.id.in_(list(client_ids)))


def caseload(session: Session, reader: Reader, today: date, client_ids: Iterable[str] | None = None) -> list[ClientFacts]:
    """The reader's clients (or those of `client_ids` the reader may see), most recently active first.

    Every query selects by the same subquery rather than a list of hundreds of ids, and reads
    columns rather than ORM objects: the dashboard reads the whole caseload on every view.
    """
    scope = caseload_scope(reader, client_ids)
    clients = session.execute(
        select(Client.id, Client.practitioner_id, Client.created_at, Client.last_active_at)
        .where(Client.id.in_(scope))
        .order_by(Client.last_active_at.desc(), Client.id)
    ).all()
    if not clients:
        return []
    consented = set(
        session.execute(
            select(ConsentRecord.client_id).where(ConsentRecord.client_id.in_(scope), ConsentRecord.decision == CONSENT_GIVEN)
        ).scalars()
    )
    parts: dict[str, list[PartRecord]] = {}
    for client_id, phase, status, updated_at in session.execute(
        select(PhaseProgress.client_id, PhaseProgress.phase, PhaseProgress.status, PhaseProgress.updated_at).where(
            PhaseProgress.client_id.in_(scope)
        )
    ):
        parts.setdefault(client_id, []).append(PartRecord(phase, status, updated_at))
    steps = _step_counts(session, scope, today)
    flags: dict[str, list[OpenFlag]] = {}
    for flag_id, client_id, raised_at, category, reason in session.execute(
        select(SafetyFlag.id, SafetyFlag.client_id, SafetyFlag.raised_at, SafetyFlag.category, SafetyFlag.reason)
        .where(SafetyFlag.client_id.in_(scope), SafetyFlag.handled_at.is_(None))
        .order_by(SafetyFlag.raised_at, SafetyFlag.id)
    ):
        flags.setdefault(client_id, []).append(OpenFlag(flag_id, raised_at, category, reason))
    handoffs: dict[str, list[WaitingHandoff]] = {}
    for handoff_id, client_id, approved_at in session.execute(
        select(Handoff.id, Handoff.client_id, Handoff.approved_at)
        .where(Handoff.client_id.in_(scope), Handoff.reviewed_at.is_(None), *handoff_criteria(reader))
        .order_by(Handoff.approved_at, Handoff.id)
    ):
        handoffs.setdefault(client_id, []).append(WaitingHandoff(handoff_id, approved_at))
    sessions = _next_sessions(session, scope)
    return [
        ClientFacts(
            id=client.id,
            practitioner_id=client.practitioner_id,
            created_at=client.created_at,
            last_active_at=client.last_active_at,
            progress=describe_progress(parts.get(client.id, ()), client.id in consented),
            steps=steps.get(client.id, NO_STEPS),
            open_flags=flags.get(client.id, []),
            waiting_handoffs=handoffs.get(client.id, []),
            next_session=sessions.get(client.id),
        )
        for client in clients
    ]


def client_facts(session: Session, reader: Reader, client_id: str, today: date) -> ClientFacts | None:
    """One client's facts, as the dashboard has them; None if the reader may not see them (or they are nobody's yet)."""
    found = caseload(session, reader, today, [client_id])
    return found[0] if found else None


def _step_counts(session: Session, scope: Select, today: date) -> dict[str, StepCounts]:
    newest = (
        select(ActionPlan.client_id, func.max(ActionPlan.id).label("plan_id"))
        .where(ActionPlan.client_id.in_(scope), ActionPlan.status == ROUND_COMPLETE)
        .group_by(ActionPlan.client_id)
        .subquery()
    )
    still_to_do = ActionStep.status == STEP_OPEN
    rows = session.execute(
        select(
            ActionStep.client_id,
            func.count(),
            func.sum(case((ActionStep.status == STEP_DONE, 1), else_=0)),
            func.sum(case((ActionStep.status == STEP_BLOCKED, 1), else_=0)),
            func.sum(case((and_(still_to_do, ActionStep.due_date <= today), 1), else_=0)),
            func.min(case((still_to_do, ActionStep.due_date), else_=None)),
        )
        .join(newest, newest.c.plan_id == ActionStep.plan_id)
        .group_by(ActionStep.client_id)
    ).all()
    return {
        client_id: StepCounts(int(total), int(done or 0), int(blocked or 0), int(due or 0), _as_date(next_due))
        for client_id, total, done, blocked, due, next_due in rows
    }


def _next_sessions(session: Session, scope: Select) -> dict[str, date | None]:
    """Each client's next session as last set (the newest setting, as bot/storage/contact.py's next_session
    reads it), for every client in `scope` with one; a removal is the newest setting with no date."""
    newest = (
        select(
            SessionDate.client_id,
            SessionDate.session_on,
            func.row_number()
            .over(partition_by=SessionDate.client_id, order_by=(SessionDate.recorded_at.desc(), SessionDate.id.desc()))
            .label("newness"),
        )
        .where(SessionDate.client_id.in_(scope))
        .subquery()
    )
    rows = session.execute(select(newest.c.client_id, newest.c.session_on).where(newest.c.newness == 1)).all()
    return {client_id: _as_date(day) for client_id, day in rows}


def _as_date(value: date | str | None) -> date | None:
    """SQLite gives an aggregate of dates back as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def waiting_ids(session: Session, reader: Reader) -> dict[str, list[int]]:
    """The ids of handoffs waiting for review and of open safety flags: what the open dashboard polls for."""
    handoffs = session.execute(select(Handoff.id).where(Handoff.reviewed_at.is_(None), *handoff_criteria(reader))).scalars()
    flags = session.execute(
        select(SafetyFlag.id)
        .join(Client, Client.id == SafetyFlag.client_id)
        .where(SafetyFlag.handled_at.is_(None), *client_criteria(reader))
    ).scalars()
    return {"pending_handoffs": sorted(handoffs), "urgent_flags": sorted(flags)}


def deletions_seen_by(session: Session, reader: Reader) -> list[ClientDeletion]:
    """The reader's clients whose data was deleted (only that fact), newest first."""
    return list(
        session.execute(
            select(ClientDeletion).where(*deletion_criteria(reader)).order_by(ClientDeletion.deleted_at.desc())
        ).scalars()
    )
