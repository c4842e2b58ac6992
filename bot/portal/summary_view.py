"""An approved summary as the portal shows it (templates/summary.html): the items the client kept,
under their headings, the decision matrix as a table (and its picture when nothing was taken out of
it), and the client's message.

`summary_view(handoff.items, handoff.message)` is all a page needs: the handoff page, its print
view and the client's record pass the result to the partial as `summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from bot.guidance.decision_matrix import (
    HIGHEST_VALUE,
    LOWEST_VALUE,
    how_scored,
    leader_sentence,
    mark,
    score_label,
)
from bot.handoff.summary import MATRIX_PREFIX, SECTIONS, SummaryItem, grouped, matrix_from_data

OTHER_SECTION = "Other"


@dataclass(frozen=True)
class MatrixRow:
    option: str
    ratings: list[str]  # one per criterion: "1".."5", or "–" when skipped
    score: str  # "34 of 45", or "–" when nothing could be counted
    leading: bool  # among the highest weighted scores


@dataclass(frozen=True)
class MatrixTable:
    criteria: list[tuple[str, str]]  # (name, weight "1".."5" or "–")
    rows: list[MatrixRow]
    how_scored: str
    result: str  # who scored highest, in words
    picture: str | None  # /media/<name>.png, only when the table holds every row the picture shows


@dataclass(frozen=True)
class SummarySection:
    heading: str
    matrices: list[MatrixTable]
    texts: list[str]


@dataclass(frozen=True)
class SummaryView:
    sections: list[SummarySection]
    message: str | None

    @property
    def empty(self) -> bool:
        return not self.sections


def _parsed(items: Sequence[Any]) -> list[SummaryItem]:
    """The stored items; one in an unexpected shape is left out rather than breaking the page."""
    parsed = []
    for stored in items or []:
        if isinstance(stored, Mapping) and all(isinstance(stored.get(k), str) for k in ("key", "section", "text")):
            data = stored.get("data")
            parsed.append(SummaryItem(stored["key"], stored["section"], stored["text"], data if isinstance(data, Mapping) else None))
    return parsed


def matrix_table(item: SummaryItem) -> MatrixTable | None:
    """The table of a matrix item with figures; None for an older item that has only its text."""
    if not item.key.startswith(MATRIX_PREFIX):
        return None
    matrix = matrix_from_data(item.data)
    if matrix is None:
        return None
    leaders = set(matrix.leaders())
    picture = item.data.get("picture") if item.data else None
    return MatrixTable(
        criteria=[(name, mark(weight)) for name, weight in zip(matrix.criteria, matrix.weights)],
        rows=[
            MatrixRow(option, [mark(rating) for rating in row], score_label(score, maximum, " of "), option in leaders)
            for option, row, score, maximum in zip(matrix.options, matrix.ratings, matrix.scores(), matrix.max_scores())
        ],
        how_scored=(
            f"Ratings from {LOWEST_VALUE} (low) to {HIGHEST_VALUE} (high), weights from {LOWEST_VALUE} to {HIGHEST_VALUE}. "
            + how_scored(matrix)
        ),
        result=leader_sentence(matrix),
        picture=picture if isinstance(picture, str) and picture.startswith("/media/") else None,
    )


def summary_view(items: Sequence[Any], message: str | None) -> SummaryView:
    parsed = _parsed(items)
    known = [item for item in parsed if item.section in SECTIONS]
    sections = []
    for section, members in grouped(known, key=lambda item: item.section):
        tables = [(item, matrix_table(item)) for item in members]
        sections.append(
            SummarySection(
                SECTIONS[section],
                [table for _, table in tables if table is not None],
                [item.text for item, table in tables if table is None],
            )
        )
    unknown = [item.text for item in parsed if item.section not in SECTIONS]
    if unknown:
        sections.append(SummarySection(OTHER_SECTION, [], unknown))
    return SummaryView(sections, message)
