"""Feedback across a practitioner's clients: ratings and readiness change, pooled so no client can be recognised."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.portal.access import client_criteria
from bot.portal.auth import Viewer
from bot.portal.charts import BarChart, grouped_bar_chart
from bot.portal.readiness import ReadinessRow, readiness_chart, readiness_rows
from bot.storage.models import Client, Feedback, ReadinessRating

# Feedback is not approved through a handoff, so the practitioner sees it only pooled: every figure
# and every open answer waits until this many clients gave feedback, and each figure stands for at
# least this many answers, so nothing can be traced back to one client.
MIN_CLIENTS = 3
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
RATINGS = {
    "usefulness": "How useful it was",
    "felt_heard": "Felt heard",
    "felt_in_charge": "Felt in charge",
}


@dataclass(frozen=True)
class RatingSummary:
    label: str
    average: float | None  # None when fewer than MIN_CLIENTS answered
    count: int
    distribution: list[int] | None  # how many gave 1, 2, 3, 4, 5; None when fewer than MIN_CLIENTS answered


@dataclass(frozen=True)
class FeedbackOverview:
    shown: bool  # at least MIN_CLIENTS clients gave feedback; nothing else is filled in otherwise
    clients: int  # how many clients gave feedback; 0 while not shown
    ratings: list[RatingSummary]
    readiness: list[ReadinessRow]
    what_helped: list[str]
    what_to_improve: list[str]
    ratings_chart: BarChart | None
    readiness_chart: BarChart | None

    @property
    def min_clients(self) -> str:
        return NUMBER_WORDS.get(MIN_CLIENTS, str(MIN_CLIENTS))


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def rating_summaries(rows: list[Feedback]) -> list[RatingSummary]:
    """Per rating the average and how the answers spread, for ratings at least MIN_CLIENTS clients gave."""
    summaries = []
    for field, label in RATINGS.items():
        latest = {row.client_id: getattr(row, field) for row in sorted(rows, key=lambda r: r.id)}
        values = [v for v in latest.values() if isinstance(v, int) and 1 <= v <= 5]
        enough = len(values) >= MIN_CLIENTS
        summaries.append(
            RatingSummary(
                label,
                _average(values) if enough else None,
                len(values),
                [values.count(n) for n in range(1, 6)] if enough else None,
            )
        )
    return summaries


def readiness_changes(ratings: list[ReadinessRating]) -> list[ReadinessRow]:
    """Per item, the averages over clients who rated it both at the start and at closing (newest of each).

    An item fewer than MIN_CLIENTS clients rated at both moments is left out.
    """
    latest: dict[tuple[str, str, str], int] = {}
    for rating in sorted(ratings, key=lambda r: r.id):
        latest[(rating.item, rating.client_id, rating.moment)] = rating.value
    start: dict[str, float] = {}
    closing: dict[str, float] = {}
    counts: dict[str, int] = {}
    for item in dict.fromkeys(r.item for r in sorted(ratings, key=lambda r: r.id)):
        clients = {c for (i, c, m) in latest if i == item and m == "start"} & {c for (i, c, m) in latest if i == item and m == "closing"}
        if len(clients) < MIN_CLIENTS:
            continue
        start[item] = _average([latest[(item, c, "start")] for c in clients])
        closing[item] = _average([latest[(item, c, "closing")] for c in clients])
        counts[item] = len(clients)
    return readiness_rows(start, closing, counts)


def feedback_overview(db: Session, viewer: Viewer) -> FeedbackOverview:
    visible = select(Client.id).where(*client_criteria(viewer))
    rows = list(db.execute(select(Feedback).where(Feedback.client_id.in_(visible)).order_by(Feedback.id)).scalars())
    givers = {row.client_id for row in rows}
    if len(givers) < MIN_CLIENTS:
        return FeedbackOverview(False, 0, [], [], [], [], None, None)
    ratings = rating_summaries(rows)
    # Closing readiness is measured in the feedback conversation: only clients who gave feedback count.
    readiness = readiness_changes(
        list(db.execute(select(ReadinessRating).where(ReadinessRating.client_id.in_(givers))).scalars())
    )
    charted = [r for r in ratings if r.average is not None]
    return FeedbackOverview(
        shown=True,
        clients=len(givers),
        ratings=ratings,
        readiness=readiness,
        # Sorted, not in the order given, so the order does not point to who wrote what.
        what_helped=sorted(row.what_helped for row in rows if row.what_helped),
        what_to_improve=sorted(row.what_to_improve for row in rows if row.what_to_improve),
        ratings_chart=grouped_bar_chart(
            "Average ratings",
            "The average of each closing rating, from 1 (not at all) to 5 (very much).",
            [r.label for r in charted],
            {"Average of 5": [r.average for r in charted]},
            maximum=5,
        )
        if charted
        else None,
        readiness_chart=readiness_chart(
            "Readiness at the start and at closing",
            "For each readiness item, the average rating at the start and at closing of clients who gave both.",
            readiness,
            "At closing",
        ),
    )
