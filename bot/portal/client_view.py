"""One client's progress over time, as the client approved it: goals, readiness and plan from each approved handoff.

Nothing the client said or answered is read from the progress tables here: only what they kept in
a handoff summary and approved for this practitioner. The process metadata (which parts are done,
last activity, urgent flags as a count) comes from the database, as on the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.summary import SummaryItem
from bot.portal.access import client_label, handoff_criteria, visible_client
from bot.portal.auth import Viewer
from bot.portal.charts import BarChart, grouped_bar_chart
from bot.portal.dashboard import PHASE_LABELS
from bot.portal.readiness import ReadinessRow, readiness_chart, readiness_label, readiness_rows
from bot.storage.models import STEP_BLOCKED, STEP_DONE, STEP_OPEN, Handoff, PhaseProgress, SafetyFlag
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS

STEP_LABELS = {STEP_DONE: "done", STEP_OPEN: "to do", STEP_BLOCKED: "blocked"}
PHASE_STATUS_LABELS = {PHASE_DONE: "done", PHASE_IN_PROGRESS: "in progress"}
CHARTED_SUMMARIES = 6  # the steps chart shows the newest summaries only, so it stays readable


@dataclass(frozen=True)
class PhaseRow:
    label: str
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class HandoffLink:
    id: int
    approved_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class GoalsApproved:
    """The goals as the client approved them in one handoff, compared with the handoff before."""

    handoff: HandoffLink
    goals: list[tuple[str, bool]]  # the goal's text, and whether it is new since the previous summary with goals
    not_listed: list[str]  # goals of the previous summary not in this one


@dataclass(frozen=True)
class ReadinessApproved:
    handoff: HandoffLink
    figures: dict[str, tuple[float | None, float | None]]  # item → (at the start, now); empty for an older summary
    text: str  # the wording the client approved, shown when there are no figures


@dataclass(frozen=True)
class StepRow:
    text: str
    status: str | None  # None when an older summary carries only the text
    due: date | None

    @property
    def status_label(self) -> str:
        return STEP_LABELS.get(self.status, "as written") if self.status else "as written"


@dataclass(frozen=True)
class PlanApproved:
    handoff: HandoffLink
    steps: list[StepRow]
    other: list[str]  # plan items that are not steps (skills to build)

    def count(self, status: str) -> int:
        return sum(1 for step in self.steps if step.status == status)

    @property
    def without_status(self) -> int:
        return sum(1 for step in self.steps if step.status is None)


@dataclass(frozen=True)
class ClientView:
    id: str
    label: str
    created_at: datetime
    last_active_at: datetime
    phases: list[PhaseRow]
    urgent_flags: int
    handoffs: list[HandoffLink]  # approved and the viewer's, oldest first
    goals: list[GoalsApproved]
    readiness_items: list[tuple[str, str]]  # the readiness columns: item, label
    readiness_history: list[ReadinessApproved]
    readiness: list[ReadinessRow]  # from the newest summary with readiness figures
    readiness_from: HandoffLink | None
    plans: list[PlanApproved]
    readiness_chart: BarChart | None
    steps_chart: BarChart | None

    @property
    def plan(self) -> PlanApproved | None:
        return self.plans[-1] if self.plans else None

    @property
    def step_columns(self) -> list[tuple[str, str]]:
        return list(STEP_LABELS.items())


def _items(handoff: Handoff) -> list[SummaryItem]:
    """The approved items; an item stored in an unexpected shape is left out rather than breaking the page."""
    items = []
    for stored in handoff.items or []:
        if isinstance(stored, Mapping) and all(isinstance(stored.get(k), str) for k in ("key", "section", "text")):
            data = stored.get("data")  # older handoffs carry no figures: their text is still shown
            items.append(SummaryItem(stored["key"], stored["section"], stored["text"], data if isinstance(data, Mapping) else None))
    return items


def _figure(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _figures(data: Mapping[str, Any] | None) -> dict[str, tuple[float | None, float | None]]:
    if data is None:
        return {}
    start = data.get("start") if isinstance(data.get("start"), Mapping) else {}
    now = data.get("now") if isinstance(data.get("now"), Mapping) else {}
    return {item: (_figure(start.get(item)), _figure(now.get(item))) for item in dict.fromkeys([*start, *now])}


def _due(data: Mapping[str, Any] | None) -> date | None:
    try:
        return date.fromisoformat(data["due"]) if data and isinstance(data.get("due"), str) else None
    except ValueError:
        return None


def _step(item: SummaryItem) -> StepRow:
    status = item.data.get("status") if item.data else None
    return StepRow(item.text, status if status in STEP_LABELS else None, _due(item.data))


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def goal_history(approved: list[tuple[HandoffLink, list[SummaryItem]]]) -> list[GoalsApproved]:
    history: list[GoalsApproved] = []
    previous: list[str] | None = None
    for link, items in approved:
        texts = [item.text for item in items if item.section == "goals"]
        if not texts:
            continue
        before = {_same(text) for text in previous or []}
        now = {_same(text) for text in texts}
        history.append(
            GoalsApproved(
                link,
                [(text, previous is not None and _same(text) not in before) for text in texts],
                [text for text in previous or [] if _same(text) not in now],
            )
        )
        previous = texts
    return history


def readiness_history(approved: list[tuple[HandoffLink, list[SummaryItem]]]) -> list[ReadinessApproved]:
    history = []
    for link, items in approved:
        for item in items:
            if item.section == "readiness":
                history.append(ReadinessApproved(link, _figures(item.data), item.text))
    return history


def plan_history(approved: list[tuple[HandoffLink, list[SummaryItem]]]) -> list[PlanApproved]:
    history = []
    for link, items in approved:
        plan = [item for item in items if item.section == "plan"]
        if plan:
            steps = [_step(item) for item in plan if item.key.startswith("step:")]
            other = [item.text for item in plan if not item.key.startswith("step:")]
            history.append(PlanApproved(link, steps, other))
    return history


def steps_chart(plans: list[PlanApproved]) -> BarChart | None:
    charted = [plan for plan in plans if any(step.status for step in plan.steps)][-CHARTED_SUMMARIES:]
    if not charted:
        return None
    return grouped_bar_chart(
        "Plan steps in each approved summary",
        "For each summary the client approved (newest last), how many steps of their plan were done, still to do, or blocked.",
        [f"Summary of {plan.handoff.approved_at:%d %b %Y, %H:%M}" for plan in charted],
        {label: [plan.count(status) for plan in charted] for status, label in STEP_LABELS.items()},
        maximum=max(1, *(len(plan.steps) for plan in charted)),
    )


def client_view(db: Session, viewer: Viewer, client_id: str) -> ClientView | None:
    client = visible_client(db, viewer, client_id)
    if client is None:
        return None
    handoffs = db.execute(
        select(Handoff).where(Handoff.client_id == client.id, *handoff_criteria(viewer)).order_by(Handoff.approved_at, Handoff.id)
    ).scalars()
    approved = [(HandoffLink(h.id, h.approved_at, h.reviewed_at), _items(h)) for h in handoffs]
    readiness = readiness_history(approved)
    with_figures = [entry for entry in readiness if entry.figures]
    latest = with_figures[-1] if with_figures else None
    latest_rows = (
        readiness_rows(
            {item: start for item, (start, _) in latest.figures.items() if start is not None},
            {item: now for item, (_, now) in latest.figures.items() if now is not None},
        )
        if latest
        else []
    )
    items = [(item, readiness_label(item)) for item in dict.fromkeys(item for entry in with_figures for item in entry.figures)]
    plans = plan_history(approved)
    phases = db.execute(select(PhaseProgress).where(PhaseProgress.client_id == client.id).order_by(PhaseProgress.updated_at)).scalars()
    flags = db.execute(select(SafetyFlag.id).where(SafetyFlag.client_id == client.id, SafetyFlag.handled_at.is_(None))).scalars()
    return ClientView(
        id=client.id,
        label=client_label(db, viewer, client.id),
        created_at=client.created_at,
        last_active_at=client.last_active_at,
        phases=[
            PhaseRow(PHASE_LABELS.get(p.phase, p.phase.replace("_", " ").capitalize()), PHASE_STATUS_LABELS.get(p.status, p.status), p.updated_at)
            for p in phases
        ],
        urgent_flags=len(list(flags)),
        handoffs=[link for link, _ in approved],
        goals=goal_history(approved),
        readiness_items=items,
        readiness_history=readiness,
        readiness=latest_rows,
        readiness_from=latest.handoff if latest else None,
        plans=plans,
        readiness_chart=readiness_chart(
            "Readiness as last approved",
            "Each readiness item from 1 to 5, at the start and now, as the client approved it in their newest summary with readiness.",
            latest_rows,
            "Now",
        ),
        steps_chart=steps_chart(plans),
    )

