"""Words and payloads the gateway's channels share (the web routes and the Telegram handlers)."""

from __future__ import annotations

QUEUED_NOTICE = "Thanks, I've got your message. One moment: I'll answer as soon as I'm ready."
# The conversation opens with a greeting on the client's behalf, so the bot speaks first.
OPENING_PAYLOAD = "/greet"
