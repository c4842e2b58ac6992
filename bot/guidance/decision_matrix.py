"""A weighted decision matrix of the client's own options against the client's own criteria.

Everything in it comes from the client: the options, the criteria, how much each criterion
matters (weight 1-5) and how well each option meets it (rating 1-5). Any of these may have
been skipped. A skipped weight or rating leaves its cell out of both the score and the
highest possible score, so a skip never counts as a low rating.

The result is shown, not recommended: the wording names the highest weighted score and
leaves the choice with the client.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from matplotlib import colormaps, colors
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

MAX_OPTIONS = 6
MAX_CRITERIA = 6
LOWEST_VALUE = 1
HIGHEST_VALUE = 5

SKIPPED_MARK = "–"

_IMAGE_WIDTH_INCHES = 8.0
_IMAGE_DPI = 100
_IMAGE_TITLE = "Your decision matrix"
_OPTION_WRAP_CHARS = 22
_CRITERION_WRAP_CHARS = 12
_MAX_LABEL_LINES = 3
# viridis is perceptually uniform and readable with the common colour-vision deficiencies;
# reversed so that a low rating is light and a high rating is dark.
_PALETTE = "viridis_r"
# The palette's extremes are close to white and black; staying inside them keeps every
# rating visibly coloured and distinguishable from the grey of a skipped cell.
_PALETTE_RANGE = (0.08, 0.92)
_SKIPPED_CELL_COLOUR = "#e6e6e6"
_SCORE_CELL_COLOUR = "#ffffff"
_DARK_TEXT = "#111111"
_LIGHT_TEXT = "#ffffff"


@dataclass(frozen=True)
class DecisionMatrix:
    options: tuple[str, ...]
    criteria: tuple[str, ...]
    weights: tuple[int | None, ...]
    ratings: tuple[tuple[int | None, ...], ...]

    def __post_init__(self) -> None:
        # Callers often build these from lists; tuples keep the frozen matrix hashable and unchanged.
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "weights", tuple(self.weights))
        object.__setattr__(self, "ratings", tuple(tuple(row) for row in self.ratings))
        _check_titles("option", self.options, MAX_OPTIONS)
        _check_titles("criterion", self.criteria, MAX_CRITERIA)
        if len(self.weights) != len(self.criteria):
            raise ValueError(f"{len(self.criteria)} criteria need as many weights, got {len(self.weights)}.")
        if len(self.ratings) != len(self.options):
            raise ValueError(f"{len(self.options)} options need as many rows of ratings, got {len(self.ratings)}.")
        for option, row in zip(self.options, self.ratings):
            if len(row) != len(self.criteria):
                raise ValueError(f"Option {option!r} needs {len(self.criteria)} ratings, got {len(row)}.")
        for criterion, weight in zip(self.criteria, self.weights):
            _check_value(f"weight of {criterion!r}", weight)
        for option, row in zip(self.options, self.ratings):
            for criterion, rating in zip(self.criteria, row):
                _check_value(f"rating of {option!r} on {criterion!r}", rating)

    def scores(self) -> tuple[int, ...]:
        """Weighted score per option: sum of weight*rating over the criteria where both are given."""
        return tuple(sum(weight * rating for weight, rating in self._counted_cells(row)) for row in self.ratings)

    def max_scores(self) -> tuple[int, ...]:
        """Per option, the highest score it could have had: sum of weight*5 over the same counted cells."""
        return tuple(sum(weight * HIGHEST_VALUE for weight, _ in self._counted_cells(row)) for row in self.ratings)

    def leaders(self) -> tuple[str, ...]:
        """Option(s) with the highest share score/max, ties all listed; empty when nothing could be scored."""
        # Options can have different numbers of counted cells, so raw scores are not comparable;
        # exact fractions keep equal shares tied instead of splitting them on rounding.
        shares = {
            index: Fraction(score, maximum)
            for index, (score, maximum) in enumerate(zip(self.scores(), self.max_scores()))
            if maximum > 0
        }
        if not shares:
            return ()
        best = max(shares.values())
        return tuple(self.options[index] for index, share in shares.items() if share == best)

    def _counted_cells(self, row: Sequence[int | None]) -> list[tuple[int, int]]:
        return [
            (weight, rating)
            for weight, rating in zip(self.weights, row)
            if weight is not None and rating is not None
        ]


def _check_titles(kind: str, titles: tuple[str, ...], most: int) -> None:
    if not 1 <= len(titles) <= most:
        raise ValueError(f"A decision matrix needs 1 to {most} of {kind} titles, got {len(titles)}.")
    for title in titles:
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"Every {kind} needs a non-empty title, got {title!r}.")


def _check_value(what: str, value: object) -> None:
    if value is None:
        return
    # bool is an int subclass, and True would otherwise pass as a rating of 1.
    if isinstance(value, bool) or not isinstance(value, int) or not LOWEST_VALUE <= value <= HIGHEST_VALUE:
        raise ValueError(f"The {what} must be {LOWEST_VALUE} to {HIGHEST_VALUE} or None, got {value!r}.")


def mark(value: int | None) -> str:
    return SKIPPED_MARK if value is None else str(value)


def weight_label(weight: int | None) -> str:
    return f"(×{mark(weight)})"


def score_label(score: int, maximum: int, separator: str) -> str:
    return f"{score}{separator}{maximum}" if maximum else SKIPPED_MARK


def _join_names(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def leader_sentence(matrix: DecisionMatrix) -> str:
    leaders = matrix.leaders()
    if not leaders:
        return (
            "Nothing could be scored yet: a score needs a criterion with a weight "
            "and a rating of the option on that criterion."
        )
    counted_maxima = {maximum for maximum in matrix.max_scores() if maximum > 0}
    if len(counted_maxima) == 1:
        if len(leaders) == 1:
            return f"Highest weighted score: {leaders[0]}."
        return _capitalised(f"{_join_names(leaders)} share the highest weighted score.")
    # With skips the options are out of different totals, and the leader is the one with the
    # largest share of its own total; saying "highest score" would then contradict the table.
    if len(leaders) == 1:
        return f"Highest weighted score for what could be counted: {leaders[0]}."
    return _capitalised(f"{_join_names(leaders)} share the highest weighted score for what could be counted.")


def _capitalised(sentence: str) -> str:
    # A sentence can open with the client's own title, written in lower case ("youth work and ...").
    return sentence[:1].upper() + sentence[1:]


def how_scored(matrix: DecisionMatrix) -> str:
    """How a score is made; the skipped mark is explained only when the table shows one."""
    skipped = any(value is None for value in matrix.weights) or any(rating is None for row in matrix.ratings for rating in row)
    return "Score = the sum of weight × rating" + (f"; {SKIPPED_MARK} was skipped and is not counted." if skipped else ".")


CLIENT_INTRO = f"Your ratings from {LOWEST_VALUE} (low) to {HIGHEST_VALUE} (high); ×N is how much a criterion matters to you:"
# The same table in a summary for the practitioner: about the client, not addressed to them.
NEUTRAL_INTRO = f"Ratings from {LOWEST_VALUE} (low) to {HIGHEST_VALUE} (high); ×N is the weight of a criterion:"


def text_table(matrix: DecisionMatrix, intro: str = CLIENT_INTRO) -> str:
    """The matrix in words, one line per option: it wraps in a narrow chat and reads aloud well.

    A grid of columns looked tidy in a terminal but broke apart in a chat bubble on a phone.
    """
    lines = [intro]
    for option, row, score, maximum in zip(matrix.options, matrix.ratings, matrix.scores(), matrix.max_scores()):
        ratings = ", ".join(
            f"{criterion} {weight_label(weight)} {mark(rating)}"
            for criterion, weight, rating in zip(matrix.criteria, matrix.weights, row)
        )
        lines.append(f"• {' '.join(option.split())}: {score_label(score, maximum, ' of ')} ({ratings})")
    # The figures alone can be misread, so a plain sentence says how the score is made.
    lines += [how_scored(matrix), leader_sentence(matrix)]
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    return "\n".join(
        textwrap.wrap(" ".join(text.split()), width=width, max_lines=_MAX_LABEL_LINES, placeholder=" …")
    )


def _cell_colour(rating: int | None) -> tuple[float, float, float, float] | str:
    if rating is None:
        return _SKIPPED_CELL_COLOUR
    low, high = _PALETTE_RANGE
    position = low + (high - low) * (rating - LOWEST_VALUE) / (HIGHEST_VALUE - LOWEST_VALUE)
    return colormaps[_PALETTE](position)


def _relative_luminance(colour: tuple[float, float, float, float] | str) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue, _ = colors.to_rgba(colour)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(first: float, second: float) -> float:
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


def _text_colour(background: tuple[float, float, float, float] | str) -> str:
    # WCAG contrast ratio: whichever of dark or light text stands out more on this cell.
    surface = _relative_luminance(background)
    return max(
        (_DARK_TEXT, _LIGHT_TEXT), key=lambda text: _contrast(surface, _relative_luminance(text))
    )


def render_png(matrix: DecisionMatrix, path: Path) -> None:
    option_labels = [_wrap(option, _OPTION_WRAP_CHARS) for option in matrix.options]
    criterion_labels = [
        f"{_wrap(criterion, _CRITERION_WRAP_CHARS)}\nweight {weight_label(weight)}"
        for criterion, weight in zip(matrix.criteria, matrix.weights)
    ]
    leaders = set(matrix.leaders())
    column_count = len(matrix.criteria) + 1
    row_count = len(matrix.options)

    label_lines = max(label.count("\n") + 1 for label in option_labels)
    row_height_inches = max(0.55, 0.22 * label_lines + 0.15)
    header_lines = max(label.count("\n") + 1 for label in criterion_labels)
    height_inches = 1.6 + 0.2 * header_lines + row_height_inches * row_count

    # A Figure with its own Agg canvas, never pyplot: no global state, so concurrent requests
    # in the action server cannot draw into each other's figures or switch the backend.
    figure = Figure(figsize=(_IMAGE_WIDTH_INCHES, height_inches), dpi=_IMAGE_DPI)
    FigureCanvasAgg(figure)
    try:
        axes = figure.add_subplot()
        for row_index, (option, row, score, maximum) in enumerate(
            zip(matrix.options, matrix.ratings, matrix.scores(), matrix.max_scores())
        ):
            for column_index, rating in enumerate(row):
                background = _cell_colour(rating)
                axes.add_patch(
                    Rectangle(
                        (column_index, row_index), 1, 1,
                        facecolor=background, edgecolor="white", linewidth=2, clip_on=False,
                    )
                )
                axes.text(
                    column_index + 0.5, row_index + 0.5, mark(rating),
                    ha="center", va="center", fontsize=13, color=_text_colour(background),
                )
            axes.add_patch(
                Rectangle(
                    (column_count - 1, row_index), 1, 1,
                    facecolor=_SCORE_CELL_COLOUR, edgecolor="#bbbbbb", linewidth=1, clip_on=False,
                )
            )
            axes.text(
                column_count - 0.5, row_index + 0.5, score_label(score, maximum, "/"),
                ha="center", va="center", fontsize=12, color=_DARK_TEXT,
                fontweight="bold" if option in leaders else "normal",
            )

        axes.set_xlim(0, column_count)
        axes.set_ylim(row_count, 0)
        axes.set_xticks([index + 0.5 for index in range(column_count)])
        axes.set_xticklabels([*criterion_labels, "weighted\nscore"], fontsize=9)
        axes.xaxis.tick_top()
        axes.set_yticks([index + 0.5 for index in range(row_count)])
        axes.set_yticklabels(option_labels, fontsize=10)
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_title(_IMAGE_TITLE, fontsize=14, fontweight="bold", pad=12)
        axes.set_xlabel(
            f"Ratings {LOWEST_VALUE} (light, low) to {HIGHEST_VALUE} (dark, high); "
            f"{SKIPPED_MARK} skipped, not counted.\n"
            "Weighted score = sum of weight × rating, out of the most possible.",
            fontsize=9, color="#444444", labelpad=10,
        )

        figure.tight_layout()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png", dpi=_IMAGE_DPI)
    finally:
        # Without pyplot nothing else holds the figure; clearing it frees the artists at once.
        figure.clear()
