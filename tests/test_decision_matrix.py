from __future__ import annotations

from pathlib import Path

import matplotlib.image
import pytest

from bot.guidance.decision_matrix import DecisionMatrix, render_png, text_table

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def nurse_or_stay() -> DecisionMatrix:
    # By hand: nurse 4*5 + 2*3 = 26, stay 4*2 + 2*5 = 18; each out of 4*5 + 2*5 = 30.
    return DecisionMatrix(
        options=("Retrain as a nurse", "Stay in current job"),
        criteria=("security", "time with family"),
        weights=(4, 2),
        ratings=((5, 3), (2, 5)),
    )


def test_scores_are_weighted_sums_computed_by_hand() -> None:
    matrix = nurse_or_stay()

    assert matrix.scores() == (26, 18)
    assert matrix.max_scores() == (30, 30)
    assert matrix.leaders() == ("Retrain as a nurse",)


def test_skipped_weights_and_ratings_count_in_neither_score_nor_maximum() -> None:
    matrix = DecisionMatrix(
        options=("A", "B"),
        criteria=("pay", "meaning", "commute"),
        weights=(3, None, 2),
        ratings=((4, 5, None), (None, 1, 5)),
    )

    # A: only pay counts (3*4 of 3*5); B: only commute counts (2*5 of 2*5).
    assert matrix.scores() == (12, 10)
    assert matrix.max_scores() == (15, 10)


def test_leader_is_chosen_by_share_of_its_possible_score_not_raw_score() -> None:
    matrix = DecisionMatrix(
        options=("A", "B"),
        criteria=("pay", "meaning"),
        weights=(5, 5),
        ratings=((4, 4), (5, None)),
    )

    assert matrix.scores() == (40, 25)
    assert matrix.leaders() == ("B",)
    assert "Highest weighted score for what could be counted: B." in text_table(matrix)


def test_tied_options_are_all_leaders_and_named_together() -> None:
    matrix = DecisionMatrix(
        options=("Nursing", "Teaching", "Plumbing"),
        criteria=("security", "pay"),
        weights=(4, 2),
        ratings=((5, 3), (5, 3), (1, 1)),
    )

    assert matrix.leaders() == ("Nursing", "Teaching")
    assert "Nursing and Teaching share the highest weighted score." in text_table(matrix)


def test_nothing_scorable_gives_no_leaders_and_says_so() -> None:
    matrix = DecisionMatrix(
        options=("A", "B"),
        criteria=("pay", "meaning"),
        weights=(None, 3),
        ratings=((4, None), (None, None)),
    )

    assert matrix.scores() == (0, 0)
    assert matrix.max_scores() == (0, 0)
    assert matrix.leaders() == ()
    assert "Nothing could be scored yet" in text_table(matrix)


@pytest.mark.parametrize(
    "changes",
    [
        {"ratings": ((6, 3), (2, 5))},
        {"ratings": ((0, 3), (2, 5))},
        {"weights": (4, 9)},
        {"weights": (4, True)},
        {"weights": (4, 2.5)},
        {"weights": (4,)},
        {"ratings": ((5, 3),)},
        {"ratings": ((5, 3, 1), (2, 5))},
        {"options": ()},
        {"options": ("A", "B", "C", "D", "E", "F", "G"), "ratings": ((1, 1),) * 7},
        {"options": ("A", " ")},
        {"criteria": (), "weights": (), "ratings": ((), ())},
    ],
)
def test_invalid_input_is_rejected(changes: dict) -> None:
    fields = {
        "options": ("A", "B"),
        "criteria": ("security", "pay"),
        "weights": (4, 2),
        "ratings": ((5, 3), (2, 5)),
    }
    fields.update(changes)

    with pytest.raises(ValueError):
        DecisionMatrix(**fields)


def test_text_table_shows_titles_weights_scores_and_leader() -> None:
    table = text_table(nurse_or_stay())

    assert "• Retrain as a nurse: 26 of 30 (security (×4) 5, time with family (×2) 3)" in table
    assert "• Stay in current job: 18 of 30" in table
    assert table.splitlines()[-1] == "Highest weighted score: Retrain as a nurse."
    assert "should" not in table.lower()
    assert "**" not in table and "|" not in table
    # Nothing was skipped: the table does not explain a mark it does not show.
    assert "Score = the sum of weight × rating." in table and "skipped" not in table


def test_text_table_marks_skips_and_keeps_long_titles_whole() -> None:
    long_title = "Retrain as a nurse through the regional hospital's evening programme"
    matrix = DecisionMatrix(
        options=(long_title, "Stay"),
        criteria=("security",),
        weights=(None,),
        ratings=((3,), (None,)),
    )
    table = text_table(matrix)

    assert f"• {long_title}:" in table
    assert "security (×–) 3" in table and "security (×–) –" in table
    assert "– was skipped and is not counted." in table


def test_render_png_writes_a_chat_sized_png(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "matrix.png"

    render_png(nurse_or_stay(), path)

    assert path.read_bytes().startswith(PNG_SIGNATURE)
    height, width = matplotlib.image.imread(str(path)).shape[:2]
    assert width >= 600
    assert height > 0


def test_render_png_copes_with_the_largest_matrix_and_long_titles(tmp_path: Path) -> None:
    matrix = DecisionMatrix(
        options=tuple(f"Option {n} with a rather long title that has to wrap" for n in range(6)),
        criteria=tuple(f"criterion {n} with a long name" for n in range(6)),
        weights=(1, 2, 3, 4, 5, None),
        ratings=tuple(tuple((row + column) % 6 or None for column in range(6)) for row in range(6)),
    )
    path = tmp_path / "large.png"

    render_png(matrix, path)

    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_different_matrices_give_different_images(tmp_path: Path) -> None:
    first, second = tmp_path / "first.png", tmp_path / "second.png"
    other = DecisionMatrix(
        options=("Retrain as a nurse", "Stay in current job"),
        criteria=("security", "time with family"),
        weights=(4, 2),
        ratings=((1, 3), (2, None)),
    )

    render_png(nurse_or_stay(), first)
    render_png(other, second)

    assert first.read_bytes() != second.read_bytes()


def test_a_shared_lead_opens_its_sentence_with_a_capital_even_for_titles_in_lower_case() -> None:
    matrix = DecisionMatrix(options=("youth work", "teaching assistant"), criteria=("pay",), weights=(3,), ratings=((2,), (2,)))

    assert text_table(matrix).splitlines()[-1] == "Youth work and teaching assistant share the highest weighted score."
