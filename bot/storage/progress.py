"""The client's progress through the process: consent, intake, readiness, goals and phases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import (
    ROUND_COMPLETE,
    STEP_DONE,
    ActionPlan,
    ActionStep,
    Client,
    ConsentRecord,
    Goal,
    Intake,
    PhaseProgress,
    ReadinessRating,
    utcnow,
)

CONSENT_GIVEN = "given"
CONSENT_DECLINED = "declined"

PHASE_IN_PROGRESS = "in_progress"
PHASE_DONE = "done"


def ensure_client(session: Session, client_id: str) -> Client:
    """The client row for a Rasa sender id; created if the conversation started outside the gateway."""
    client = session.get(Client, client_id)
    if client is None:
        client = Client(id=client_id)
        session.add(client)
        session.flush()
    return client


def record_consent(session: Session, client_id: str, decision: str, text_version: str) -> ConsentRecord:
    ensure_client(session, client_id)
    record = ConsentRecord(client_id=client_id, decision=decision, text_version=text_version)
    session.add(record)
    session.flush()
    return record


def latest_consent(session: Session, client_id: str) -> ConsentRecord | None:
    return session.execute(
        select(ConsentRecord)
        .where(ConsentRecord.client_id == client_id)
        .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def idle_declined_clients(session: Session, inactive_since: datetime) -> list[str]:
    """Clients whose latest consent decision is a refusal and who have not written since `inactive_since`."""
    latest = (
        select(ConsentRecord.client_id, func.max(ConsentRecord.id).label("latest_id"))
        .group_by(ConsentRecord.client_id)
        .subquery()
    )
    return list(
        session.execute(
            select(Client.id)
            .join(latest, latest.c.client_id == Client.id)
            .join(ConsentRecord, ConsentRecord.id == latest.c.latest_id)
            .where(ConsentRecord.decision == CONSENT_DECLINED, Client.last_active_at < inactive_since)
        ).scalars()
    )


def save_intake(
    session: Session,
    client_id: str,
    situation: str | None,
    readiness: dict[str, int],
    goals: Sequence[str],
    mentions: Sequence[dict[str, str]] = (),
) -> None:
    """Store the start phase's answers and mark the phase done. Earlier goals are kept as revised."""
    ensure_client(session, client_id)
    now = utcnow()
    session.add(Intake(client_id=client_id, situation=situation, mentions=list(mentions) or None, recorded_at=now))
    for item, value in readiness.items():
        session.add(ReadinessRating(client_id=client_id, item=item, value=value, moment="start", recorded_at=now))
    revise_goals(session, client_id, goals)
    set_phase(session, client_id, "start", PHASE_DONE)
    session.flush()


def revise_goals(session: Session, client_id: str, goals: Sequence[str]) -> None:
    """The client's goals as they are now; the earlier ones stay stored as revised."""
    now = utcnow()
    for goal in active_goals(session, client_id):
        goal.status = "revised"
    for position, text in enumerate(goals, start=1):
        session.add(Goal(client_id=client_id, text=text, position=position, created_at=now))
    session.flush()


def active_goals(session: Session, client_id: str) -> list[Goal]:
    return list(
        session.execute(
            select(Goal).where(Goal.client_id == client_id, Goal.status == "active").order_by(Goal.position)
        ).scalars()
    )


def set_phase(session: Session, client_id: str, phase: str, status: str) -> None:
    row = session.execute(
        select(PhaseProgress).where(PhaseProgress.client_id == client_id, PhaseProgress.phase == phase)
    ).scalar_one_or_none()
    if row is None:
        session.add(PhaseProgress(client_id=client_id, phase=phase, status=status))
    else:
        row.status = status
        row.updated_at = utcnow()


def phase_statuses(session: Session, client_id: str) -> dict[str, str]:
    rows = session.execute(select(PhaseProgress).where(PhaseProgress.client_id == client_id)).scalars()
    return {row.phase: row.status for row in rows}


@dataclass
class ClientSnapshot:
    """What the dialogue needs to know about a client when a conversation (re)starts."""

    consent: str | None = None
    goals: list[str] = field(default_factory=list)
    phases: dict[str, str] = field(default_factory=dict)
    due_steps: int = 0  # steps of the plan not done whose date has come

    @property
    def stage(self) -> str:
        if self.consent == CONSENT_DECLINED:
            return "declined"
        if self.consent != CONSENT_GIVEN:
            return "new"
        if self.phases.get("start") == PHASE_DONE:
            return "returning"
        return "consented"


def snapshot(session: Session, client_id: str) -> ClientSnapshot:
    consent = latest_consent(session, client_id)
    return ClientSnapshot(
        consent=consent.decision if consent else None,
        goals=[goal.text for goal in active_goals(session, client_id)],
        phases=phase_statuses(session, client_id),
        due_steps=len(due_steps(session, client_id)),
    )


def due_steps(session: Session, client_id: str) -> list[ActionStep]:
    """Steps of the client's current plan that are not done and whose date is today or past."""
    today = utcnow().date()
    return list(
        session.execute(
            select(ActionStep)
            .join(ActionPlan, ActionPlan.id == ActionStep.plan_id)
            .where(
                ActionStep.client_id == client_id,
                ActionPlan.status == ROUND_COMPLETE,
                ActionStep.status != STEP_DONE,
                ActionStep.due_date <= today,
            )
            .order_by(ActionStep.due_date, ActionStep.id)
        ).scalars()
    )
