"""The gateway: the only public port. Chat API, WebSocket, chat page, health."""
