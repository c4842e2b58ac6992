"""Clients and the channel accounts that lead to them."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import ChannelAccount, Client

WEB_CHANNEL = "web"


def hash_token(token: str) -> str:
    """Web client tokens are stored only as hashes, so a database leak does not reveal them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_web_client(session: Session) -> tuple[Client, str]:
    """A new client with a web channel account; returns the client and its secret token."""
    token = secrets.token_urlsafe(32)
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
