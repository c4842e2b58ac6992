"""Clients and the channel accounts that lead to them."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import ChannelAccount, Client, utcnow

WEB_CHANNEL = "web"
TELEGRAM_CHANNEL = "telegram"


def hash_token(token: str) -> str:
    """Web client tokens are stored only as hashes, so a database leak does not reveal them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_web_token() -> str:
    return secrets.token_urlsafe(32)


def create_web_client(session: Session) -> tuple[Client, str]:
    """A new client with a web channel account; returns the client and its secret token."""
    token = new_web_token()
    client = Client()
    client.channel_accounts.append(ChannelAccount(channel=WEB_CHANNEL, external_id=hash_token(token)))
    session.add(client)
    session.flush()
    return client, token


def find_client_by_channel(session: Session, channel: str, external_id: str) -> Client | None:
    return session.execute(
        select(Client)
        .join(ChannelAccount)
        .where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
    ).scalar_one_or_none()


def find_web_client(session: Session, token: str) -> Client | None:
    return find_client_by_channel(session, WEB_CHANNEL, hash_token(token))


def forget_web_token(session: Session, token: str) -> None:
    """The web account of this token goes, so the token stops working; the client and their other accounts stay."""
    session.execute(
        delete(ChannelAccount).where(ChannelAccount.channel == WEB_CHANNEL, ChannelAccount.external_id == hash_token(token))
    )


def telegram_external_id(telegram_user_id: int) -> str:
    """A Telegram user as stored: a hash of their user id, a stable key to find their account by.

    This hides nothing. In a private chat the chat id kept in `address` (which the bot needs to
    write to them) is the same number as the user id, and Telegram ids are short enough to hash
    every one of them anyway. Treat the account table as holding Telegram user ids.
    """
    return hash_token(f"telegram:{telegram_user_id}")


def find_telegram_account(session: Session, telegram_user_id: int) -> ChannelAccount | None:
    return session.execute(
        select(ChannelAccount).where(
            ChannelAccount.channel == TELEGRAM_CHANNEL,
            ChannelAccount.external_id == telegram_external_id(telegram_user_id),
        )
    ).scalar_one_or_none()


def create_telegram_client(session: Session, telegram_user_id: int, chat_id: int) -> Client:
    """A new client reached through a Telegram private chat; they wrote first, so the greeting follows at once."""
    client = Client(opened_at=utcnow())
    client.channel_accounts.append(
        ChannelAccount(channel=TELEGRAM_CHANNEL, external_id=telegram_external_id(telegram_user_id), address=str(chat_id))
    )
    session.add(client)
    session.flush()
    return client


def channel_address(session: Session, client_id: str, channel: str) -> str | None:
    """Where the bot writes to the client on `channel`, or None.

    A client has one Telegram account at most (bot/storage/linking.py); for a channel that allows
    several, the newest account's address.
    """
    return session.execute(
        select(ChannelAccount.address)
        .where(ChannelAccount.client_id == client_id, ChannelAccount.channel == channel, ChannelAccount.address.is_not(None))
        .order_by(ChannelAccount.id.desc())
        .limit(1)
    ).scalar()


def clients_reachable_on(session: Session, channel: str) -> list[str]:
    """Clients the bot can write to on `channel` without waiting for them to write first."""
    return list(
        session.execute(
            select(ChannelAccount.client_id)
            .where(ChannelAccount.channel == channel, ChannelAccount.address.is_not(None))
            .distinct()
        ).scalars()
    )
