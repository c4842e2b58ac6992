"""What is waiting for the practitioner about a client, and how urgent it is: plain rules, no database.

In order: an urgent safety flag (the oldest first: it has waited longest), a handoff to review (the
oldest first), plan steps the client said are blocked, steps whose date has come, and a client who
has not written for a while (unless they finished the process with the closing feedback). Clients
with nothing waiting come last, the most recently active first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.caseload import ClientFacts

URGENT, HANDOFF, BLOCKED, DUE, INACTIVE = "urgent", "handoff", "blocked", "due", "inactive"
KINDS = (URGENT, HANDOFF, BLOCKED, DUE, INACTIVE)
STEPS = "steps"  # the dashboard's filter for blocked or due steps


@dataclass(frozen=True)
class Waiting:
    kind: str
    text: str  # what the badge says, e.g. "2 steps due"
    link: str  # the waiting item in the portal


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def inactive_days(facts: ClientFacts, now: datetime) -> int:
    return max(0, (now - facts.last_active_at).days)


def waiting_items(facts: ClientFacts, now: datetime, inactive_after_days: int) -> list[Waiting]:
    """Everything waiting about the client, the most urgent first; each links to where it is dealt with."""
    record = f"/portal/clients/{facts.id}"
    items = []
    if facts.open_flags:
        first = facts.open_flags[0]
        text = "Urgent safety flag" if len(facts.open_flags) == 1 else f"{len(facts.open_flags)} urgent safety flags"
        items.append(Waiting(URGENT, text, f"/portal/flags/{first.id}"))
    if facts.waiting_handoffs:
        first = facts.waiting_handoffs[0]
        text = "Handoff to review" if len(facts.waiting_handoffs) == 1 else f"{len(facts.waiting_handoffs)} handoffs to review"
        items.append(Waiting(HANDOFF, text, f"/portal/handoffs/{first.id}"))
    if facts.steps.blocked:
        items.append(Waiting(BLOCKED, f"{_plural(facts.steps.blocked, 'step')} blocked", f"{record}#plan"))
    if facts.steps.due:
        items.append(Waiting(DUE, f"{_plural(facts.steps.due, 'step')} due", f"{record}#plan"))
    days = inactive_days(facts, now)
    if days >= inactive_after_days and not facts.progress.closed:
        items.append(Waiting(INACTIVE, f"No activity for {days} days", record))
    return items


def urgency(facts: ClientFacts, items: list[Waiting]) -> tuple:
    """A sort key: the most urgent kind first, then within it whoever has waited longest."""
    if not items:
        return (len(KINDS), -facts.last_active_at.timestamp())
    kind = items[0].kind
    if kind == URGENT:
        since = facts.open_flags[0].raised_at.timestamp()
    elif kind == HANDOFF:
        since = facts.waiting_handoffs[0].approved_at.timestamp()
    elif kind in (BLOCKED, DUE):
        since = -(facts.steps.blocked + facts.steps.due)  # more steps in trouble first
    else:
        since = facts.last_active_at.timestamp()  # the longest silence first
    return (KINDS.index(kind), since)


def matches(kind_filter: str, items: list[Waiting]) -> bool:
    """The dashboard's "show" filter: all, waiting (anything), nothing, a kind, or steps (blocked or due)."""
    kinds = {item.kind for item in items}
    if kind_filter == "waiting":
        return bool(kinds)
    if kind_filter == "nothing":
        return not kinds
    if kind_filter == STEPS:
        return bool(kinds & {BLOCKED, DUE})
    if kind_filter in KINDS:
        return kind_filter in kinds
    return True

