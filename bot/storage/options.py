"""The options a client explores: one set per exploration, the newest being current."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy.orm import Session

from bot.storage.models import ROUND_COMPLETE, ROUND_IN_PROGRESS, CareerOption, OptionSet, utcnow
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ensure_client, set_phase
from bot.storage.rounds import latest, number_in_order, rows_for_names

OPTIONS_PHASE = "options"
MAX_OPTIONS = 6
OWN = "own"


def latest_option_set(session: Session, client_id: str, status: str | None = None) -> OptionSet | None:
    return latest(session, OptionSet, client_id, *([OptionSet.status == status] if status else []))


def option_set_in_progress(session: Session, client_id: str) -> OptionSet:
    option_set = latest_option_set(session, client_id, ROUND_IN_PROGRESS)
    if option_set is None:
        ensure_client(session, client_id)
        option_set = OptionSet(client_id=client_id)
        session.add(option_set)
        set_phase(session, client_id, OPTIONS_PHASE, PHASE_IN_PROGRESS)
        session.flush()
    return option_set


def set_own_options(session: Session, option_set: OptionSet, titles: Sequence[str]) -> None:
    """The client's own list; options already described under the same name keep what was said."""
    others = [option for option in option_set.options if option.origin != OWN]
    own = rows_for_names(
        [option for option in option_set.options if option.origin == OWN],
        titles[:MAX_OPTIONS],
        lambda option: option.title,
        lambda title: CareerOption(client_id=option_set.client_id, title=title, origin=OWN),
    )
    # One assignment, so that options kept under the same name are not deleted as orphans first.
    option_set.options = own + others[: MAX_OPTIONS - len(own)]
    number_in_order(option_set.options)
    session.flush()


def add_option(session: Session, option_set: OptionSet, title: str, origin: str) -> CareerOption | None:
    """Add an option the client named; None when six are already there."""
    if len(option_set.options) >= MAX_OPTIONS:
        return None
    existing = next((o for o in option_set.options if o.title.casefold() == title.casefold()), None)
    if existing is not None:
        return existing
    option = CareerOption(client_id=option_set.client_id, title=title, origin=origin)
    option_set.options.append(option)
    number_in_order(option_set.options)
    session.flush()
    return option


def remove_options_of_origin(session: Session, option_set: OptionSet, origin: str) -> None:
    option_set.options = [option for option in option_set.options if option.origin != origin]
    number_in_order(option_set.options)
    session.flush()


def complete_option_set(session: Session, option_set: OptionSet) -> None:
    option_set.status = ROUND_COMPLETE
    option_set.completed_at = utcnow()
    set_phase(session, option_set.client_id, OPTIONS_PHASE, PHASE_DONE)
    session.flush()


def rename_option(session: Session, option: CareerOption, title: str) -> None:
    option.title = title
    session.flush()


def remove_option(session: Session, option_set: OptionSet, option: CareerOption) -> None:
    option_set.options = [o for o in option_set.options if o is not option]
    number_in_order(option_set.options)
    session.flush()


def current_option_set(session: Session, client_id: str) -> OptionSet | None:
    """The set being explored, else the latest one explored: what "remove the bakery" changes."""
    return latest_option_set(session, client_id, ROUND_IN_PROGRESS) or latest_option_set(session, client_id)
