"""The handoff summary, built only from what is stored, so the same progress gives the same summary.

Each item is one thing the client can keep or take out before approving; `key` names it
across the draft so that "remove 3" stays correct while the list is shown again.

The summary is written for the practitioner, who reads it later: neutral labels ("Interests: ..."),
never addressed to the client ("Your interests"); the client's own words as they wrote them; dates
with the year and never relative ("today" is wrong by the time it is read); one full stop at the
end of a sentence, whatever the client's words ended with. The client reads the same items in the
chat before they approve them, so what they approve is what the practitioner sees.

What the client takes out is gone everywhere: an option taken out also leaves the decision matrix
(its row, its score and who scored highest), and the matrix's picture, which still shows it, goes
with it (`without_removed`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.dates import full_date
from bot.guidance.decision_matrix import NEUTRAL_INTRO, DecisionMatrix, text_table
from bot.guidance.reflection import THEMES
from bot.guidance.safety_labels import flag_description
from bot.guidance.second_person import without_correction_lead
from bot.storage.decisions import chosen_option, latest_decision, options_of
from bot.storage.feedback import readiness_at
from bot.storage.models import ROUND_COMPLETE, STEP_BLOCKED, STEP_DONE, Decision, Intake, SafetyFlag
from bot.storage.options import latest_option_set
from bot.storage.plans import latest_plan
from bot.storage.progress import active_goals
from bot.storage.reflections import current_reflections

# Sections in the order the practitioner reads them.
SECTIONS = {
    "situation": "Situation, in the client's words",
    "goals": "Goals",
    "readiness": "Readiness",
    "reflection": "Reflection",
    "options": "Options",
    "decision": "Decision",
    "plan": "Action plan",
    "safety": "Safety",
}
STEP_STATES = {STEP_DONE: "done", STEP_BLOCKED: "blocked"}
# Labels for the practitioner: what the theme is, not "your ..." (bot/guidance/wording.py has the chat's).
THEME_HEADINGS = {
    "values": "Values",
    "interests": "Interests",
    "strengths": "Strengths",
    "experiences": "A meaningful experience",
    "circumstances": "Circumstances",
}
READINESS_HEADINGS = {"clarity": "clarity about what they want", "confidence": "confidence about next steps"}
MATRIX_PREFIX = "matrix:"
OPTION_PREFIX = "option:"

_END_OF_SENTENCE = re.compile(r"[.!?…]['\"”’)]*$")


def clause(text: str) -> str:
    """The client's words inside a longer line: spaces tidied, a trailing full stop, comma or semicolon dropped."""
    return " ".join(text.split()).rstrip(" .,;:")


def sentence(text: str) -> str:
    """Words ending as a sentence: exactly one full stop, unless they end with ! ? or … already."""
    tidy = " ".join(text.split()).rstrip(" ,;:")
    tidy = re.sub(r"\.{2,}$", ".", tidy) if not tidy.endswith("...") else tidy
    return tidy if _END_OF_SENTENCE.search(tidy) else f"{tidy}."


@dataclass(frozen=True)
class SummaryItem:
    key: str
    section: str
    text: str
    # Figures behind the text, so the portal can chart what the client approved without reading
    # prose: readiness {"start": {...}, "now": {...}}, a step {"status", "due"}, a goal {"goal_id"},
    # the decision matrix {"criteria": [{"name", "weight"}], "options": [{"key", "title", "ratings"}],
    # "picture": "/media/<name>.png" or absent}.
    data: Mapping[str, Any] | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        stored = asdict(self)
        if self.data is None:
            del stored["data"]
        return stored

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> "SummaryItem":
        return cls(key=stored["key"], section=stored["section"], text=stored["text"], data=stored.get("data"))


