"""Feedback across a practitioner's clients: ratings and readiness change, without names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.wording import READINESS_LABELS
from bot.portal.access import client_criteria
from bot.portal.auth import Viewer
from bot.portal.charts import BarChart, grouped_bar_chart
from bot.storage.models import Client, Feedback, ReadinessRating

RATINGS = {
    "usefulness": "How useful it was",
    "felt_heard": "Felt heard",
    "felt_in_charge": "Felt in charge",
}


@dataclass(frozen=True)
class RatingSummary:
    label: str
    average: float | None
    count: int
    distribution: list[int]  # how many gave 1, 2, 3, 4, 5


@dataclass(frozen=True)
class ReadinessChange:
    label: str
    clients: int  # with a rating at the start and at closing
    start: float | None
    closing: float | None

    @property
    def change(self) -> float | None:
        return None if self.start is None or self.closing is None else self.closing - self.start


@dataclass(frozen=True)
class FeedbackOverview:
    responses: int
    ratings: list[RatingSummary]
    readiness: list[ReadinessChange]
    what_helped: list[str]
    what_to_improve: list[str]
    ratings_chart: BarChart | None
    readiness_chart: BarChart | None


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def rating_summaries(rows: list[Feedback]) -> list[RatingSummary]:
    summaries = []
    for field, label in RATINGS.items():
        values = [v for v in (getattr(row, field) for row in rows) if isinstance(v, int) and 1 <= v <= 5]
        summaries.append(RatingSummary(label, _average(values), len(values), [values.count(n) for n in range(1, 6)]))
    return summaries


def readiness_changes(ratings: list[ReadinessRating]) -> list[ReadinessChange]:
    """Per item, the averages over clients who rated it both at the start and at closing (newest of each)."""
    latest: dict[tuple[str, str, str], int] = {}
    for rating in sorted(ratings, key=lambda r: r.id):
        latest[(rating.item, rating.client_id, rating.moment)] = rating.value
    changes = []
    for item in dict.fromkeys(r.item for r in sorted(ratings, key=lambda r: r.id)):
        clients = {c for (i, c, m) in latest if i == item and m == "start"} & {c for (i, c, m) in latest if i == item and m == "closing"}
        start = _average([latest[(item, c, "start")] for c in clients])
        closing = _average([latest[(item, c, "closing")] for c in clients])
        changes.append(ReadinessChange(READINESS_LABELS.get(item, item).capitalize(), len(clients), start, closing))
    return changes


def feedback_overview(db: Session, viewer: Viewer) -> FeedbackOverview:
    visible = select(Client.id).where(*client_criteria(viewer))
    rows = list(db.execute(select(Feedback).where(Feedback.client_id.in_(visible)).order_by(Feedback.id)).scalars())
    ratings = rating_summaries(rows)
    readiness = readiness_changes(
        list(db.execute(select(ReadinessRating).where(ReadinessRating.client_id.in_(visible))).scalars())
    )
    compared = [change for change in readiness if change.clients]
    return FeedbackOverview(
        responses=len(rows),
        ratings=ratings,
        readiness=readiness,
        # Sorted, not in the order given, so the order does not point to who wrote what.
        what_helped=sorted(row.what_helped for row in rows if row.what_helped),
        what_to_improve=sorted(row.what_to_improve for row in rows if row.what_to_improve),
        ratings_chart=grouped_bar_chart(
            "Average ratings",
            "The average of each closing rating, from 1 (not at all) to 5 (very much).",
            [r.label for r in ratings],
            {"Average of 5": [r.average for r in ratings]},
            maximum=5,
        )
        if rows
        else None,
        readiness_chart=grouped_bar_chart(
            "Readiness at the start and at closing",
            "For each readiness item, the average rating at the start and at closing of clients who gave both.",
            [c.label for c in compared],
            {"At the start": [c.start for c in compared], "At closing": [c.closing for c in compared]},
            maximum=5,
        )
        if compared
        else None,
    )
