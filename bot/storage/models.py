"""The tables Waypoint owns. Rasa's tracker store keeps its own `events` table beside them.

Times are naive UTC. Client text is personal data: every table holding it hangs off `clients.id` with
ON DELETE CASCADE, so deleting the client row deletes all of it.

History: a phase done again starts a new round (option set, decision, plan, review) and the
earlier ones stay with their dates; within a round that is still in progress, going back to
change an answer overwrites it, as a correction rather than a change of mind.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_client_id() -> str:
    return uuid.uuid4().hex


def _client_fk() -> Column:
    return Column(String(32), ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)


class Client(Base):
    """A person using the bot, known only by a pseudonymous id (also Rasa's sender_id)."""

    __tablename__ = "clients"

    id = Column(String(32), primary_key=True, default=new_client_id)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_active_at = Column(DateTime, nullable=False, default=utcnow)
    # Set by the bot when the client confirms "delete my data"; the gateway deletes everything
    # once that turn is over, so that Rasa's record of the turn itself goes too.
    deletion_requested_at = Column(DateTime, nullable=True)
    # The practitioner whose invite the client used; None until then (administrators see them).
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True, index=True)
    # When the bot's greeting was asked for: once, when the client first connects or writes.
    opened_at = Column(DateTime, nullable=True)

    channel_accounts = relationship("ChannelAccount", back_populates="client", passive_deletes=True)


PRACTITIONER = "practitioner"
ADMINISTRATOR = "admin"


class Practitioner(Base):
    """A person who logs into the portal; an administrator also sees every client and manages accounts."""

    __tablename__ = "practitioners"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(20), nullable=False, default=PRACTITIONER)  # practitioner | admin
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime, nullable=True)


class PortalSession(Base):
    """A practitioner's login on one browser; the encrypted cookie only names it, so logging out ends it here too."""

    __tablename__ = "portal_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)  # the cookie holds the token itself
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Invite(Base):
    """A single-use code that binds the client who uses it to a practitioner; only its hash is stored."""

    __tablename__ = "invites"

    id = Column(Integer, primary_key=True)
    code_hash = Column(String(64), nullable=False, unique=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="CASCADE"), nullable=False, index=True)
    # The practitioner's own note of whom they gave it to, so they recognise the client on the dashboard.
    label = Column(String(120), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)
    client_id = Column(String(32), ForeignKey("clients.id", ondelete="SET NULL"), nullable=True, index=True)
    # Withdrawn before anyone used it (handed to the wrong person, say): it then binds nobody.
    revoked_at = Column(DateTime, nullable=True)


class ClientLabel(Base):
    """A practitioner's own name for a client, set in the portal (an invite's label is the other source).

    `practitioner_id` None is the service's label, set by an administrator for a client who came
    without an invite. Like an invite's label it is about the client, so it goes with them (export,
    deletion).
    """

    __tablename__ = "client_labels"
    __table_args__ = (UniqueConstraint("client_id", "practitioner_id", name="uq_client_labels_client_id_practitioner_id"),)

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="CASCADE"), nullable=True, index=True)
    label = Column(String(120), nullable=False)
    set_at = Column(DateTime, nullable=False, default=utcnow)


class PractitionerChange(Base):
    """A client given another practitioner (or none) by an administrator; the client is told once.

    `told_at` stays empty until the bot has told the client who their practitioner is now (on their
    next turn, or pushed to an open chat or Telegram).
    """

    __tablename__ = "practitioner_changes"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    from_practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    to_practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    changed_by = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    changed_at = Column(DateTime, nullable=False, default=utcnow)
    told_at = Column(DateTime, nullable=True)


class ClientDeletion(Base):
    """All a practitioner keeps of a client who deleted their data (or was removed by retention): that it happened."""

    __tablename__ = "client_deletions"

    id = Column(Integer, primary_key=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="CASCADE"), nullable=True, index=True)
    label = Column(String(120), nullable=True)  # the practitioner's own label from the invite
    reason = Column(String(20), nullable=False)  # client_request | retention
    deleted_at = Column(DateTime, nullable=False, default=utcnow)


