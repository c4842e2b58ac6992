"""Handoffs: a draft the client edits in the chat, then approved (visible to the practitioner) or cancelled."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.summary import SummaryItem, build_summary, without_removed
from bot.storage.access import Reader, handoff_criteria
from bot.storage.models import HANDOFF_APPROVED, HANDOFF_CANCELLED, HANDOFF_DRAFT, Client, Handoff, utcnow
from bot.storage.progress import ensure_client
from bot.storage.rounds import latest


def draft_of(session: Session, client_id: str) -> Handoff | None:
    return latest(session, Handoff, client_id, Handoff.status == HANDOFF_DRAFT)


def start_draft(session: Session, client_id: str) -> Handoff:
    """The client's draft, or a new one holding the summary of what is stored now."""
    draft = draft_of(session, client_id)
    if draft is None:
        ensure_client(session, client_id)
        draft = Handoff(client_id=client_id, items=[item.as_dict() for item in build_summary(session, client_id)])
        session.add(draft)
        session.flush()
    return draft


def offered_items(handoff: Handoff) -> list[SummaryItem]:
    return [SummaryItem.from_dict(item) for item in handoff.items]


def kept_items(handoff: Handoff) -> list[SummaryItem]:
    """What the client kept so far: an option taken out also leaves the decision matrix."""
    return without_removed(offered_items(handoff), handoff.removed or [])


def remove_items(handoff: Handoff, numbers: list[int]) -> list[SummaryItem]:
    """Take out the kept items with these numbers (as last shown, from 1); returns those taken out."""
    kept = kept_items(handoff)
    chosen = [kept[n - 1] for n in sorted(set(numbers)) if 1 <= n <= len(kept)]
    handoff.removed = [*(handoff.removed or []), *(item.key for item in chosen)]
    return chosen


def restore_items(handoff: Handoff) -> None:
    handoff.removed = None


def approve(session: Session, handoff: Handoff) -> None:
    """Visible to the practitioner from now on, holding only the items kept; removed ones are dropped."""
    handoff.items = [item.as_dict() for item in kept_items(handoff)]
    handoff.removed = None
    handoff.status = HANDOFF_APPROVED
    handoff.approved_at = utcnow()
    handoff.practitioner_id = session.get(Client, handoff.client_id).practitioner_id
    session.flush()


def cancel(session: Session, handoff: Handoff) -> None:
    """Nothing is sent, and nothing of the draft is kept but the fact that it was cancelled."""
    handoff.items = []
    handoff.removed = None
    handoff.message = None
    handoff.share_transcript = None
    handoff.status = HANDOFF_CANCELLED
    session.flush()


def discard_draft(session: Session, client_id: str) -> None:
    """A draft started afresh (not resumed) is rebuilt from what is stored now."""
    draft = draft_of(session, client_id)
    if draft is not None:
        session.delete(draft)
        session.flush()


def latest_handoff(session: Session, client_id: str) -> Handoff | None:
    return latest(session, Handoff, client_id)


def approved_handoffs(session: Session, client_id: str) -> list[Handoff]:
    return list(
        session.execute(
            select(Handoff)
            .where(Handoff.client_id == client_id, Handoff.status == HANDOFF_APPROVED)
            .order_by(Handoff.approved_at)
        ).scalars()
    )



def approved_for(session: Session, reader: Reader, client_id: str) -> list[Handoff]:
    """The client's approved handoffs the reader may read (a practitioner: those sent to them), oldest first."""
    return list(
        session.execute(
            select(Handoff).where(Handoff.client_id == client_id, *handoff_criteria(reader)).order_by(Handoff.approved_at, Handoff.id)
        ).scalars()
    )
