"""One client's progress over time: goals history, readiness change, plan status, phases, handoffs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.wording import READINESS_LABELS
from bot.portal.access import client_label, handoff_criteria, visible_client
from bot.portal.auth import Viewer
from bot.portal.charts import BarChart, grouped_bar_chart
from bot.portal.dashboard import PHASE_LABELS
from bot.storage.feedback import readiness_at
from bot.storage.models import ROUND_COMPLETE, STEP_BLOCKED, STEP_DONE, STEP_OPEN, Goal, Handoff, PhaseProgress, SafetyFlag
from bot.storage.plans import latest_plan

STEP_LABELS = {STEP_OPEN: "to do", STEP_DONE: "done", STEP_BLOCKED: "blocked"}
GOAL_LABELS = {"active": "current", "revised": "revised later", "achieved": "achieved"}


@dataclass(frozen=True)
class GoalRow:
    text: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class ReadinessRow:
    item: str
    start: int | None
    closing: int | None

    @property
    def change(self) -> int | None:
        return None if self.start is None or self.closing is None else self.closing - self.start


@dataclass(frozen=True)
class StepRow:
    description: str
    status: str
    due_date: date | None


@dataclass(frozen=True)
class PhaseRow:
    label: str
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class ClientView:
    id: str
    label: str
    created_at: datetime
    last_active_at: datetime
    goals: list[GoalRow]
    readiness: list[ReadinessRow]
    plan_status: str | None
    steps: list[StepRow]
    phases: list[PhaseRow]
    handoffs: list[tuple[int, datetime, datetime | None]]  # id, approved, reviewed
    urgent_flags: int
    readiness_chart: BarChart | None
    steps_chart: BarChart | None


def readiness_rows(start: dict[str, int], closing: dict[str, int]) -> list[ReadinessRow]:
    return [
        ReadinessRow(READINESS_LABELS.get(item, item).capitalize(), start.get(item), closing.get(item))
        for item in dict.fromkeys([*start, *closing])
    ]


def client_view(db: Session, viewer: Viewer, client_id: str) -> ClientView | None:
    client = visible_client(db, viewer, client_id)
    if client is None:
        return None
    goals = db.execute(select(Goal).where(Goal.client_id == client.id).order_by(Goal.created_at, Goal.position, Goal.id)).scalars()
    readiness = readiness_rows(readiness_at(db, client.id, "start"), readiness_at(db, client.id, "closing"))
    plan = latest_plan(db, client.id, ROUND_COMPLETE) or latest_plan(db, client.id)
    steps = [StepRow(s.description, STEP_LABELS.get(s.status, s.status), s.due_date) for s in (plan.steps if plan else [])]
    phases = db.execute(select(PhaseProgress).where(PhaseProgress.client_id == client.id).order_by(PhaseProgress.updated_at)).scalars()
    handoffs = db.execute(
        select(Handoff).where(Handoff.client_id == client.id, *handoff_criteria(viewer)).order_by(Handoff.approved_at.desc())
    ).scalars()
    flags = db.execute(select(SafetyFlag).where(SafetyFlag.client_id == client.id, SafetyFlag.handled_at.is_(None))).scalars()
    return ClientView(
        id=client.id,
        label=client_label(db, client.id),
        created_at=client.created_at,
        last_active_at=client.last_active_at,
        goals=[GoalRow(g.text, GOAL_LABELS.get(g.status, g.status), g.created_at) for g in goals],
        readiness=readiness,
        plan_status=None if plan is None else ("finished" if plan.status == ROUND_COMPLETE else "being made" if plan.status == "in_progress" else plan.status),
        steps=steps,
        phases=[PhaseRow(PHASE_LABELS.get(p.phase, p.phase), "done" if p.status == "done" else "in progress", p.updated_at) for p in phases],
        handoffs=[(h.id, h.approved_at, h.reviewed_at) for h in handoffs],
        urgent_flags=len(list(flags)),
        readiness_chart=grouped_bar_chart(
            "Readiness at the start and now",
            "Each readiness item the client rated from 1 to 5, at the start and at closing.",
            [row.item for row in readiness],
            {"At the start": [row.start for row in readiness], "At closing": [row.closing for row in readiness]},
            maximum=5,
        )
        if readiness
        else None,
        steps_chart=grouped_bar_chart(
            "Steps of the plan",
            "How many steps of the current plan are done, still to do, or blocked.",
            ["done", "to do", "blocked"],
            {"Steps": [sum(1 for s in steps if s.status == state) for state in ("done", "to do", "blocked")]},
            maximum=max(1, len(steps)),
        )
        if steps
        else None,
    )
