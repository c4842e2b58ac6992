"""Readiness at the start against readiness later: the rows and chart the client page and the feedback page share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.guidance.wording import READINESS_LABELS
from bot.portal.charts import BarChart, grouped_bar_chart

READINESS_MAXIMUM = 5


def readiness_label(item: str) -> str:
    return READINESS_LABELS.get(item, item.replace("_", " ")).capitalize()


@dataclass(frozen=True)
class ReadinessRow:
    label: str
    start: float | None
    closing: float | None
    clients: int = 1  # how many clients the figures stand for (the feedback page shows averages)

    @property
    def change(self) -> float | None:
        return None if self.start is None or self.closing is None else self.closing - self.start


def readiness_rows(
    start: Mapping[str, float], closing: Mapping[str, float], clients: Mapping[str, int] | None = None
) -> list[ReadinessRow]:
    """One row per readiness item rated at either moment, in the order first seen."""
    return [
        ReadinessRow(readiness_label(item), start.get(item), closing.get(item), (clients or {}).get(item, 1))
        for item in dict.fromkeys([*start, *closing])
    ]


def readiness_chart(title: str, description: str, rows: list[ReadinessRow], closing_name: str) -> BarChart | None:
    if not rows:
        return None
    return grouped_bar_chart(
        title,
        description,
        [row.label for row in rows],
        {"At the start": [row.start for row in rows], closing_name: [row.closing for row in rows]},
        maximum=READINESS_MAXIMUM,
    )
