"""What the journey's stored rounds (option sets, decisions, plans, reviews) have in common."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def latest(session: Session, model: type[Row], client_id: str, *criteria: Any) -> Row | None:
    """The client's newest row of `model` meeting `criteria`."""
    query = select(model).where(model.client_id == client_id, *criteria).order_by(model.id.desc()).limit(1)
    return session.execute(query).scalar_one_or_none()


def number_in_order(rows: Iterable[Any]) -> None:
    """Positions 1, 2, 3... in the order the rows are listed."""
    for position, row in enumerate(rows, start=1):
        row.position = position


def rows_for_names(
    existing: Iterable[Row], names: Sequence[str], name_of: Callable[[Row], str], make: Callable[[str], Row]
) -> list[Row]:
    """A row per name, in order; a row already there under the same name keeps what it holds."""
    kept = {name_of(row).casefold(): row for row in existing}
    return [kept.pop(name.casefold(), None) or make(name) for name in names]
