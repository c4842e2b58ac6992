"""The client's record: what is waiting, the timeline, the latest approved summary, goals, readiness and plan, notes.

Only what the client approved for their practitioner is shown (the consent text says so): nothing
the client said or answered is read from the progress tables here, only what they kept in a
handoff summary and approved for this practitioner. Process metadata (which parts are done and
when, last activity, counts of plan steps by status and date, safety flags with their kind and
handling) comes from the same facts as the dashboard's (bot/storage/caseload.py), so the two
pages say the same about the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from sqlalchemy.orm import Session

from bot.guidance.contact import upcoming_session
from bot.guidance.progress import PartState, Progress
from bot.guidance.safety_labels import flag_description
from bot.handoff.summary import SummaryItem
from bot.portal.auth import Viewer
from bot.portal.charts import STATUS_COLOURS, BarChart, grouped_bar_chart
from bot.portal.handoff_view import HandoffView, NoteView, handoff_view, note_views
from bot.portal.readiness import ReadinessRow, readiness_chart, readiness_label, readiness_rows
from bot.portal.waiting import Waiting, waiting_items
from bot.storage.access import UNLABELLED_PREFIX, client_label, visible_client
from bot.storage.caseload import StepCounts, client_facts
from bot.storage.contact import next_session
from bot.storage.handoffs import approved_for
from bot.storage.models import STEP_BLOCKED, STEP_DONE, STEP_OPEN, Handoff, utcnow
from bot.storage.people import FORMER_COLLEAGUE, active_practitioners, display_names
from bot.storage.safety import flags_of
from bot.storage.timeline import TimelineEntry, timeline

STEP_LABELS = {STEP_DONE: "done", STEP_OPEN: "to do", STEP_BLOCKED: "blocked"}
CHARTED_SUMMARIES = 6  # the steps chart shows the newest summaries only, so it stays readable


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
class FlagView:
    """A safety flag and its handling: the safeguarding record."""

    id: int
    raised_at: datetime
    about: str
    handled_at: datetime | None
    handled_by: str | None
    outcome: str | None


@dataclass(frozen=True)
class ReadinessCell:
    figure: float | None
    measured: bool  # the client was asked at this moment (their part is done), whether or not they sent the figure


@dataclass(frozen=True)
class Assignment:
    """What administrators manage on the record: the practitioner, and the service's label."""

    practitioner_id: int | None
    choices: list[tuple[int, str]]  # active accounts that can take the client


@dataclass(frozen=True)
class ClientView:
    id: str
    label: str
    practitioner: str | None  # the client's practitioner's name; None when they have none
    created_at: datetime
    last_active_at: datetime
    next_session: date | None  # set by the practitioner on the contact page; None when none is set or it has passed
    progress: Progress
    steps_now: StepCounts  # the current plan's steps by status and date, as on the dashboard
    waiting: list[Waiting]
    timeline: list[TimelineEntry]
    flags: list[FlagView]
    notes: list[NoteView]
    summary: HandoffView | None  # the newest approved summary sent to the viewer
    handoffs: list[HandoffLink]  # approved and the viewer's, oldest first
    goals: list[GoalsApproved]
    readiness_items: list[tuple[str, str]]  # the readiness columns: item, label
    readiness_history: list[ReadinessApproved]
    readiness: list[ReadinessRow]  # from the newest summary with readiness figures
    readiness_from: HandoffLink | None
    plans: list[PlanApproved]
    readiness_chart: BarChart | None
    steps_chart: BarChart | None
    assignment: Assignment | None  # for administrators only

    @property
    def plan(self) -> PlanApproved | None:
        return self.plans[-1] if self.plans else None

    @property
    def step_columns(self) -> list[tuple[str, str]]:
        return list(STEP_LABELS.items())

    @property
    def own_label(self) -> str:
        """The label as someone set it; empty while the client is shown by a short id."""
        return "" if self.label == UNLABELLED_PREFIX + self.id[:6] else self.label

    @property
    def parts(self) -> list[PartState]:
        return self.progress.parts

    @property
    def open_flags(self) -> list[FlagView]:
        return [flag for flag in self.flags if flag.handled_at is None]

    def at_start(self, row: ReadinessRow) -> ReadinessCell:
        return ReadinessCell(row.start, self.progress.start_done_at is not None or row.start is not None)

    def at_close(self, row: ReadinessRow) -> ReadinessCell:
        return ReadinessCell(row.closing, self.progress.closed or row.closing is not None)


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
        [f"Summary of {plan.handoff.approved_at:%d %b %Y}" for plan in charted],
        {label: [plan.count(status) for plan in charted] for status, label in STEP_LABELS.items()},
        maximum=max(1, *(len(plan.steps) for plan in charted)),
        colours={label: STATUS_COLOURS[status] for status, label in STEP_LABELS.items()},
    )


def flag_views(flags, names: dict[int, str]) -> list[FlagView]:
    return [
        FlagView(
            flag.id,
            flag.raised_at,
            flag_description(flag.category, flag.reason),
            flag.handled_at,
            names.get(flag.handled_by, FORMER_COLLEAGUE) if flag.handled_at else None,
            flag.outcome,
        )
        for flag in flags
    ]


def client_view(db: Session, viewer: Viewer, client_id: str, today: date, inactive_after_days: int) -> ClientView | None:
    client = visible_client(db, viewer, client_id)
    facts = client_facts(db, viewer, client_id, today) if client is not None else None
    if client is None or facts is None:
        return None
    handoffs = approved_for(db, viewer, client.id)
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
    names = display_names(db)
    assignment = None
    if viewer.is_admin:
        assignment = Assignment(client.practitioner_id, [(p.id, p.display_name) for p in active_practitioners(db)])
    return ClientView(
        id=client.id,
        label=client_label(db, viewer, client.id),
        practitioner=names.get(client.practitioner_id) if client.practitioner_id else None,
        created_at=client.created_at,
        last_active_at=client.last_active_at,
        next_session=upcoming_session(next_session(db, client.id), today),
        progress=facts.progress,
        steps_now=facts.steps,
        waiting=waiting_items(facts, utcnow(), inactive_after_days),
        timeline=timeline(db, viewer, client.id),
        flags=flag_views(flags_of(db, client.id), names),
        notes=note_views(db, viewer, client.id, names),
        summary=handoff_view(db, viewer, handoffs[-1].id, printable=True) if handoffs else None,
        handoffs=[link for link, _ in approved],
        goals=goal_history(approved),
        readiness_items=items,
        readiness_history=readiness,
        readiness=latest_rows,
        readiness_from=latest.handoff if latest else None,
        plans=plans,
        readiness_chart=readiness_chart(
            "Readiness as last approved",
            "Each readiness item from 1 to 5, at the start and at the close, as the client approved it in their newest summary with readiness.",
            latest_rows,
            "At the close",
        ),
        steps_chart=steps_chart(plans),
        assignment=assignment,
    )
