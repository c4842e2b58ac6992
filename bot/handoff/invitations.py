"""What a client is told when they use a practitioner's invitation (on the web or on Telegram)."""

from __future__ import annotations

from bot.storage.invites import ALREADY_BOUND, BOUND, EXPIRED, MOVE_ASKED, MOVED, REVOKED, STAYED, UNKNOWN, USED, Redemption

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
    REVOKED: (
        "That invitation was withdrawn by the guidance service. Please ask your practitioner for a new one; you can "
        "chat with me meanwhile."
    ),
    USED: (
        "That invitation has already been used. If it wasn't you who used it, please tell your practitioner; "
        "you can chat with me meanwhile."
    ),
}
# The web API answers with these statuses, so that a program can tell the outcomes apart.
INVITE_STATUSES = {
    BOUND: 200, ALREADY_BOUND: 200, MOVE_ASKED: 200, MOVED: 200, STAYED: 200, UNKNOWN: 404, EXPIRED: 410, REVOKED: 410, USED: 409,
}

MOVE_QUESTION = (
    "This invitation is from {new}, and you're connected with {current} at the moment. If you switch, {new} "
    "becomes your practitioner: they will see the summaries you choose to send from now on (with our "
    "conversation only if you choose to share it with one), which parts of the process you have done, and a "
    "flag with a date, none of your words, whenever you tell me you're in distress, including one still open. "
    "{current} keeps the summaries you have already sent them and sees that you moved to another practitioner. "
    "Switch to {new}?"
)
MOVED_ANSWER = (
    "Done: {new} is your practitioner now. Of your answers they will see only the summaries you choose to send them."
)
STAYED_ANSWER = (
    "Alright, you stay with {current}; nothing has changed. The invitation from {new} stays unused, in case you "
    "change your mind while it is valid."
)


def invite_answer(redemption: Redemption) -> str:
    """What the client is told: a question when the invitation would move them to another practitioner."""
    names = {"new": redemption.practitioner, "current": redemption.current_practitioner}
    if redemption.outcome == MOVE_ASKED:
        return MOVE_QUESTION.format(**names)
    if redemption.outcome == MOVED:
        return MOVED_ANSWER.format(**names)
    if redemption.outcome == STAYED:
        return STAYED_ANSWER.format(**names)
    return INVITE_ANSWERS[redemption.outcome]


def invite_choices(new: str, current: str) -> tuple[str, str]:
    """The two answers to the question before moving: switch, or stay."""
    return f"Yes, switch to {new}", f"No, stay with {current}"
