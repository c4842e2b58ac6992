"""Which of a client's named items (options, steps) a phrase means: "the bakery" is "opening a
bakery", "2" is the second, "IT" is "IT support"; and whether a new title repeats one already there."""

from __future__ import annotations

from typing import Sequence

from bot.guidance.phrases import tokens

_LEAVE_OUT = {"the", "a", "an", "one", "job", "option", "my", "to", "of", "in", "as", "be", "becom", "being", "work", "working", "open", "opening", "start", "starting", "do", "doing"}


def _content(title: str) -> set[str]:
    return {t.stem for t in tokens(title) if not t.boundary and t.stem not in _LEAVE_OUT}


def item_meant(target: int | str, titles: Sequence[str]) -> int | None:
    """The position (0-based) of the item `target` means: a 1-based number, or words of its title."""
    if isinstance(target, int):
        return target - 1 if 1 <= target <= len(titles) else None
    wanted = _content(target)
    if not wanted:
        return None
    exact = [i for i, title in enumerate(titles) if _content(title) == wanted]
    if len(exact) == 1:
        return exact[0]
    containing = [i for i, title in enumerate(titles) if wanted <= _content(title)]
    return containing[0] if len(containing) == 1 else None


def repeated(title: str, titles: Sequence[str]) -> str | None:
    """The title already there that `title` repeats, adding nothing to it ("a bakery" repeats "opening a
    bakery"; "nursing assistant" does not repeat "nursing"), if any."""
    new = _content(title)
    for existing in titles:
        if (new and new <= _content(existing)) or title.strip().casefold() == existing.strip().casefold():
            return existing
    return None
