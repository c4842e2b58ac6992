"""Words and payloads the gateway's channels share (the web routes and the Telegram handlers)."""

from __future__ import annotations

QUEUED_NOTICE = "Thanks, I've got your message. One moment: I'll answer as soon as I'm ready."
# The conversation opens with a greeting on the client's behalf, so the bot speaks first.
OPENING_PAYLOAD = "/greet"
# The database is away for a moment (restarting, failing over): nothing is stored, and the client
# is asked to send again; the web chat does so by itself.
DATABASE_AWAY_NOTICE = (
    "One moment: I can't save messages just now. Everything you wrote before is safe, and your "
    "message will go as soon as I can take it."
)
DATABASE_RETRY_SECONDS = 5
# Refusals of the limits kept per address (bot/gateway/addresses.py).
TOO_MANY_SESSIONS = (
    "A lot of new conversations have been started from your network in the last hour, so I can't start "
    "another one just now. Please try again later; if you already have a conversation here, it carries on."
)
TOO_MANY_LINK_ATTEMPTS = (
    "That's a lot of codes tried in a short time, so I've paused linking for a while. "
    "Please try again later, with a new code from the chat you want to continue."
)
# "End the chat on this device": the token of this browser stops working, the conversation stays.
CHAT_ENDED_ON_THIS_DEVICE = (
    "The chat has ended on this device: this browser no longer opens our conversation. The conversation "
    "itself is kept, on any other device you linked to it, until you ask me to delete it or it has been "
    "quiet for a long time."
)
# A message the client's practitioner wrote to them in the chat (bot/gateway/outreach.py): shown
# with who wrote it on every channel, and where the client's replies go (to the bot, not to them).
PRACTITIONER_LABEL = "Message from {name}, your practitioner"
PRACTITIONER_REPLY_NOTE = (
    "What you write here goes to Waypoint, the chatbot, not to {name}. To write to {name}, say "
    "\"talk to my practitioner\": I'll help you send a summary with a message."
)
