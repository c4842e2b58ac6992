"""What a client is told when they use a practitioner's invitation (on the web or on Telegram)."""

from __future__ import annotations

from bot.storage.invites import ALREADY_BOUND, BOUND, EXPIRED, UNKNOWN, USED

INVITE_ANSWERS = {
    BOUND: (
        "You're now connected with your practitioner. Of your answers they will see only the summaries you "
        "choose to send them."
    ),
    ALREADY_BOUND: "You have already used this invitation.",
    UNKNOWN: (
        "I couldn't find that invitation. Please check the link with your practitioner; you can chat with me "
        "in the meantime."
    ),
    EXPIRED: "That invitation has expired. Please ask your practitioner for a new one; you can chat with me meanwhile.",
    USED: (
        "That invitation has already been used. If it wasn't you who used it, please tell your practitioner; "
        "you can chat with me meanwhile."
    ),
}
# The web API answers with these statuses, so that a program can tell the outcomes apart.
INVITE_STATUSES = {BOUND: 200, ALREADY_BOUND: 200, UNKNOWN: 404, EXPIRED: 410, USED: 409}
