"""The tables Waypoint owns. Rasa's tracker store keeps its own `events` table beside them.

Times are naive UTC. Client text is personal data: it lives only in `messages`,
`intakes` and `goals`, all of which hang off `clients.id` with ON DELETE CASCADE.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
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

    channel_accounts = relationship("ChannelAccount", back_populates="client", cascade="all, delete-orphan")


class ChannelAccount(Base):
    """How a client reaches us on one channel; `external_id` is a hash for web tokens."""

    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_accounts_channel_external_id"),)

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    channel = Column(String(20), nullable=False)
    external_id = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    client = relationship("Client", back_populates="channel_accounts")


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
    status = Column(String(10), nullable=False)  # pending | answered (in); sent (out)
    reply_to_id = Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
