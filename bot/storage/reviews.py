"""Reviews: check-ins on the plan's steps, and whether the goals still fit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import (
    ROUND_COMPLETE,
    ROUND_IN_PROGRESS,
    STEP_DONE,
    STEP_OPEN,
    ActionStep,
    Review,
    StepUpdate,
    utcnow,
)
from bot.storage.check_ins import mark_offered
from bot.storage.plans import latest_plan
from bot.storage.rounds import latest
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ensure_client, set_phase

REVIEW_PHASE = "review"
REPLANNED = "replanned"


def review_in_progress(session: Session, client_id: str) -> Review:
    review = latest(session, Review, client_id, Review.status == ROUND_IN_PROGRESS)
    if review is None:
        ensure_client(session, client_id)
        steps = steps_due_for_review(session, client_id)
        # Checking in now answers any pending offer to check in on these steps.
        mark_offered(steps)
        review = Review(client_id=client_id, step_ids=[step.id for step in steps])
        session.add(review)
        set_phase(session, client_id, REVIEW_PHASE, PHASE_IN_PROGRESS)
        session.flush()
    return review


def steps_due_for_review(session: Session, client_id: str) -> list[ActionStep]:
    """The current plan's steps that are not done and are due, or all of them if none is due yet."""
    plan = latest_plan(session, client_id, ROUND_COMPLETE)
    if plan is None:
        return []
    today = utcnow().date()
    open_steps = [step for step in plan.steps if step.status != STEP_DONE]
    due = [step for step in open_steps if step.due_date and step.due_date <= today]
    return due or open_steps


def steps_in(session: Session, review: Review) -> list[ActionStep]:
    """The steps the review covers, fixed when it started so that going back finds them again."""
    return [step for step_id in review.step_ids or [] if (step := session.get(ActionStep, step_id)) is not None]


def updates_in(session: Session, review: Review) -> list[StepUpdate]:
    return list(session.execute(select(StepUpdate).where(StepUpdate.review_id == review.id).order_by(StepUpdate.id)).scalars())


def update_in(session: Session, review: Review, step: ActionStep) -> StepUpdate | None:
    return next((u for u in updates_in(session, review) if u.step_id == step.id), None)


def record_step_status(session: Session, review: Review, step: ActionStep, status: str | None) -> None:
    """Done, blocked or replanned, as the client says; None (skipped) leaves the step as it was before."""
    update = update_in(session, review, step)
    if status is None:
        if update is not None:
            step.status = update.previous_status or step.status
            session.delete(update)
        session.flush()
        return
    if update is None:
        update = StepUpdate(
            client_id=review.client_id, step_id=step.id, review_id=review.id, status=status, previous_status=step.status
        )
        session.add(update)
    update.status = status
    update.recorded_at = utcnow()
    step.status = STEP_OPEN if status == REPLANNED else status
    session.flush()


def complete_review(session: Session, review: Review) -> None:
    review.status = ROUND_COMPLETE
    review.completed_at = utcnow()
    set_phase(session, review.client_id, REVIEW_PHASE, PHASE_DONE)
    session.flush()