class Erasure(Base):
    """A client's erasure that is not finished yet: their rows are gone, Rasa's events or files may not be.

    Kept (with the client's pseudonymous id and the names of their files, nothing else) until every
    part is gone, and retried until then.
    """

    __tablename__ = "erasures"

    id = Column(Integer, primary_key=True)
    client_id = Column(String(32), nullable=False, index=True)  # not a foreign key: the client row is gone
    files = Column(JSON, nullable=True)  # names under MEDIA_DIR (decision-matrix pictures)
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)


class ChannelAccount(Base):
    """How a client reaches us on one channel; `external_id` is a hash for web tokens."""

    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_accounts_channel_external_id"),)

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    channel = Column(String(20), nullable=False)
    external_id = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Where the bot can write to the client on its own (a Telegram chat id), for replies that
    # come after Rasa was away and for check-ins; None for the web, which has no such address.
    address = Column(String(64), nullable=True)

    client = relationship("Client", back_populates="channel_accounts")


class LinkCode(Base):
    """A one-time code shown on one channel to continue the same process on another; only its hash is stored."""

    __tablename__ = "link_codes"

    id = Column(Integer, primary_key=True)
    code_hash = Column(String(64), nullable=False, unique=True)
    client_id = _client_fk()
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)


class ConsentRecord(Base):
    """One consent decision, with the version of the text the client saw."""

    __tablename__ = "consent_records"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    decision = Column(String(20), nullable=False)  # given | declined | withdrawn
    text_version = Column(String(20), nullable=False)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class Intake(Base):
    """The client's own description of their situation at the start; a new row per answer keeps history."""

    __tablename__ = "intakes"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    situation = Column(Text, nullable=True)
    # Occupations, fields of study and skills the spaCy pipeline found in the situation.
    mentions = Column(JSON, nullable=True)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class ReadinessRating(Base):
    """A 1-5 self-rating on one readiness item, at a point of the process (start, closing)."""

    __tablename__ = "readiness_ratings"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    item = Column(String(40), nullable=False)
    value = Column(Integer, nullable=False)
    moment = Column(String(20), nullable=False)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class Goal(Base):
    """One of the client's own goals for the guidance process. Revised goals are kept, not overwritten."""

    __tablename__ = "goals"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False, default="active")  # active | revised | achieved
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Reflection(Base):
    """One theme of the client's reflection, in their words, with the paraphrase they checked.

    A new row per answer keeps history; the newest row of a theme is the current one.
    """

    __tablename__ = "reflections"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    theme = Column(String(30), nullable=False)
    answer = Column(Text, nullable=True)  # None when the client skipped the theme
    example = Column(Text, nullable=True)  # for a strength: when they showed it
    paraphrase = Column(Text, nullable=True)
    confirmed = Column(Boolean, nullable=False, default=False)
    mentions = Column(JSON, nullable=True)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class Feedback(Base):
    """The client's feedback at the end of the process (readiness again is in readiness_ratings)."""

    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    usefulness = Column(Integer, nullable=True)  # 1-5; None when skipped
    felt_heard = Column(Integer, nullable=True)
    felt_in_charge = Column(Integer, nullable=True)
    what_helped = Column(Text, nullable=True)
    what_to_improve = Column(Text, nullable=True)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


ROUND_IN_PROGRESS = "in_progress"
ROUND_COMPLETE = "complete"
ROUND_REPLACED = "replaced"  # a plan made again; its steps are history


class OptionSet(Base):
    """One exploration of options; a later exploration makes a new set and keeps this one."""

    __tablename__ = "option_sets"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    status = Column(String(20), nullable=False, default=ROUND_IN_PROGRESS)  # in_progress | complete
    created_at = Column(DateTime, nullable=False, default=utcnow)
    completed_at = Column(DateTime, nullable=True)
    options = relationship("CareerOption", order_by="CareerOption.position", cascade="all, delete-orphan")