def build_summary(session: Session, client_id: str, today: date | None = None) -> list[SummaryItem]:
    """Every item the client may send, in SECTIONS order. `today` is kept for callers; dates carry the year."""
    items: list[SummaryItem] = []
    intake = session.execute(
        select(Intake)
        .where(Intake.client_id == client_id, Intake.situation.is_not(None))
        .order_by(Intake.recorded_at.desc(), Intake.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if intake is not None and intake.situation.strip():
        items.append(SummaryItem(f"situation:{intake.id}", "situation", intake.situation.strip()))
    for goal in active_goals(session, client_id):
        items.append(SummaryItem(f"goal:{goal.id}", "goals", goal.text, {"goal_id": goal.id}))
    start, now = readiness_at(session, client_id, "start"), readiness_at(session, client_id, "closing")
    readiness = _readiness_item(start, now)
    if readiness:
        items.append(SummaryItem("readiness", "readiness", readiness, {"start": start, "now": now}))
    reflections = current_reflections(session, client_id)
    for theme in THEMES:
        row = reflections.get(theme)
        if row is not None and row.answer:
            example = f"; for example: {clause(row.example)}" if row.example else ""
            items.append(SummaryItem(f"reflection:{theme}", "reflection", sentence(f"{THEME_HEADINGS[theme]}: {clause(without_correction_lead(row.answer))}{example}")))
    option_set = latest_option_set(session, client_id, ROUND_COMPLETE) or latest_option_set(session, client_id)
    for option in option_set.options if option_set else []:
        details = [f"what attracts: {clause(option.attracts)}" if option.attracts else "", f"still to find out: {clause(option.unknowns)}" if option.unknowns else ""]
        detail = "; ".join(d for d in details if d)
        items.append(SummaryItem(f"{OPTION_PREFIX}{option.id}", "options", clause(option.title) + (f" ({detail})" if detail else "")))
    items += _decision_items(session, client_id)
    plan = latest_plan(session, client_id, ROUND_COMPLETE) or latest_plan(session, client_id)
    for step in plan.steps if plan else []:
        state = STEP_STATES.get(step.status, "to do")
        due = f", by {full_date(step.due_date)}" if step.due_date else ""
        extras = [f"help: {clause(step.support)}" if step.support else "", _if_then(step.obstacle, step.if_then)]
        extra = "; ".join(e for e in extras if e)
        text = f"{clause(step.description)} ({state}{due})" + (f"; {extra}" if extra else "")
        figures = {"status": step.status, "due": step.due_date.isoformat() if step.due_date else None}
        items.append(SummaryItem(f"step:{step.id}", "plan", sentence(text), figures))
    if plan and plan.skills:
        items.append(SummaryItem(f"skills:{plan.id}", "plan", sentence(f"Skills to build: {clause(plan.skills)}")))
    flags = list(session.execute(select(SafetyFlag).where(SafetyFlag.client_id == client_id)).scalars())
    if flags:
        latest = max(flags, key=lambda flag: (flag.raised_at, flag.id))
        described = f"{full_date(latest.raised_at.date())}: {flag_description(latest.category, latest.reason)}"
        text = f"A safety alert on {described}." if len(flags) == 1 else f"{len(flags)} safety alerts, the last on {described}."
        items.append(SummaryItem("safety", "safety", text))
    return items


def _if_then(obstacle: str | None, plan: str | None) -> str:
    """The obstacle with the client's plan for it: "if-then: if I'm tired, then I'll go on Saturday"."""
    if obstacle and plan:
        return f"if-then: if {clause(obstacle)}, then {clause(plan)}"
    if obstacle:
        return f"what might get in the way: {clause(obstacle)}"
    return f"if-then: {clause(plan)}" if plan else ""


def _readiness_item(start: Mapping[str, int], now: Mapping[str, int]) -> str | None:
    parts = []
    for item in dict.fromkeys([*start, *now]):
        label = READINESS_HEADINGS.get(item, item.replace("_", " "))
        if item in start and item in now:
            parts.append(f"{label}: {start[item]} at the start, {now[item]} now (of 5)")
        elif item in start:
            parts.append(f"{label}: {start[item]} of 5 at the start")
        else:
            parts.append(f"{label}: {now[item]} of 5 now")
    if not parts:
        return None
    joined = "; ".join(parts)
    return sentence(joined[0].upper() + joined[1:])


def _decision_items(session: Session, client_id: str) -> list[SummaryItem]:
    decision = latest_decision(session, client_id)
    if decision is None:
        return []
    items = []
    matrix_data = _matrix_data(session, decision)
    if matrix_data is not None:
        matrix = matrix_from_data(matrix_data)
        if matrix is not None:
            items.append(SummaryItem(f"{MATRIX_PREFIX}{decision.id}", "decision", matrix_text(matrix), matrix_data))
    if decision.decided_at is not None:
        chosen = chosen_option(session, decision)
        parts = [f"Chosen: {clause(chosen.title)}" if chosen else "Decision postponed for now"]
        if decision.rationale:
            parts.append(f"Reasons: {clause(decision.rationale)}")
        if decision.gut_feeling:
            parts.append(f"Gut feeling: {clause(decision.gut_feeling)}")
        items.append(SummaryItem(f"choice:{decision.id}", "decision", " ".join(sentence(part) for part in parts)))
    return items


def _matrix_data(session: Session, decision: Decision) -> dict[str, Any] | None:
    """The matrix as figures, each row keyed by its option's summary key, so that taking the option out
    takes its row out too."""
    options = options_of(session, decision)
    if not options or not decision.criteria:
        return None
    ratings = {(r.option_id, r.criterion_id): r.value for r in decision.ratings}
    data: dict[str, Any] = {
        "criteria": [{"name": criterion.name, "weight": criterion.weight} for criterion in decision.criteria],
        "options": [
            {
                "key": f"{OPTION_PREFIX}{option.id}",
                "title": option.title,
                "ratings": [ratings.get((option.id, criterion.id)) for criterion in decision.criteria],
            }
            for option in options
        ],
    }
    if decision.matrix_image:
        data["picture"] = f"/media/{decision.matrix_image}"
    return data


def matrix_from_data(data: Mapping[str, Any] | None) -> DecisionMatrix | None:
    """The matrix behind a summary item's figures; None when they are missing or not as expected."""
    if not isinstance(data, Mapping):
        return None
    criteria, options = data.get("criteria"), data.get("options")
    if not isinstance(criteria, list) or not isinstance(options, list) or not criteria or not options:
        return None
    try:
        return DecisionMatrix(
            options=tuple(str(option["title"]) for option in options),
            criteria=tuple(str(criterion["name"]) for criterion in criteria),
            weights=tuple(criterion.get("weight") for criterion in criteria),
            ratings=tuple(tuple(option["ratings"]) for option in options),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def matrix_text(matrix: DecisionMatrix) -> str:
    return text_table(matrix, intro=NEUTRAL_INTRO)


def without_removed(items: Sequence[SummaryItem], removed: Iterable[str]) -> list[SummaryItem]:
    """The items the client kept: those taken out are dropped, and so are the matrix rows of options
    taken out, with the matrix's picture (it still shows them). A matrix left without rows goes."""
    gone = set(removed)
    kept = []
    for item in items:
        if item.key in gone:
            continue
        if item.key.startswith(MATRIX_PREFIX) and isinstance(item.data, Mapping):
            rows = item.data.get("options")
            if isinstance(rows, list) and any(isinstance(row, Mapping) and row.get("key") in gone for row in rows):
                left = [row for row in rows if not (isinstance(row, Mapping) and row.get("key") in gone)]
                data = {key: value for key, value in item.data.items() if key != "picture"}
                data["options"] = left
                matrix = matrix_from_data(data)
                if matrix is None:
                    continue
                item = SummaryItem(item.key, item.section, matrix_text(matrix), data)
        kept.append(item)
    return kept


def summary_text(items: Sequence[SummaryItem], message: str | None = None, numbered: bool = True) -> str:
    """The summary as the chat shows it: grouped by section, each item numbered for "remove 3"."""
    if not items and not message:
        return "There is nothing stored yet that I could summarise."
    lines = []
    for section, section_items in grouped(enumerate(items, start=1), key=lambda pair: pair[1].section):
        lines.append(f"{SECTIONS[section]}:")
        for number, item in section_items:
            lines.append(f"{number}. {item.text}" if numbered else f"• {item.text}")
    if message:
        lines.append(f"Your message: {message}")
    return "\n".join(lines)


def grouped(pairs: Iterable, key) -> list[tuple[str, list]]:
    """Items grouped by section in SECTIONS order (for the chat and the portal)."""
    groups: dict[str, list] = {section: [] for section in SECTIONS}
    for pair in pairs:
        groups[key(pair)].append(pair)
    return [(section, members) for section, members in groups.items() if members]
