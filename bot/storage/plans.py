"""Action plans: concrete steps with dates, support and if-then plans, and the skills needed."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.decisions import latest_decision
from bot.storage.models import ROUND_COMPLETE, ROUND_IN_PROGRESS, ROUND_REPLACED, ActionPlan, ActionStep, utcnow
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ensure_client, set_phase
from bot.storage.rounds import latest, number_in_order, rows_for_names

PLANNING_PHASE = "planning"
MAX_STEPS = 8


def latest_plan(session: Session, client_id: str, status: str | None = None) -> ActionPlan | None:
    return latest(session, ActionPlan, client_id, *([ActionPlan.status == status] if status else []))


def plan_in_progress(session: Session, client_id: str) -> ActionPlan:
    plan = latest_plan(session, client_id, ROUND_IN_PROGRESS)
    if plan is None:
        ensure_client(session, client_id)
        decision = latest_decision(session, client_id)
        plan = ActionPlan(client_id=client_id, decision_id=decision.id if decision else None)
        session.add(plan)
        set_phase(session, client_id, PLANNING_PHASE, PHASE_IN_PROGRESS)
        session.flush()
    return plan


def set_steps(session: Session, plan: ActionPlan, descriptions: Sequence[str]) -> None:
    """The plan's steps; a step kept under the same words keeps its date, support and if-then plan."""
    plan.steps = rows_for_names(
        plan.steps,
        descriptions[:MAX_STEPS],
        lambda step: step.description,
        lambda text: ActionStep(client_id=plan.client_id, description=text),
    )
    number_in_order(plan.steps)
    session.flush()


def set_due_date(step: ActionStep, day: date | None, phrase: str | None) -> None:
    step.due_date = day
    step.due_phrase = phrase
    step.check_in_offered_at = None  # a new date deserves its own check-in


def complete_plan(session: Session, plan: ActionPlan) -> None:
    """The plan becomes the current one; an earlier plan stays stored as replaced."""
    for earlier in session.execute(
        select(ActionPlan).where(
            ActionPlan.client_id == plan.client_id, ActionPlan.status == ROUND_COMPLETE, ActionPlan.id != plan.id
        )
    ).scalars():
        earlier.status = ROUND_REPLACED
    plan.status = ROUND_COMPLETE
    plan.completed_at = utcnow()
    set_phase(session, plan.client_id, PLANNING_PHASE, PHASE_DONE)
    session.flush()