class CareerOption(Base):
    """An option the client is considering, with what attracts them and what they don't know yet."""

    __tablename__ = "options"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    option_set_id = Column(Integer, ForeignKey("option_sets.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    title = Column(Text, nullable=False)
    origin = Column(String(20), nullable=False)  # own | alternative (broadening) | suggested (someone who knows them)
    attracts = Column(Text, nullable=True)
    unknowns = Column(Text, nullable=True)
    sources = Column(JSON, nullable=True)  # the information sources shown for it
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Decision(Base):
    """One weighing of options against the client's criteria, ending in a choice or a postponement."""

    __tablename__ = "decisions"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    option_set_id = Column(Integer, ForeignKey("option_sets.id", ondelete="SET NULL"), nullable=True)
    status = Column(String(20), nullable=False, default=ROUND_IN_PROGRESS)  # in_progress | chosen | postponed
    chosen_option_id = Column(Integer, ForeignKey("options.id", ondelete="SET NULL"), nullable=True)
    gut_feeling = Column(Text, nullable=True)
    rationale = Column(Text, nullable=True)
    matrix_image = Column(String(80), nullable=True)  # file name under MEDIA_DIR, unguessable
    created_at = Column(DateTime, nullable=False, default=utcnow)
    decided_at = Column(DateTime, nullable=True)
    criteria = relationship("Criterion", order_by="Criterion.position", cascade="all, delete-orphan")
    ratings = relationship("OptionRating", cascade="all, delete-orphan")


class Criterion(Base):
    __tablename__ = "criteria"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    decision_id = Column(Integer, ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    weight = Column(Integer, nullable=True)  # 1-5; None when skipped


class OptionRating(Base):
    __tablename__ = "option_ratings"
    __table_args__ = (UniqueConstraint("criterion_id", "option_id", name="uq_option_ratings_criterion_id_option_id"),)

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    decision_id = Column(Integer, ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion_id = Column(Integer, ForeignKey("criteria.id", ondelete="CASCADE"), nullable=False)
    option_id = Column(Integer, ForeignKey("options.id", ondelete="CASCADE"), nullable=False)
    value = Column(Integer, nullable=True)  # 1-5; None when skipped


class ActionPlan(Base):
    __tablename__ = "action_plans"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    decision_id = Column(Integer, ForeignKey("decisions.id", ondelete="SET NULL"), nullable=True)
    status = Column(String(20), nullable=False, default=ROUND_IN_PROGRESS)  # in_progress | complete | replaced
    skills = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    completed_at = Column(DateTime, nullable=True)
    steps = relationship("ActionStep", order_by="ActionStep.position", cascade="all, delete-orphan")


STEP_OPEN = "open"
STEP_DONE = "done"
STEP_BLOCKED = "blocked"


class ActionStep(Base):
    __tablename__ = "action_steps"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    plan_id = Column(Integer, ForeignKey("action_plans.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    description = Column(Text, nullable=False)
    due_date = Column(Date, nullable=True)
    due_phrase = Column(Text, nullable=True)  # the client's own words for the date
    support = Column(Text, nullable=True)
    obstacle = Column(Text, nullable=True)
    if_then = Column(Text, nullable=True)
    status = Column(String(20), nullable=False, default=STEP_OPEN)  # open | done | blocked
    # When a check-in was last offered for it, so the scheduler offers each due step once.
    check_in_offered_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updates = relationship("StepUpdate", order_by="StepUpdate.id", cascade="all, delete-orphan", back_populates="step")


class Review(Base):
    """One check-in on the plan and the goals."""

    __tablename__ = "reviews"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    status = Column(String(20), nullable=False, default=ROUND_IN_PROGRESS)  # in_progress | complete
    goals_revised = Column(Boolean, nullable=True)  # None until asked, or when skipped
    step_ids = Column(JSON, nullable=True)  # the steps it covers, fixed when it starts
    created_at = Column(DateTime, nullable=False, default=utcnow)
    completed_at = Column(DateTime, nullable=True)


class StepUpdate(Base):
    """A step's status or date as changed in a review; the step row holds the current state."""

    __tablename__ = "step_updates"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    step_id = Column(Integer, ForeignKey("action_steps.id", ondelete="CASCADE"), nullable=False, index=True)
    review_id = Column(Integer, ForeignKey("reviews.id", ondelete="CASCADE"), nullable=True)
    status = Column(String(20), nullable=False)  # done | blocked | replanned
    previous_status = Column(String(20), nullable=True)  # the step's status before, to undo a changed mind
    note = Column(Text, nullable=True)  # what is in the way, when blocked
    due_date = Column(Date, nullable=True)  # the new date, when replanned
    recorded_at = Column(DateTime, nullable=False, default=utcnow)
    step = relationship("ActionStep", back_populates="updates")

    @property
    def step_description(self) -> str:
        return self.step.description


class SafetyFlag(Base):
    """A risk the client showed: urgent for their practitioner until handled. Holds no client text.

    `category` is what the risk was about (bot/guidance/safety_words.py CATEGORIES, or
    "unspecified"); `level` is clear or possible; `reason` is what raised it (see
    bot/storage/safety.py). All three are empty on flags raised before they were recorded.
    """

    __tablename__ = "safety_flags"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    raised_at = Column(DateTime, nullable=False, default=utcnow)
    handled_at = Column(DateTime, nullable=True)
    category = Column(String(32), nullable=True)
    level = Column(String(16), nullable=True)
    reason = Column(String(32), nullable=True)
    # Who marked it handled, and what they did: the safeguarding record stays with the client.
    handled_by = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    outcome = Column(Text, nullable=True)


HANDOFF_DRAFT = "draft"
HANDOFF_APPROVED = "approved"
HANDOFF_CANCELLED = "cancelled"  # emptied: nothing of a cancelled draft is kept


class Handoff(Base):
    """A summary for the practitioner. Only an approved one is visible to them, with only the items kept.

    While a draft, `items` holds every item offered and `removed` the keys the client took out; on
    approval the removed items are dropped from `items`, so they are stored nowhere.
    """

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True, index=True)
    status = Column(String(20), nullable=False, default=HANDOFF_DRAFT)  # draft | approved | cancelled
    items = Column(JSON, nullable=False)  # [{"key", "section", "text"}]
    removed = Column(JSON, nullable=True)  # keys taken out, while a draft
    message = Column(Text, nullable=True)  # what the client wants to tell or discuss
    share_transcript = Column(Boolean, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    approved_at = Column(DateTime, nullable=True)
    reviewed_at = Column(DateTime, nullable=True)
    reviewed_by = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    notified_at = Column(DateTime, nullable=True)  # e-mail sent, or nothing to send


class PractitionerNote(Base):
    """A practitioner's note on the client: not shown in the chat, but about the client, so it is in their
    data export and goes with them. Shown on the client's record and beside every handoff.

    `handoff_id` is the handoff it was written beside, if any (notes written before 2026-12 all were):
    context only, the note belongs to the client.
    """

    __tablename__ = "practitioner_notes"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True, index=True)
    author_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=True)  # set when its author edits it


class PhaseProgress(Base):
    """Where the client is in each phase of the process."""

    __tablename__ = "phase_progress"
    __table_args__ = (UniqueConstraint("client_id", "phase", name="uq_phase_progress_client_id_phase"),)

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    phase = Column(String(30), nullable=False)
    status = Column(String(20), nullable=False)  # in_progress | done
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class Message(Base):
    """Every message in and out, written before forwarding and after replying."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_status_direction", "status", "direction"),)

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    direction = Column(String(3), nullable=False)  # in | out
    channel = Column(String(20), nullable=False)
    text = Column(Text, nullable=True)
    payload = Column(Text, nullable=True)  # a button's payload, sent to Rasa instead of the text
    content = Column(JSON, nullable=True)  # buttons and images of an outbound message
    status = Column(String(10), nullable=False)  # pending | answered (in); sent | unsent | failed (out)
    reply_to_id = Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Set on a message a practitioner wrote to the client (bot/storage/contact.py); its content keeps
    # the name the client saw it under. None for everything the bot and the client said.
    author_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)


class SessionDate(Base):
    """The date of the client's next session with their practitioner, as the practitioner set it.

    A new row for every change keeps the history for the client's record; the newest row is the
    one that counts, and a row without a date means the practitioner removed it. The bot mentions
    the date when the client comes back, while it is not past (bot/guidance/contact.py).
    """

    __tablename__ = "session_dates"

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    session_on = Column(Date, nullable=True)
    set_by = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)
