"""The safety phrase files of one language: Waypoint's own, plus whatever a service adds.

`bot/defaults/safety/<language>/` holds words.yml (spelling slips of risk words and word groups),
risk.yml (phrases of risk by level and category), ordinary.yml (idioms, work words and negations that
make risk words ordinary) and answers.yml (how clients answer the check question and "are you safe
right now?"). A service's own folder (SAFETY_WORDS_DIR) adds to them (bot/guidance/phrase_files.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from bot.guidance.phrase_files import PhraseCompiler, folders, read
from bot.guidance.phrases import DEFAULT_MAX_GAP, Phrase, PhraseBook

LEVELS = ("possible", "clear")
CATEGORIES = (
    "medical_emergency",
    "harm_from_others",
    "harm_to_others",
    "suicidal_active",
    "self_harm",
    "suicidal_passive",
)  # most urgent first: the first found chooses the crisis resources shown first
ORDINARY_KINDS = ("figurative", "work_words", "negated")
# Ordinary expressions are idioms: their words stand together, one word in between at most.
ORDINARY_GAP = 1
ANSWER_QUESTIONS = {"check": ("fine", "concern"), "safety": ("safe", "not_safe"), "either": ("unsure",)}


@dataclass(frozen=True)
class SafetyWords:
    risk: PhraseBook  # data: level, category, strong
    ordinary: PhraseBook  # data: kind
    intent_signals: PhraseBook
    model_hints: PhraseBook  # data: level; words without which the model's express_distress does not count
    answers: Mapping[str, PhraseBook]  # "fine", "concern", "safe", "not_safe", "unsure"


def _hints_by_level(hints: object) -> dict[str, list]:
    """`model_hints` by level; a plain list (a service's file from before the levels) is `possible`."""
    if not hints:
        return {}
    if isinstance(hints, list):
        return {"possible": hints}
    if not isinstance(hints, dict) or set(hints) - set(LEVELS):
        raise ValueError(f"model_hints: give a list, or lists under {' and '.join(LEVELS)}")
    return {level: items or [] for level, items in hints.items()}


def load_safety_words(language: str = "en", extra_dir: Path | None = None) -> SafetyWords:
    phrase_folders = folders("safety", language, extra_dir, "SAFETY_WORDS_DIR")
    compiler = PhraseCompiler(language, phrase_folders)
    risk, ordinary, signals, hints = [], [], [], []
    answers: dict[str, list[Phrase]] = {kind: [] for kinds in ANSWER_QUESTIONS.values() for kind in kinds}
    for folder in phrase_folders:
        data = read(folder / "risk.yml")
        for level in LEVELS:
            for category, items in (data.get(level) or {}).items():
                if category not in CATEGORIES:
                    raise ValueError(f"{folder / 'risk.yml'}: unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
                where = f"{folder / 'risk.yml'} ({level}, {category})"
                risk += compiler.phrases(items, DEFAULT_MAX_GAP, where, level=level, category=category)
        signals += compiler.phrases(data.get("intent_signals"), DEFAULT_MAX_GAP, f"{folder / 'risk.yml'} (intent_signals)")
        for level, items in _hints_by_level(data.get("model_hints")).items():
            hints += compiler.phrases(items, DEFAULT_MAX_GAP, f"{folder / 'risk.yml'} (model_hints, {level})", level=level)
        data = read(folder / "ordinary.yml")
        for kind in ORDINARY_KINDS:
            # Lists of job titles are exact: "careers" is not "carer".
            where = f"{folder / 'ordinary.yml'} ({kind})"
            ordinary += compiler.phrases(data.get(kind), ORDINARY_GAP, where, exact=kind == "work_words", kind=kind)
        data = read(folder / "answers.yml")
        for question, kinds in ANSWER_QUESTIONS.items():
            for kind in kinds:
                where = f"{folder / 'answers.yml'} ({question}: {kind})"
                # Answers are short: their words stand together ("im ok" must not be found in "im not ok").
                answers[kind] += compiler.phrases((data.get(question) or {}).get(kind), 0, where, kind=kind)
    if not risk:
        raise ValueError(f"no risk phrases for {language!r}: the safety net must never be empty")
    return SafetyWords(
        risk=PhraseBook(risk, compiler.irregular),
        ordinary=PhraseBook(ordinary, compiler.irregular),
        intent_signals=PhraseBook(signals, compiler.irregular),
        model_hints=PhraseBook(hints, compiler.irregular),
        answers={kind: PhraseBook(phrases, compiler.irregular) for kind, phrases in answers.items()},
    )
