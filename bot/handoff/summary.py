"""The handoff summary, built only from what is stored, so the same progress gives the same summary.

Each item is one thing the client can keep or take out before approving; `key` names it
across the draft so that "remove 3" stays correct while the list is shown again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.dates import describe_date
from bot.guidance.decision_matrix import text_table
from bot.guidance.reflection import THEMES
from bot.guidance.safety_labels import flag_description
from bot.guidance.wording import READINESS_LABELS, THEME_LABELS
from bot.storage.decisions import chosen_option, latest_decision, matrix_of
from bot.storage.feedback import readiness_at
from bot.storage.models import ROUND_COMPLETE, STEP_BLOCKED, STEP_DONE, SafetyFlag, utcnow
from bot.storage.options import latest_option_set
from bot.storage.plans import latest_plan
from bot.storage.progress import active_goals
from bot.storage.reflections import current_reflections

# Sections in the order the practitioner reads them.
SECTIONS = {
    "goals": "Goals",
    "readiness": "Readiness",
    "reflection": "Reflection",
    "options": "Options",
    "decision": "Decision",
    "plan": "Action plan",
    "safety": "Safety",
}
STEP_STATES = {STEP_DONE: "done", STEP_BLOCKED: "blocked"}


@dataclass(frozen=True)
class SummaryItem:
    key: str
    section: str
    text: str
    # Figures behind the text, so the portal can chart what the client approved without reading
    # prose: readiness {"start": {...}, "now": {...}}, a step {"status", "due"}, a goal {"goal_id"}.
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
    today = today or utcnow().date()
    items: list[SummaryItem] = []
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
            example = f" (for example: {row.example})" if row.example else ""
            items.append(SummaryItem(f"reflection:{theme}", "reflection", f"{THEME_LABELS[theme]}: {row.answer}{example}"))
    option_set = latest_option_set(session, client_id, ROUND_COMPLETE) or latest_option_set(session, client_id)
    for option in option_set.options if option_set else []:
        details = [f"attracts: {option.attracts}" if option.attracts else "", f"to find out: {option.unknowns}" if option.unknowns else ""]
        detail = "; ".join(d for d in details if d)
        items.append(SummaryItem(f"option:{option.id}", "options", option.title + (f" ({detail})" if detail else "")))
    items += _decision_items(session, client_id)
    plan = latest_plan(session, client_id, ROUND_COMPLETE) or latest_plan(session, client_id)
    for step in plan.steps if plan else []:
        due = f", by {describe_date(step.due_date, today)}" if step.due_date else ""
        state = STEP_STATES.get(step.status, "to do")
        extras = [f"help: {step.support}" if step.support else "", f"if-then: {step.if_then}" if step.if_then else ""]
        extra = "; ".join(e for e in extras if e)
        text = f"{step.description} ({state}{due})" + (f"; {extra}" if extra else "")
        figures = {"status": step.status, "due": step.due_date.isoformat() if step.due_date else None}
        items.append(SummaryItem(f"step:{step.id}", "plan", text, figures))
    if plan and plan.skills:
        items.append(SummaryItem(f"skills:{plan.id}", "plan", f"Skills to build: {plan.skills}"))
    flags = list(session.execute(select(SafetyFlag).where(SafetyFlag.client_id == client_id)).scalars())
    if flags:
        latest = max(flags, key=lambda flag: (flag.raised_at, flag.id))
        described = f"{latest.raised_at:%d %B %Y}: {flag_description(latest.category, latest.reason)}"
        text = f"A safety alert on {described}." if len(flags) == 1 else f"{len(flags)} safety alerts, the last on {described}."
        items.append(SummaryItem("safety", "safety", text))
    return items


def _readiness_item(start: Mapping[str, int], now: Mapping[str, int]) -> str | None:
    parts = []
    for item in dict.fromkeys([*start, *now]):
        label = READINESS_LABELS.get(item, item)
        if item in start and item in now:
            parts.append(f"{label}: {start[item]} at the start, {now[item]} now (of 5)")
        elif item in start:
            parts.append(f"{label}: {start[item]} of 5 at the start")
        else:
            parts.append(f"{label}: {now[item]} of 5 now")
    return "; ".join(parts).capitalize() if parts else None


def _decision_items(session: Session, client_id: str) -> list[SummaryItem]:
    decision = latest_decision(session, client_id)
    if decision is None:
        return []
    items = []
    matrix = matrix_of(session, decision)
    if matrix is not None:
        items.append(SummaryItem(f"matrix:{decision.id}", "decision", text_table(matrix)))
    if decision.decided_at is not None:
        chosen = chosen_option(session, decision)
        outcome = f"Chosen: {chosen.title}" if chosen else "Chose to wait with the decision for now"
        reasons = f". Reasons: {decision.rationale}" if decision.rationale else ""
        gut = f". Gut feeling: {decision.gut_feeling}" if decision.gut_feeling else ""
        items.append(SummaryItem(f"choice:{decision.id}", "decision", f"{outcome}{reasons}{gut}"))
    return items


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
