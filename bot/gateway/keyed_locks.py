"""One asyncio lock per key, held only while someone holds or waits for it.

A plain defaultdict of locks keeps one entry for every key ever used; this one forgets a key as
soon as nobody needs its lock any more.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}  # holders and waiters of each key's lock

    def __len__(self) -> int:
        return len(self._locks)

    def busy(self, key: str) -> bool:
        """Whether the key's lock is held or waited for now."""
        return key in self._locks

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]
