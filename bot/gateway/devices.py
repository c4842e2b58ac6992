"""The chat windows (WebSockets) open on each device, by the hash of the device's token.

"End the chat on this device" closes them, so that a window left open on a shared computer stops
showing the conversation too, and not only the token stored in its browser.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)


class OpenChats:
    def __init__(self) -> None:
        self._sockets: dict[str, set[web.WebSocketResponse]] = {}

    def __len__(self) -> int:
        return len(self._sockets)

    def add(self, token_hash: str, socket: web.WebSocketResponse) -> None:
        self._sockets.setdefault(token_hash, set()).add(socket)

    def discard(self, token_hash: str, socket: web.WebSocketResponse) -> None:
        sockets = self._sockets.get(token_hash)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[token_hash]

    async def close(self, token_hash: str, farewell: dict[str, Any]) -> None:
        """Tell each window of this device that the chat ended here, and close it."""
        for socket in list(self._sockets.pop(token_hash, ())):
            try:
                await socket.send_json(farewell)
                await socket.close()
            except Exception as error:  # a window that went away meanwhile
                logger.debug("a chat window was already gone (%s)", type(error).__name__)
