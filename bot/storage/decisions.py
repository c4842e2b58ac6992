"""Decisions: the client's criteria with weights, each option rated on each, and the outcome."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy.orm import Session

from bot.guidance.decision_matrix import DecisionMatrix
from bot.storage.models import (
    ROUND_COMPLETE,
    ROUND_IN_PROGRESS,
    CareerOption,
    Criterion,
    Decision,
    OptionRating,
    OptionSet,
    utcnow,
)
from bot.storage.options import latest_option_set, set_own_options
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ensure_client, set_phase
from bot.storage.rounds import latest, number_in_order, rows_for_names

DECISION_PHASE = "decision"
MAX_CRITERIA = 6
CHOSEN = "chosen"
POSTPONED = "postponed"


def latest_decision(session: Session, client_id: str, in_progress_only: bool = False) -> Decision | None:
    return latest(session, Decision, client_id, *([Decision.decided_at.is_(None)] if in_progress_only else []))


def decision_in_progress(session: Session, client_id: str) -> Decision:
    """The decision being weighed, started with the client's latest options if there is none.

    Only a finished exploration counts: one still in progress may yet change under the decision.
    """
    decision = latest_decision(session, client_id, in_progress_only=True)
    if decision is None:
        ensure_client(session, client_id)
        option_set = latest_option_set(session, client_id, ROUND_COMPLETE)
        decision = Decision(client_id=client_id, option_set_id=option_set.id if option_set else None)
        session.add(decision)
        set_phase(session, client_id, DECISION_PHASE, PHASE_IN_PROGRESS)
        session.flush()
    return decision


def options_of(session: Session, decision: Decision) -> list[CareerOption]:
    option_set = session.get(OptionSet, decision.option_set_id) if decision.option_set_id else None
    return list(option_set.options) if option_set else []


def options_named_in_decision(session: Session, decision: Decision) -> bool:
    """Whether the decision's options were named at its start (not in an exploration before it)."""
    option_set = session.get(OptionSet, decision.option_set_id) if decision.option_set_id else None
    return option_set is not None and option_set.created_at >= decision.created_at


def set_options_for_decision(session: Session, decision: Decision, titles: Sequence[str]) -> None:
    """Options named at the start of a decision, for a client who did not explore options first."""
    if options_named_in_decision(session, decision):
        option_set = session.get(OptionSet, decision.option_set_id)  # named again after going back
    else:
        option_set = OptionSet(client_id=decision.client_id, status=ROUND_COMPLETE, completed_at=utcnow())
        session.add(option_set)
        session.flush()
    set_own_options(session, option_set, titles)
    decision.option_set_id = option_set.id
    session.flush()


def set_criteria(session: Session, decision: Decision, names: Sequence[str]) -> None:
    """The client's criteria; one already weighed under the same name keeps its weight and ratings."""
    decision.criteria = rows_for_names(
        decision.criteria,
        names[:MAX_CRITERIA],
        lambda criterion: criterion.name,
        lambda name: Criterion(client_id=decision.client_id, name=name),
    )
    number_in_order(decision.criteria)
    session.flush()


def set_rating(session: Session, decision: Decision, criterion_id: int, option_id: int, value: int | None) -> None:
    rating = next((r for r in decision.ratings if r.criterion_id == criterion_id and r.option_id == option_id), None)
    if rating is None:
        rating = OptionRating(client_id=decision.client_id, criterion_id=criterion_id, option_id=option_id)
        decision.ratings.append(rating)
    rating.value = value
    session.flush()


def matrix_of(session: Session, decision: Decision) -> DecisionMatrix | None:
    """The decision matrix so far; None while there is nothing to put in it."""
    options = options_of(session, decision)
    if not options or not decision.criteria:
        return None
    ratings = {(r.option_id, r.criterion_id): r.value for r in decision.ratings}
    return DecisionMatrix(
        options=tuple(option.title for option in options),
        criteria=tuple(criterion.name for criterion in decision.criteria),
        weights=tuple(criterion.weight for criterion in decision.criteria),
        ratings=tuple(
            tuple(ratings.get((option.id, criterion.id)) for criterion in decision.criteria) for option in options
        ),
    )


def set_outcome(decision: Decision, chosen_option_id: int | None) -> None:
    decision.status = CHOSEN if chosen_option_id else POSTPONED
    decision.chosen_option_id = chosen_option_id


def complete_decision(session: Session, decision: Decision) -> None:
    if decision.status == ROUND_IN_PROGRESS:
        decision.status = POSTPONED  # nothing chosen is a decision to wait
    decision.decided_at = utcnow()
    set_phase(session, decision.client_id, DECISION_PHASE, PHASE_DONE)
    session.flush()


def chosen_option(session: Session, decision: Decision | None) -> CareerOption | None:
    if decision is None or decision.chosen_option_id is None:
        return None
    return session.get(CareerOption, decision.chosen_option_id)


