"""Link codes: continue the same process on a second channel with a code shown on the first.

A code is single-use, expires after a quarter of an hour and is stored only as a hash. Two
processes are never merged: an account that already holds a process of its own (consent given)
is refused, and only an empty one (a greeting at most) is given up for the linked client. A client
has at most one Telegram account: the bot writes to the client's chat on its own (replies after an
outage, check-ins), and with two accounts it could not know which chat is the right one.

The channel asks before it links (`preview_link` says what the code would connect, without using
it): a code can come from someone else, and linking it shows them what is written here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.identity import TELEGRAM_CHANNEL
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
OTHER_ACCOUNT = "other_account"  # the client already has another account on this channel
READY = "ready"  # (preview only) the code would link: ask the client first

# Channels on which a client has one account at most.
SINGLE_ACCOUNT_CHANNELS = frozenset({TELEGRAM_CHANNEL})


@dataclass(frozen=True)
class NewLinkCode:
    code: str  # shown once to the client; only its hash is stored
    expires_at: datetime


@dataclass(frozen=True)
class LinkPreview:
    outcome: str  # READY, or the outcome linking would have now
    code: str = ""  # the code as normalised (READY only)
    started_at: datetime | None = None  # when the conversation it leads to began (READY only)


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


def preview_link(session: Session, code: str, channel: str, external_id: str) -> LinkPreview:
    """What linking the account (channel, external_id) with `code` would do now; changes nothing."""
    link = _find_code(session, code)
    if link is None:
        return LinkPreview(UNKNOWN)
    refusal = _refusal(session, link, _find_account(session, channel, external_id), channel, external_id)
    if refusal is not None:
        return LinkPreview(refusal)
    client = session.get(Client, link.client_id)
    return LinkPreview(READY, normalise_code(code), client.created_at if client is not None else link.created_at)


def link_account(session: Session, code: str, channel: str, external_id: str, address: str | None) -> LinkResult:
    """Make the account (channel, external_id) lead to the client who showed `code`."""
    link = _find_code(session, code)
    if link is None:
        return LinkResult(UNKNOWN)
    account = _find_account(session, channel, external_id)
    refusal = _refusal(session, link, account, channel, external_id)
    if refusal == ALREADY_LINKED:
        link.used_at = link.used_at or utcnow()
        account.address = address or account.address
        return LinkResult(ALREADY_LINKED, link.client_id)
    if refusal == HAS_OWN_PROCESS:
        # The code stays usable, so that they can delete their data on this channel and try again.
        return LinkResult(HAS_OWN_PROCESS, account.client_id)
    if refusal is not None:
        return LinkResult(refusal)
    # Claimed only if still unused, counting the rows changed: two redemptions at once cannot both win.
    claimed = session.execute(
        update(LinkCode)
        .where(LinkCode.id == link.id, LinkCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return LinkResult(USED)
    abandoned = None
    if account is None:
        session.add(ChannelAccount(client_id=link.client_id, channel=channel, external_id=external_id, address=address))
    else:
        left_behind = account.client_id
        account.client_id = link.client_id
        account.address = address
        session.flush()
        if _channel_account_count(session, left_behind) == 0:
            _carry_over_practitioner(session, left_behind, link.client_id)
            abandoned = left_behind
    session.flush()
    return LinkResult(LINKED, link.client_id, abandoned)


def _find_code(session: Session, code: str) -> LinkCode | None:
    if not code or len(code) > MAX_CODE_CHARS:
        return None
    return session.execute(select(LinkCode).where(LinkCode.code_hash == hash_link_code(code))).scalar_one_or_none()


def _find_account(session: Session, channel: str, external_id: str) -> ChannelAccount | None:
    return session.execute(
        select(ChannelAccount).where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
    ).scalar_one_or_none()


def _refusal(
    session: Session, link: LinkCode, account: ChannelAccount | None, channel: str, external_id: str
) -> str | None:
    """Why the account cannot be linked with this code now (ALREADY_LINKED included); None if it can."""
    if account is not None and account.client_id == link.client_id:
        return ALREADY_LINKED
    if link.used_at is not None:
        return USED
    if link.expires_at < utcnow():
        return EXPIRED
    if channel in SINGLE_ACCOUNT_CHANNELS and _has_other_account(session, link.client_id, channel, external_id):
        return OTHER_ACCOUNT
    if account is not None and has_own_process(session, account.client_id):
        return HAS_OWN_PROCESS
    return None


def _has_other_account(session: Session, client_id: str, channel: str, external_id: str) -> bool:
    return (
        session.execute(
            select(ChannelAccount.id).where(
                ChannelAccount.client_id == client_id,
                ChannelAccount.channel == channel,
                ChannelAccount.external_id != external_id,
            )
        ).first()
        is not None
    )


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
