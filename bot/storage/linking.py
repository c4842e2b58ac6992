"""Link codes: continue the same process on a second channel with a code shown on the first.

A code is single-use, expires after a quarter of an hour and is stored only as a hash. Two
processes are never merged: an account that already holds a process of its own (consent given)
is refused, and only an empty one (a greeting at most) is given up for the linked client.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.models import ChannelAccount, Client, Invite, LinkCode, utcnow
from bot.storage.progress import CONSENT_GIVEN, latest_consent

LINK_CODE_LIFETIME = timedelta(minutes=15)
# Read aloud or typed by hand from one screen to another: no 0/O or 1/I to confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits: unguessable within its quarter of an hour
MAX_CODE_CHARS = 64

# What linking can come to; the channel words each kindly.
LINKED = "linked"
ALREADY_LINKED = "already_linked"
UNKNOWN = "unknown"
EXPIRED = "expired"
USED = "used"
HAS_OWN_PROCESS = "has_own_process"


@dataclass(frozen=True)
class NewLinkCode:
    code: str  # shown once to the client; only its hash is stored
    expires_at: datetime


@dataclass(frozen=True)
class LinkResult:
    outcome: str
    client_id: str | None = None  # the client the account leads to now
    abandoned_client_id: str | None = None  # an empty client the account left, for the caller to erase


def normalise_code(code: str) -> str:
    """Codes are typed by hand too: case, spaces and dashes do not matter."""
    return "".join(character for character in code.upper() if character not in " -_\t")


def hash_link_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("utf-8")).hexdigest()


def create_link_code(session: Session, client_id: str) -> NewLinkCode:
    now = utcnow()
    # Expired codes of this client are of no use to anyone; tidy them as new ones are made.
    session.execute(
        delete(LinkCode).where(LinkCode.client_id == client_id, LinkCode.expires_at < now),
        execution_options={"synchronize_session": False},
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    link = LinkCode(code_hash=hash_link_code(code), client_id=client_id, expires_at=now + LINK_CODE_LIFETIME)
    session.add(link)
    session.flush()
    return NewLinkCode(code=code, expires_at=link.expires_at)


def has_own_process(session: Session, client_id: str) -> bool:
    """True once the client agreed to start: from then on there is something of theirs to keep apart."""
    consent = latest_consent(session, client_id)
    return consent is not None and consent.decision == CONSENT_GIVEN


def link_account(session: Session, code: str, channel: str, external_id: str, address: str | None) -> LinkResult:
    """Make the account (channel, external_id) lead to the client who showed `code`."""
    if not code or len(code) > MAX_CODE_CHARS:
        return LinkResult(UNKNOWN)
    link = session.execute(select(LinkCode).where(LinkCode.code_hash == hash_link_code(code))).scalar_one_or_none()
    if link is None:
        return LinkResult(UNKNOWN)
    account = session.execute(
        select(ChannelAccount).where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
    ).scalar_one_or_none()
    if account is not None and account.client_id == link.client_id:
        link.used_at = link.used_at or utcnow()
        account.address = address or account.address
        return LinkResult(ALREADY_LINKED, link.client_id)
    if link.used_at is not None:
        return LinkResult(USED)
    if link.expires_at < utcnow():
        return LinkResult(EXPIRED)
    abandoned = None
    if account is None:
        session.add(ChannelAccount(client_id=link.client_id, channel=channel, external_id=external_id, address=address))
    else:
        if has_own_process(session, account.client_id):
            # The code stays usable, so that they can delete their data on this channel and try again.
            return LinkResult(HAS_OWN_PROCESS, account.client_id)
        left_behind = account.client_id
        account.client_id = link.client_id
        account.address = address
        session.flush()
        if _channel_account_count(session, left_behind) == 0:
            _carry_over_practitioner(session, left_behind, link.client_id)
            abandoned = left_behind
    link.used_at = utcnow()
    session.flush()
    return LinkResult(LINKED, link.client_id, abandoned)


def _channel_account_count(session: Session, client_id: str) -> int:
    return len(session.execute(select(ChannelAccount.id).where(ChannelAccount.client_id == client_id)).all())


def _carry_over_practitioner(session: Session, from_client_id: str, to_client_id: str) -> None:
    """An invitation used in the empty conversation still counts for the one the client continues."""
    source, target = session.get(Client, from_client_id), session.get(Client, to_client_id)
    if source is None or target is None or source.practitioner_id is None:
        return
    if target.practitioner_id is None:
        target.practitioner_id = source.practitioner_id
        session.execute(
            update(Invite).where(Invite.client_id == from_client_id).values(client_id=to_client_id),
            execution_options={"synchronize_session": False},
        )
    # Giving up an empty conversation is not a deletion the practitioner needs to hear about.
    source.practitioner_id = None
