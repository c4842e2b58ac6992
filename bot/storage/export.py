"""Everything stored about a client, for "show my data": every row of every table that is theirs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Base, Client

# Secrets and internal bookkeeping that say nothing about the person: a hash of their chat
# token, and when a check-in was offered.
LEFT_OUT = {("channel_accounts", "external_id")}


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def client_export(session: Session, client_id: str) -> dict[str, list[dict[str, Any]]]:
    """Table name -> the client's rows as plain values; tables with nothing of theirs are left out."""
    export: dict[str, list[dict[str, Any]]] = {}
    client = session.get(Client, client_id)
    if client is None:
        return export
    for table in Base.metadata.sorted_tables:
        key = table.c.get("client_id") if table.name != "clients" else table.c.id
        if key is None:
            continue
        rows = session.execute(select(table).where(key == client_id).order_by(*table.primary_key.columns)).mappings()
        kept = [
            {column: _value(value) for column, value in row.items() if (table.name, column) not in LEFT_OUT}
            for row in rows
        ]
        if kept:
            export[table.name] = kept
    return export
